/* Key-exchange groups with P-521: a client and server limited to "P-521:P-384" (a
 * configuration seen in the field; rustls' provider has no P-521, so oxissl supplies
 * it from aws-lc) agree on P-521 at TLS 1.3 and 1.2; a server preferring P-521 with a
 * default client; the client's default groups list (SSL_get1_groups after the
 * handshake, as the server sees them: SSL_get_shared_group); a server without P-521
 * against a P-521-only client fails the same way.  At TLS 1.2 an ECDSA certificate on a
 * curve the client does not list is not used (RFC 8422, as OpenSSL): no shared cipher,
 * or the RSA certificate when the server has both. */
#include "common.h"

static void run(const char *what, int version, const char *cgroups, const char *sgroups)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");

    /* "dual": an RSA certificate beside the ECDSA one. */
    if (strncmp(what, "dual", 4) == 0) {
        if (SSL_CTX_use_certificate_chain_file(sctx, cpath("server-rsa.pem")) != 1
            || SSL_CTX_use_PrivateKey_file(sctx, cpath("server-rsa.key"), SSL_FILETYPE_PEM) != 1)
            die("RSA certificate");
    }
    SSL *c, *s;
    int ok;

    printf("== %s, %s, client %s, server %s ==\n", what, version_name(version), cgroups ? cgroups : "default",
           sgroups ? sgroups : "default");
    SSL_CTX_set_max_proto_version(cctx, version);
    if (cgroups && SSL_CTX_set1_groups_list(cctx, cgroups) != 1)
        printf("client: set1_groups_list failed\n");
    if (sgroups && SSL_CTX_set1_groups_list(sctx, sgroups) != 1)
        printf("server: set1_groups_list failed\n");
    make_mem_pair(cctx, sctx, &c, &s);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    if (ok == 1) {
        int g = SSL_get_negotiated_group(c);
        int n = SSL_get_shared_group(s, -1);

        printf("negotiated group: client %s, server %s\n", OBJ_nid2sn(g), OBJ_nid2sn(SSL_get_negotiated_group(s)));
        printf("cipher: %s\n", SSL_CIPHER_get_name(SSL_get_current_cipher(c)));
        printf("server: %d shared groups:", n);
        for (int i = 0; i < n; i++)
            printf(" %s", OBJ_nid2sn(SSL_get_shared_group(s, i)));
        printf("\n");
        exchange(c, "client", s, "server", "over P-521?");
    } else {
        print_err("client");
        print_err("server");
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int v = 0; v < 2; v++) {
        run("both limited", vers[v], "P-521:P-384", "P-521:P-384");
        run("server prefers P-521", vers[v], NULL, "P-521:X25519");
        run("client P-521 only", vers[v], "secp521r1", NULL);
        run("no common group", vers[v], "P-521", "X25519:P-256");
        run("dual certificates, client lacks the ECDSA curve", vers[v], "P-521:X25519", NULL);
        run("dual certificates, client has it", vers[v], "P-256:P-521", NULL);
    }
    return test_end();
}
