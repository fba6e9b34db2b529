/* Connection state helpers that event loops and tools call: SSL_want and the
 * SSL_want_read/write/nothing macros over a non-blocking (BIO pair) handshake,
 * SSL_rstate_string(_long), SSL_alloc/free_buffers, SSL_certs_clear, and
 * SSL_key_update (TLS 1.3 after the handshake; refused before it, on TLS 1.2
 * and with a bad type), after which data still flows both ways. */
#include "common.h"

static void show_want(const char *who, SSL *s)
{
    printf("  %s: SSL_want=%d want_read=%d want_write=%d want_nothing=%d rstate=%s/%s\n", who, SSL_want(s),
           SSL_want_read(s), SSL_want_write(s), SSL_want_nothing(s), SSL_rstate_string(s), SSL_rstate_string_long(s));
}

static void run(int version, const char *name)
{
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    int r;

    printf("#### %s\n", name);
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    make_pair(cctx, sctx, &c, &s, 0);
    show_want("client before", c);
    printf("  client: SSL_key_update before the handshake=%d\n", SSL_key_update(c, SSL_KEY_UPDATE_REQUESTED));
    print_err("client");
    r = SSL_do_handshake(c);
    printf("  client: SSL_do_handshake=%d\n", r);
    show_want("client", c);
    r = SSL_do_handshake(s);
    printf("  server: SSL_do_handshake=%d\n", r);
    show_want("server", s);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    show_want("client after", c);
    printf("  client: alloc_buffers=%d free_buffers=%d\n", SSL_alloc_buffers(c), SSL_free_buffers(c));

    printf("  client: SSL_key_update(7)=%d\n", SSL_key_update(c, 7));
    print_err("client");
    r = SSL_key_update(c, SSL_KEY_UPDATE_REQUESTED);
    printf("  client: SSL_key_update(REQUESTED)=%d\n", r);
    print_err("client");
    if (r == 1) {
        printf("  client: SSL_do_handshake=%d\n", SSL_do_handshake(c));
        exchange(c, "client", s, "server", "after the key update");
        exchange(s, "server", c, "client", "and back");
        exchange(c, "client", s, "server", "once more");
    }
    printf("  server: SSL_key_update(NOT_REQUESTED)=%d\n", SSL_key_update(s, SSL_KEY_UPDATE_NOT_REQUESTED));
    print_err("server");
    exchange(s, "server", c, "client", "server after its update");

    printf("  server: certificate before SSL_certs_clear=%d", SSL_get_certificate(s) != NULL);
    SSL_certs_clear(s);
    printf(", after=%d\n", SSL_get_certificate(s) != NULL);
    print_err("server");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, "TLS 1.3");
    run(TLS1_2_VERSION, "TLS 1.2");
    return test_end();
}
