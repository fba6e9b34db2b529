/* The SRP getters on a connection that did not use SRP (Apache's mod_ssl reads the
 * SRP user name on every request): NULL, and nothing on the error queue (which would
 * turn the next SSL_get_error into SSL_ERROR_SSL), before and after a handshake. */
/* Apache still calls these deprecated functions. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

static void show(const char *when, SSL *c)
{
    printf("%s: username=%s userinfo=%s N=%s g=%s\n", when, SSL_get_srp_username(c) ? "set" : "NULL",
           SSL_get_srp_userinfo(c) ? "set" : "NULL", SSL_get_srp_N(c) ? "set" : "NULL",
           SSL_get_srp_g(c) ? "set" : "NULL");
    print_err(when);
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    make_pair(cctx, sctx, &c, &s, 0);
    show("client before handshake", c);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    show("client after handshake", c);
    show("server after handshake", s);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
