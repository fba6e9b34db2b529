/* External PSKs (TLS-PSK, TLS 1.3 external PSK): rustls has none, so oxissl refuses
 * them when they are set up -- SSL(_CTX)_use_psk_identity_hint fails and the callback
 * setters queue an error naming the missing feature (a known difference: OpenSSL
 * accepts them) -- while clearing a callback is quiet, the PSK getters answer NULL
 * without an error after a certificate handshake (as OpenSSL's), and a certificate
 * context of the same program keeps working (Mosquitto: a PSK listener beside
 * certificate listeners). */
#include "common.h"

static unsigned int server_cb(SSL *ssl, const char *identity, unsigned char *psk, unsigned int max)
{
    (void)ssl;
    (void)identity;
    (void)psk;
    (void)max;
    return 0;
}

static unsigned int client_cb(SSL *ssl, const char *hint, char *identity, unsigned int max_identity,
                              unsigned char *psk, unsigned int max_psk)
{
    (void)ssl;
    (void)hint;
    (void)identity;
    (void)max_identity;
    (void)psk;
    (void)max_psk;
    return 0;
}

int main(int argc, char **argv)
{
    SSL_CTX *psk = SSL_CTX_new(TLS_server_method());
    SSL_CTX *pskc = SSL_CTX_new(TLS_client_method());
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;

    test_init(argc, argv);
    printf("== a PSK listener's set-up ==\n");
    SSL_CTX_set_psk_server_callback(psk, server_cb);
    print_err("SSL_CTX_set_psk_server_callback");
    printf("SSL_CTX_use_psk_identity_hint=%d\n", SSL_CTX_use_psk_identity_hint(psk, "hint"));
    print_err("SSL_CTX_use_psk_identity_hint");
    SSL_CTX_set_psk_client_callback(pskc, client_cb);
    print_err("SSL_CTX_set_psk_client_callback");
    printf("== clearing the callbacks ==\n");
    SSL_CTX_set_psk_server_callback(psk, NULL);
    SSL_CTX_set_psk_client_callback(pskc, NULL);
    SSL_CTX_set_psk_find_session_callback(psk, NULL);
    SSL_CTX_set_psk_use_session_callback(pskc, NULL);
    print_err("clearing");

    printf("== a certificate listener of the same program ==\n");
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    make_mem_pair(cctx, sctx, &c, &s);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    exchange(c, "client", s, "server", "hello");
    printf("server: SSL_get_psk_identity=%s\n", SSL_get_psk_identity(s) ? "set" : "NULL");
    printf("client: SSL_get_psk_identity_hint=%s\n", SSL_get_psk_identity_hint(c) ? "set" : "NULL");
    print_err("getters");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    SSL_CTX_free(psk);
    SSL_CTX_free(pskc);
    return test_end();
}
