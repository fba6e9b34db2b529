/* Getters on a fresh SSL before any handshake (version string, cipher,
 * peer certificate, verify result, servername, ALPN, shutdown flags,
 * pending, state), and SSL_read / SSL_write / SSL_peek implicitly starting
 * the handshake on a client over a BIO pair. */
#include "common.h"

static void getters(const char *who, SSL *s)
{
    const unsigned char *alpn = NULL;
    unsigned int alen = 99;
    const char *sn = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    X509 *peer = SSL_get1_peer_certificate(s);

    SSL_get0_alpn_selected(s, &alpn, &alen);
    printf("%s: version=%s version_int=0x%x cipher=%s\n", who, SSL_get_version(s),
           SSL_version(s), SSL_get_current_cipher(s) ? "set" : "NULL");
    printf("%s: peer=%s chain=%s verify_result=%ld servername=%s alpn_len=%u\n", who,
           peer ? "set" : "NULL", SSL_get_peer_cert_chain(s) ? "set" : "NULL",
           (long)SSL_get_verify_result(s), sn ? sn : "NULL", alen);
    printf("%s: shutdown=%d pending=%d has_pending=%d init_finished=%d in_init=%d in_before=%d\n",
           who, SSL_get_shutdown(s), SSL_pending(s), SSL_has_pending(s),
           SSL_is_init_finished(s), SSL_in_init(s), SSL_in_before(s));
    printf("%s: state=%s / %s\n", who, SSL_state_string(s), SSL_state_string_long(s));
    printf("%s: session=%s\n", who, SSL_get_session(s) ? "set" : "NULL");
    X509_free(peer);
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[32];
    int r;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    c = SSL_new(cctx);
    getters("fresh client-ctx ssl", c);
    SSL_free(c);

    /* SSL_read on a client starts the handshake */
    make_pair(cctx, sctx, &c, &s, 0);
    getters("client", c);
    getters("server", s);
    r = SSL_read(c, buf, sizeof(buf));
    print_result("client", "SSL_read (starts handshake)", c, r);
    printf("client: in_before=%d in_init=%d\n", SSL_in_before(c), SSL_in_init(c));
    r = SSL_peek(s, buf, sizeof(buf));
    print_result("server", "SSL_peek (continues handshake)", s, r);
    r = SSL_write(c, "early?", 6);
    print_result("client", "SSL_write (finishes client side)", c, r);
    r = SSL_read(s, buf, sizeof(buf));
    printf("server: SSL_read ret=%d data=", r);
    print_escaped(buf, r > 0 ? (size_t)r : 0);
    printf("\n");
    ERR_clear_error();
    printf("client: init_finished=%d server: init_finished=%d\n", SSL_is_init_finished(c),
           SSL_is_init_finished(s));
    free_pair(c, s);

    /* TLS 1.2: SSL_write on the client drives the handshake */
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_write(c, "hi", 2);
    print_result("client", "SSL_write (TLS 1.2, starts handshake)", c, r);
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read", s, r);
    r = SSL_write(c, "hi", 2);
    print_result("client", "SSL_write", c, r);
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read", s, r);
    r = SSL_write(c, "hi", 2);
    print_result("client", "SSL_write", c, r);
    r = SSL_read(s, buf, sizeof(buf));
    printf("server: SSL_read ret=%d\n", r);
    ERR_clear_error();
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
