/* SSL_CTX_set_cert_cb / SSL_set_cert_cb: a server with no certificate of its own whose
 * callback loads one onto the SSL by SNI (first asking to be called again:
 * SSL_ERROR_WANT_X509_LOOKUP), a callback that fails the handshake, the SSL's own
 * callback overriding the context's, and a client whose callback supplies its
 * certificate when the server asks for one. In-process, over a BIO pair. */
#include "common.h"

static int calls;

static int server_cb(SSL *s, void *arg)
{
    const char *sn = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    calls++;
    printf("server cb#%d: arg=%s servername=%s\n", calls, (const char *)arg, sn ? sn : "(none)");
    if (!strcmp(arg, "fail"))
        return 0;
    if (!strcmp(arg, "retry") && calls == 1)
        return -1;
    if (SSL_use_certificate_chain_file(s, cpath("server-p256.pem")) != 1
        || SSL_use_PrivateKey_file(s, cpath("server-p256.key"), SSL_FILETYPE_PEM) != 1)
        return 0;
    return 1;
}

static int client_cb(SSL *s, void *arg)
{
    (void)arg;
    printf("client cb: asked for a certificate\n");
    return SSL_use_certificate_file(s, cpath("client.pem"), SSL_FILETYPE_PEM) == 1
           && SSL_use_PrivateKey_file(s, cpath("client.key"), SSL_FILETYPE_PEM) == 1;
}

/* Steps both ends until done or failed, printing every non-retry outcome and the
 * certificate callback's WANT_X509_LOOKUP. */
static void run(SSL *c, SSL *s)
{
    int cd = 0, sd = 0;
    for (int i = 0; i < 40 && !(cd && sd); i++) {
        if (!cd) {
            int r = SSL_do_handshake(c), e = SSL_get_error(c, r);
            if (r == 1)
                cd = 1;
            else if (e != SSL_ERROR_WANT_READ) {
                print_result("client", "SSL_do_handshake", c, r);
                cd = 1;
            }
        }
        if (!sd) {
            int r = SSL_do_handshake(s), e = SSL_get_error(s, r);
            if (r == 1)
                sd = 1;
            else if (e == SSL_ERROR_WANT_X509_LOOKUP)
                printf("server: SSL_do_handshake ret=%d err=SSL_ERROR_WANT_X509_LOOKUP\n", r);
            else if (e != SSL_ERROR_WANT_READ) {
                print_result("server", "SSL_do_handshake", s, r);
                sd = 1;
            }
        }
    }
    if (SSL_is_init_finished(c) && SSL_is_init_finished(s)) {
        print_session_info("client", c);
        print_peer_cert("client", c);
        print_peer_cert("server", s);
    }
}

static void scenario(const char *title, const char *arg, int ssl_level, int client_cert)
{
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;

    printf("== %s ==\n", title);
    calls = 0;
    if (!ssl_level)
        SSL_CTX_set_cert_cb(sctx, server_cb, (void *)arg);
    else
        SSL_CTX_set_cert_cb(sctx, server_cb, "context (must not run)");
    if (client_cert) {
        SSL_CTX_load_verify_locations(sctx, cpath("ca.pem"), NULL);
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        SSL_CTX_set_cert_cb(cctx, client_cb, NULL);
    }
    make_pair(cctx, sctx, &c, &s, 0);
    if (ssl_level)
        SSL_set_cert_cb(s, server_cb, (void *)arg);
    SSL_set_tlsext_host_name(c, "localhost");
    run(c, s);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    scenario("context callback loads the certificate", "load", 0, 0);
    scenario("callback asks to be called again first", "retry", 0, 0);
    scenario("callback fails", "fail", 0, 0);
    scenario("the SSL's callback overrides the context's", "ssl-level", 1, 0);
    scenario("client callback supplies the client certificate", "load", 0, 1);
    return test_end();
}
