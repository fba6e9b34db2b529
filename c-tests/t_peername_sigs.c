/* What a handshake leaves for the application to log (Postfix's TLS logging reads
 * both): SSL_get0_peername, the name the host check matched (SSL_set1_host /
 * SSL_add1_host, with and without a wildcard-free host flag; NULL when the check
 * failed or there was none), and SSL_get_signature_nid / SSL_get_signature_type_nid /
 * SSL_get_peer_signature_nid on both sides of a full and of a resumed handshake (a
 * resumption makes no signature), at TLS 1.3 and TLS 1.2. */
#include "common.h"

static void sigs(const char *who, SSL *s)
{
    int nid = -1, type = -1, pnid = -1;
    int r1 = SSL_get_signature_nid(s, &nid);
    int r2 = SSL_get_signature_type_nid(s, &type);
    int r3 = SSL_get_peer_signature_nid(s, &pnid);

    printf("%s: signature_nid %d -> %s, type %d -> %s, peer %d -> %s\n", who, r1, r1 ? OBJ_nid2sn(nid) : "-", r2,
           r2 ? OBJ_nid2sn(type) : "-", r3, r3 ? OBJ_nid2sn(pnid) : "-");
}

static SSL_SESSION *run(SSL_CTX *cctx, SSL_CTX *sctx, int version, const char *title, const char *hosts[],
                        unsigned int flags, SSL_SESSION *resume)
{
    SSL *c, *s;
    SSL_SESSION *out = NULL;
    int ok;

    printf("== %s (%s) ==\n", title, version_name(version));
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_max_proto_version(c, version);
    SSL_set_hostflags(c, flags);
    for (int i = 0; hosts && hosts[i]; i++)
        i == 0 ? SSL_set1_host(c, hosts[i]) : SSL_add1_host(c, hosts[i]);
    if (resume)
        SSL_set_session(c, resume);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused=%d\n", ok, SSL_session_reused(c));
    print_verify_result("client", c);
    printf("client: peername=%s\n", SSL_get0_peername(c) ? SSL_get0_peername(c) : "(null)");
    if (ok) {
        sigs("client", c);
        sigs("server", s);
        exchange(s, "server", c, "client", "x");
        out = SSL_get1_session(c);
        SSL_shutdown(c);
        SSL_shutdown(s);
    }
    free_pair(c, s);
    return out;
}

int main(int argc, char **argv)
{
    const char *local[] = { "localhost", NULL };
    const char *two[] = { "other.example", "localhost", NULL };
    const char *wrong[] = { "wrong.example", NULL };
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int v = 0; v < 2; v++) {
        SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_NONE);
        SSL_SESSION *sess;

        sess = run(cctx, sctx, vers[v], "one host", local, 0, NULL);
        SSL_SESSION_free(run(cctx, sctx, vers[v], "resumed", local, 0, sess));
        SSL_SESSION_free(sess);
        SSL_SESSION_free(run(cctx, sctx, vers[v], "second of two hosts, no partial wildcards", two,
                             X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL));
        SSL_SESSION_free(run(cctx, sctx, vers[v], "host that does not match", wrong, 0, NULL));
        SSL_SESSION_free(run(cctx, sctx, vers[v], "no host check", NULL, 0, NULL));
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }
    return test_end();
}
