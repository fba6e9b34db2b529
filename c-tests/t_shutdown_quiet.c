/* Quiet shutdown: SSL_CTX_set_quiet_shutdown / SSL_set_quiet_shutdown /
 * the getters (inheritance by SSL_new); SSL_shutdown returns 1 at once,
 * sets both shutdown flags and sends nothing; the peer sees no
 * close_notify. */
#include "common.h"

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[16];
    int r;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    printf("ctx default quiet=%d\n", SSL_CTX_get_quiet_shutdown(cctx));
    SSL_CTX_set_quiet_shutdown(cctx, 1);
    printf("ctx quiet=%d\n", SSL_CTX_get_quiet_shutdown(cctx));
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: inherited quiet=%d server: quiet=%d\n", SSL_get_quiet_shutdown(c),
           SSL_get_quiet_shutdown(s));
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    exchange(c, "client", s, "server", "before quiet shutdown");
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown (quiet)", c, r);
    printf("client: get_shutdown=%d\n", SSL_get_shutdown(c));
    printf("server: bytes waiting=%s\n", BIO_ctrl_pending(SSL_get_rbio(s)) ? "yes" : "no");
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read", s, r);
    printf("server: get_shutdown=%d\n", SSL_get_shutdown(s));
    /* per-connection override back to normal */
    SSL_set_quiet_shutdown(s, 1);
    printf("server: quiet after set=%d\n", SSL_get_quiet_shutdown(s));
    SSL_set_quiet_shutdown(s, 0);
    printf("server: quiet after reset=%d\n", SSL_get_quiet_shutdown(s));
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown (normal)", s, r);
    printf("client: bytes waiting=%s\n", BIO_ctrl_pending(SSL_get_rbio(c)) ? "yes" : "no");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
