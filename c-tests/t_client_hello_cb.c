/* SSL_CTX_set_client_hello_cb and the SSL_client_hello_* accessors, with a real
 * `openssl s_client` (system OpenSSL) as the client so that the ClientHello is the
 * same in both runs. Three connections: the callback reads the hello and succeeds
 * (first asking to be called again: SSL_ERROR_WANT_CLIENT_HELLO_CB), switches the
 * certificate context by SNI as haproxy does; then a callback that fails the
 * handshake; then the accessors outside a callback. */
#include "common.h"
#include <unistd.h>

static int calls, retry_first, fail_it;
static SSL_CTX *g_other;

static int hello_cb(SSL *s, int *al, void *arg)
{
    const unsigned char *p;
    size_t n;
    int *exts = NULL;
    size_t next = 0;

    calls++;
    printf("cb#%d: arg=%s legacy_version=0x%04x isv2=%d\n", calls, (const char *)arg,
           SSL_client_hello_get0_legacy_version(s), SSL_client_hello_isv2(s));
    printf("cb#%d: random=%zu session_id=%zu ciphers=%s compression=%zu\n", calls,
           SSL_client_hello_get0_random(s, &p), SSL_client_hello_get0_session_id(s, &p),
           SSL_client_hello_get0_ciphers(s, &p) > 2 ? "some" : "none",
           SSL_client_hello_get0_compression_methods(s, &p));
    if (SSL_client_hello_get1_extensions_present(s, &exts, &next)) {
        printf("cb#%d: extensions:", calls);
        for (size_t i = 0; i < next; i++)
            printf(" %d", exts[i]);
        printf("\n");
        OPENSSL_free(exts);
    }
    /* server_name: list length (2), type (1), name length (2), name */
    if (SSL_client_hello_get0_ext(s, TLSEXT_TYPE_server_name, &p, &n) && n > 5)
        printf("cb#%d: sni=%.*s\n", calls, (int)(n - 5), p + 5);
    printf("cb#%d: alpn ext=%d, bogus ext=%d\n", calls,
           SSL_client_hello_get0_ext(s, TLSEXT_TYPE_application_layer_protocol_negotiation, &p, &n),
           SSL_client_hello_get0_ext(s, 0x7777, &p, &n));
    if (retry_first && calls == 1)
        return SSL_CLIENT_HELLO_RETRY;
    if (fail_it) {
        *al = SSL_AD_ACCESS_DENIED;
        return SSL_CLIENT_HELLO_ERROR;
    }
    SSL_set_SSL_CTX(s, g_other);
    return SSL_CLIENT_HELLO_SUCCESS;
}

static void one(SSL_CTX *sctx, const char *alpn)
{
    const char *args[20];
    char portarg[64];
    size_t n = 0;
    int lfd, fd, port, r;
    child_t cl;
    SSL *s;

    lfd = tcp_listen(&port);
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[n++] = "openssl";
    args[n++] = "s_client";
    args[n++] = "-connect";
    args[n++] = portarg;
    args[n++] = "-CAfile";
    args[n++] = cpath("ca.pem");
    args[n++] = "-servername";
    args[n++] = "localhost";
    args[n++] = "-alpn";
    args[n++] = alpn;
    args[n++] = "-quiet";
    args[n] = NULL;
    cl = spawn_openssl(args);
    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    for (int i = 0; i < 3; i++) {
        r = SSL_accept(s);
        int e = print_result("server", "SSL_accept", s, r);
        if (e != SSL_ERROR_WANT_CLIENT_HELLO_CB)
            break;
    }
    if (r == 1) {
        print_session_info("server", s);
        printf("server: context switched=%d\n", SSL_get_SSL_CTX(s) == g_other);
        SSL_shutdown(s);
    }
    close(cl.in_fd);
    wait_child(&cl, 10000);
    SSL_free(s);
    close(fd);
    close(lfd);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    g_other = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_client_hello_cb(sctx, hello_cb, "arg");

    printf("== retry, then succeed and switch context ==\n");
    retry_first = 1;
    one(sctx, "http/1.1");
    printf("== the callback fails the handshake ==\n");
    calls = 0;
    retry_first = 0;
    fail_it = 1;
    one(sctx, "h2");

    printf("== outside a callback ==\n");
    SSL *s = SSL_new(sctx);
    const unsigned char *p = NULL;
    size_t len = 0;
    int *e = NULL;
    printf("legacy_version=%u random=%zu ext=%d present=%d\n",
           SSL_client_hello_get0_legacy_version(s), SSL_client_hello_get0_random(s, &p),
           SSL_client_hello_get0_ext(s, 0, &p, &len),
           SSL_client_hello_get1_extensions_present(s, &e, &len));
    print_err("outside");
    SSL_free(s);
    SSL_CTX_free(g_other);
    SSL_CTX_free(sctx);
    return test_end();
}
