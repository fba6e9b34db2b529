/* Which cipher is negotiated for given client/server configurations
 * (restricted to suites rustls supports): defaults, client preference vs
 * SSL_OP_CIPHER_SERVER_PREFERENCE, TLS 1.3 suites via set_ciphersuites,
 * TLS 1.2 lists per key type, no common cipher (handshake failure), no
 * TLS 1.3 suites forcing TLS 1.2, and min/max protocol mismatches. */
#include "common.h"

static void run(const char *title, const char *cert, const char *key,
                const char *clist, const char *csuites, const char *slist,
                const char *ssuites, int cmax, int smin, int server_pref)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx(cert, key);
    SSL *c, *s;

    printf("== %s ==\n", title);
    if (clist && SSL_CTX_set_cipher_list(cctx, clist) != 1)
        die("client list");
    if (csuites && SSL_CTX_set_ciphersuites(cctx, csuites) != 1)
        die("client suites");
    if (slist && SSL_CTX_set_cipher_list(sctx, slist) != 1)
        die("server list");
    if (ssuites && SSL_CTX_set_ciphersuites(sctx, ssuites) != 1)
        die("server suites");
    if (cmax)
        SSL_CTX_set_max_proto_version(cctx, cmax);
    if (smin)
        SSL_CTX_set_min_proto_version(sctx, smin);
    if (server_pref)
        SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
    make_pair(cctx, sctx, &c, &s, 0);
    if (do_handshake(c, s, 0, NULL, NULL)) {
        print_session_info("client", c);
        print_session_info("server", s);
    } else {
        printf("handshake failed\n");
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    const char *rsa = "server-rsa.pem", *rsak = "server-rsa.key";
    const char *ec = "server-p256.pem", *eck = "server-p256.key";

    test_init(argc, argv);
    run("defaults, RSA", rsa, rsak, NULL, NULL, NULL, NULL, 0, 0, 0);
    run("defaults, TLS 1.2, RSA", rsa, rsak, NULL, NULL, NULL, NULL, TLS1_2_VERSION, 0, 0);
    run("defaults, TLS 1.2, ECDSA", ec, eck, NULL, NULL, NULL, NULL, TLS1_2_VERSION, 0, 0);
    run("TLS 1.3 client prefers CHACHA20", rsa, rsak, NULL,
        "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256", NULL, NULL, 0, 0, 0);
    run("TLS 1.3 client prefers CHACHA20, server preference AES128", rsa, rsak, NULL,
        "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256", NULL,
        "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256", 0, 0, 1);
    run("TLS 1.3 single common suite", rsa, rsak, NULL, "TLS_AES_128_GCM_SHA256", NULL,
        "TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256", 0, 0, 0);
    run("TLS 1.3 no common suite", rsa, rsak, NULL, "TLS_AES_128_GCM_SHA256", NULL,
        "TLS_AES_256_GCM_SHA384", 0, 0, 0);
    run("TLS 1.2 ECDHE+AESGCM, RSA", rsa, rsak, "ECDHE+AESGCM", NULL, NULL, NULL,
        TLS1_2_VERSION, 0, 0);
    run("TLS 1.2 HIGH:!aNULL, ECDSA", ec, eck, "HIGH:!aNULL", NULL, NULL, NULL,
        TLS1_2_VERSION, 0, 0);
    run("TLS 1.2 client prefers CHACHA20, server preference AES128", rsa, rsak,
        "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256", NULL,
        "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305", NULL, TLS1_2_VERSION, 0, 1);
    run("TLS 1.2 client prefers CHACHA20, client preference", rsa, rsak,
        "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256", NULL,
        "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305", NULL, TLS1_2_VERSION, 0, 0);
    run("TLS 1.2 ECDSA-only list against an RSA server", rsa, rsak,
        "ECDHE-ECDSA-AES128-GCM-SHA256", NULL, NULL, NULL, TLS1_2_VERSION, 0, 0);
    run("client with empty TLS 1.3 suite list, max version left at TLS 1.3", rsa, rsak, NULL,
        "", NULL, NULL, 0, 0, 0);
    run("client with empty TLS 1.3 suite list and max TLS 1.2", rsa, rsak, NULL, "", NULL,
        NULL, TLS1_2_VERSION, 0, 0);
    run("server with empty TLS 1.3 suite list", rsa, rsak, NULL, NULL, NULL, "", 0, 0, 0);
    run("client max TLS 1.2, server min TLS 1.3", rsa, rsak, NULL, NULL, NULL, NULL,
        TLS1_2_VERSION, TLS1_3_VERSION, 0);
    return test_end();
}
