/* Which cipher lists a connection uses: until the application sets one on the SSL
 * (SSL_set_cipher_list, SSL_set_ciphersuites), OpenSSL's SSL reads its context's
 * current list -- also one changed after SSL_new, and the new context's after
 * SSL_set_SSL_CTX (PHP's SNI_server_certs, nginx and haproxy per-name contexts).
 * Shown with SSL_get_cipher_list and the suite a TLS 1.2 handshake negotiates. A
 * cipher string that cannot be read (an invalid command) leaves the SSL without a list of
 * its own; one that selects nothing gives it an empty one (found by the config_diff fuzz
 * target). The TLS 1.3 suites are different: the SSL copies its context's at SSL_new and
 * builds its own list from that copy, whatever the context's are by then (config_diff
 * again: oxissl took the context's current, emptied, suites). */
#include "common.h"

static SSL_CTX *g_other;

static void list(const char *who, SSL *s)
{
    const char *n;

    printf("%s: ciphers", who);
    for (int i = 0; (n = SSL_get_cipher_list(s, i)) != NULL && i < 10; i++)
        printf(" %s", n);
    printf("\n");
}

static int switch_ctx(SSL *s, int *ad, void *arg)
{
    (void)ad;
    (void)arg;
    SSL_set_SSL_CTX(s, g_other);
    list("server after SSL_set_SSL_CTX", s);
    return SSL_TLSEXT_ERR_OK;
}

static void handshake(const char *what, SSL_CTX *cctx, SSL_CTX *sctx, int own)
{
    SSL *c, *s;

    printf("== %s ==\n", what);
    make_mem_pair(cctx, sctx, &c, &s);
    SSL_set_tlsext_host_name(c, "localhost");
    if (own == 1)
        printf("server: SSL_set_cipher_list=%d\n", SSL_set_cipher_list(s, "ECDHE-ECDSA-CHACHA20-POLY1305"));
    if (own == 2)
        printf("server: SSL_set_ciphersuites=%d\n", SSL_set_ciphersuites(s, "TLS_AES_128_GCM_SHA256"));
    if (own == 3) {
        printf("server: SSL_set_cipher_list(unreadable)=%d\n", SSL_set_cipher_list(s, "\x1cO-384:X2A5\x02"));
        print_err("server");
    }
    if (own == 4) {
        printf("server: SSL_set_cipher_list(no match)=%d\n", SSL_set_cipher_list(s, "NOSUCHCIPHER"));
        print_err("server");
    }
    if (own == 5 || own == 6) {
        SSL_CTX_set_ciphersuites(sctx, "");
        printf("context: first cipher %s\n", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(SSL_CTX_get_ciphers(sctx), 0)));
        printf("server: SSL_set_cipher_list=%d\n",
               SSL_set_cipher_list(s, own == 5 ? "ECDHE-ECDSA-CHACHA20-POLY1305" : ""));
        print_err("server");
    }
    /* The context changes after SSL_new. */
    SSL_CTX_set_cipher_list(sctx, "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256");
    list("server", s);
    /* (No handshake with the empty TLS 1.2 list: rustls's server then does not take TLS
     * 1.2 at all, see README "Deliberate differences", Configuration strings.) */
    if (own != 4 && own != 6) {
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        print_session_info("client", c);
    }
    free_pair(c, s);
    SSL_CTX_set_cipher_list(sctx, "DEFAULT");
    SSL_CTX_set_ciphersuites(sctx, "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256");
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    SSL_CTX_set_cipher_list(cctx, "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384");
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);

    handshake("the context's list changed after SSL_new", cctx, sctx, 0);
    handshake("a list set on the SSL", cctx, sctx, 1);
    handshake("TLS 1.3 suites set on the SSL", cctx, sctx, 2);
    handshake("an unreadable list refused on the SSL", cctx, sctx, 3);
    handshake("a list matching nothing refused on the SSL", cctx, sctx, 4);
    handshake("TLS 1.3 suites emptied on the context after SSL_new, then a list set on the SSL", cctx, sctx, 5);
    handshake("TLS 1.3 suites emptied on the context after SSL_new, then an empty list on the SSL", cctx, sctx, 6);

    g_other = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_cipher_list(g_other, "ECDHE-ECDSA-AES128-GCM-SHA256");
    SSL_CTX_set_tlsext_servername_callback(sctx, switch_ctx);
    handshake("SSL_set_SSL_CTX in the servername callback", cctx, sctx, 0);
    handshake("SSL_set_SSL_CTX with a list set on the SSL", cctx, sctx, 1);

    /* Suite B mode (a SUITEB cipher string) is kept in OpenSSL's certificate flags, which
     * SSL_new copies: a connection made before the context enters the mode does not
     * follow it (config_diff again), one made after does. */
    {
        SSL_CTX *ctx = SSL_CTX_new(TLS_method());
        SSL *before = SSL_new(ctx), *after;
        printf("== Suite B mode on the context after SSL_new ==\n");
        printf("context: SSL_CTX_set_cipher_list(SUITEB192)=%d\n", SSL_CTX_set_cipher_list(ctx, "SUITEB192"));
        after = SSL_new(ctx);
        printf("before: SSL_set_cipher_list=%d\n", SSL_set_cipher_list(before, "ECDHE-ECDSA-AES128-GCM-SHA256"));
        list("before", before);
        printf("after: SSL_set_cipher_list=%d\n", SSL_set_cipher_list(after, "ECDHE-ECDSA-AES128-GCM-SHA256"));
        list("after", after);
        SSL_free(before);
        SSL_free(after);
        SSL_CTX_free(ctx);
    }

    SSL_CTX_free(g_other);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
