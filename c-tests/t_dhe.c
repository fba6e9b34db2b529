/* Finite-field Diffie-Hellman.  A TLS 1.2 server offers its DHE suites only once it
 * has DH parameters, as OpenSSL: none (a DHE-only client finds no shared cipher),
 * SSL_CTX_set_dh_auto (a group as strong as the RSA-2048 key: 2048 bits),
 * SSL_CTX_set_tmp_dh with 3072-bit parameters, SSL_CTX_set0_tmp_dh_pkey with
 * 4096-bit ones.  The client is the system's `openssl s_client` with only DHE suites;
 * the server prints the suite and the size of its temporary key.  (oxissl sends the
 * RFC 7919 group of the parameters' size where OpenSSL sends the parameters given.)
 * TLS 1.3 with only finite-field groups on both sides (in process).  oxissl's client
 * offers no DHE suite (known difference).  The temporary keys each side reports. */
/* SSL_CTX_set_tmp_dh takes a DH: the deprecated API, as the programs that call it. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/dh.h>
#include <openssl/pem.h>
#include <unistd.h>

static EVP_PKEY *ffdhe_params(const char *group)
{
    EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *params = NULL;

    if (pctx == NULL || EVP_PKEY_paramgen_init(pctx) != 1 || EVP_PKEY_CTX_set_group_name(pctx, group) != 1
        || EVP_PKEY_generate(pctx, &params) != 1)
        die("DH parameters %s", group);
    EVP_PKEY_CTX_free(pctx);
    return params;
}

static void with_s_client(const char *what, SSL_CTX *sctx)
{
    const char *args[] = { "openssl", "s_client", "-connect", NULL, "-tls1_2", "-cipher",
                           "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384", "-quiet", NULL };
    char portarg[64];
    int lfd, fd, port, r;
    child_t cl;
    SSL *s;

    printf("== %s ==\n", what);
    lfd = tcp_listen(&port);
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[3] = portarg;
    cl = spawn_openssl(args);
    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    r = SSL_accept(s);
    print_result("server", "SSL_accept", s, r);
    if (r == 1) {
        EVP_PKEY *tmp = NULL;

        print_session_info("server", s);
        if (SSL_get_tmp_key(s, &tmp) == 1) {
            printf("server: temporary key %s, %d bits\n", OBJ_nid2sn(EVP_PKEY_get_base_id(tmp)), EVP_PKEY_get_bits(tmp));
            EVP_PKEY_free(tmp);
        }
        SSL_shutdown(s);
    }
    SSL_free(s);
    close(fd);
    printf("s_client: exit %d\n", wait_child(&cl, 10000));
    close(lfd);
}

static SSL_CTX *rsa_server(void)
{
    return make_server_ctx("server-rsa.pem", "server-rsa.key");
}

int main(int argc, char **argv)
{
    SSL_CTX *sctx;

    test_init(argc, argv);
    sctx = rsa_server();
    with_s_client("no DH parameters", sctx);
    SSL_CTX_free(sctx);

    sctx = rsa_server();
    printf("SSL_CTX_set_dh_auto=%ld\n", SSL_CTX_set_dh_auto(sctx, 1));
    with_s_client("SSL_CTX_set_dh_auto", sctx);
    SSL_CTX_free(sctx);

    sctx = rsa_server();
    {
        EVP_PKEY *p = ffdhe_params("ffdhe3072");
        DH *dh = EVP_PKEY_get1_DH(p);

        printf("SSL_CTX_set_tmp_dh=%ld\n", SSL_CTX_set_tmp_dh(sctx, dh));
        DH_free(dh);
        EVP_PKEY_free(p);
    }
    with_s_client("SSL_CTX_set_tmp_dh (3072 bits)", sctx);
    SSL_CTX_free(sctx);

    sctx = rsa_server();
    printf("SSL_CTX_set0_tmp_dh_pkey=%d\n", SSL_CTX_set0_tmp_dh_pkey(sctx, ffdhe_params("ffdhe4096")));
    with_s_client("SSL_CTX_set0_tmp_dh_pkey (4096 bits)", sctx);
    SSL_CTX_free(sctx);

    {
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
        SSL *c, *s;

        printf("== TLS 1.3, groups ffdhe3072:ffdhe2048 on both sides ==\n");
        sctx = rsa_server();
        SSL_CTX_set1_groups_list(cctx, "ffdhe3072:ffdhe2048");
        SSL_CTX_set1_groups_list(sctx, "ffdhe2048:ffdhe3072");
        make_mem_pair(cctx, sctx, &c, &s);
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        printf("negotiated group: client %s, server %s\n", OBJ_nid2sn(SSL_get_negotiated_group(c)),
               OBJ_nid2sn(SSL_get_negotiated_group(s)));
        exchange(c, "client", s, "server", "over ffdhe");
        free_pair(c, s);
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }
    {
        /* A client offering only DHE suites: oxissl's client offers none (known
         * difference: rustls' client takes only RFC 7919 primes, and OpenSSL servers
         * send others). */
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
        SSL *c, *s;

        printf("== in process, client offers only DHE-RSA-AES256-GCM-SHA384 ==\n");
        sctx = rsa_server();
        SSL_CTX_set_dh_auto(sctx, 1);
        SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
        printf("client: set_cipher_list=%d\n", SSL_CTX_set_cipher_list(cctx, "DHE-RSA-AES256-GCM-SHA384"));
        make_mem_pair(cctx, sctx, &c, &s);
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        free_pair(c, s);
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }
    /* Which temporary keys each side reports after the handshake. */
    for (int v = 0; v < 2; v++) {
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
        SSL *c, *s;
        int version = v ? TLS1_2_VERSION : TLS1_3_VERSION;

        printf("== temporary keys, %s, X25519 ==\n", version_name(version));
        sctx = rsa_server();
        SSL_CTX_set_max_proto_version(cctx, version);
        make_mem_pair(cctx, sctx, &c, &s);
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        for (int i = 0; i < 2; i++) {
            SSL *x = i ? s : c;
            EVP_PKEY *own = NULL, *peer = NULL;
            int r1 = SSL_get_tmp_key(x, &own), r2 = SSL_get_peer_tmp_key(x, &peer);

            printf("%s: SSL_get_tmp_key=%d %s, SSL_get_peer_tmp_key=%d %s\n", i ? "server" : "client", r1,
                   own ? OBJ_nid2sn(EVP_PKEY_get_base_id(own)) : "-", r2,
                   peer ? OBJ_nid2sn(EVP_PKEY_get_base_id(peer)) : "-");
            EVP_PKEY_free(own);
            EVP_PKEY_free(peer);
        }
        free_pair(c, s);
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }
    return test_end();
}
