/* I/O in the wrong state (issue #10, misuse): SSL_read, SSL_peek, SSL_write (and the
 * _ex forms), SSL_pending, SSL_has_pending, SSL_shutdown and SSL_get_error
 *   - before a handshake: a client, a server, and an SSL with no role yet;
 *   - after SSL_shutdown: half-closed (our close_notify sent, the peer still writing),
 *     then fully closed, every call twice;
 *   - after the peer's SSL_free: the peer's half of the BIO pair is gone, after a
 *     completed handshake and in the middle of one;
 * at TLS 1.3 and TLS 1.2, over BIO pairs. */
#include "common.h"

static void io_all(const char *who, SSL *s)
{
    char buf[64];
    size_t n = 0;
    int r;

    printf("%s: SSL_pending=%d SSL_has_pending=%d get_shutdown=%d\n", who, SSL_pending(s),
           SSL_has_pending(s), SSL_get_shutdown(s));
    r = SSL_peek(s, buf, sizeof(buf));
    print_result(who, "SSL_peek", s, r);
    r = SSL_read(s, buf, sizeof(buf));
    if (r > 0) {
        printf("%s: SSL_read ret=%d ", who, r);
        print_escaped(buf, (size_t)r);
        printf("\n");
    } else {
        print_result(who, "SSL_read", s, r);
    }
    r = SSL_read_ex(s, buf, sizeof(buf), &n);
    print_result(who, "SSL_read_ex", s, r);
    r = SSL_write(s, "data", 4);
    print_result(who, "SSL_write", s, r);
    r = SSL_write_ex(s, "data", 4, &n);
    print_result(who, "SSL_write_ex", s, r);
    r = SSL_shutdown(s);
    print_result(who, "SSL_shutdown", s, r);
    printf("%s: SSL_pending=%d get_shutdown=%d\n", who, SSL_pending(s), SSL_get_shutdown(s));
}

static void setup(int v, SSL_CTX **cctx, SSL_CTX **sctx)
{
    *cctx = make_client_ctx(SSL_VERIFY_PEER);
    *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_max_proto_version(*cctx, v);
}

/* a completed handshake, with the TLS 1.3 tickets read by the client */
static void connected(SSL_CTX *cctx, SSL_CTX *sctx, SSL **c, SSL **s)
{
    char b[8];

    make_pair(cctx, sctx, c, s, 0);
    if (!do_handshake(*c, *s, 0, NULL, NULL))
        die("handshake");
    SSL_read(*c, b, sizeof(b));
    ERR_clear_error();
}

static void before_handshake(int v)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s, *none;

    printf("== before the handshake (%s) ==\n", version_name(v));
    setup(v, &cctx, &sctx);
    make_pair(cctx, sctx, &c, &s, 0);
    /* the server first: nothing has arrived */
    io_all("server", s);
    io_all("client", c);
    printf("handshake afterwards: %d\n", do_handshake(c, s, 0, NULL, NULL));
    free_pair(c, s);

    none = SSL_new(cctx);
    SSL_set_bio(none, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    io_all("no role", none);
    printf("no role: SSL_do_handshake\n");
    print_result("no role", "SSL_do_handshake", none, SSL_do_handshake(none));
    SSL_free(none);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void after_shutdown(int v)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[64];
    int r;

    printf("== after SSL_shutdown (%s) ==\n", version_name(v));
    setup(v, &cctx, &sctx);
    connected(cctx, sctx, &c, &s);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown (sends close_notify)", c, r);
    r = SSL_write(c, "after", 5);
    print_result("client", "SSL_write after own close_notify", c, r);
    /* the server has not read the close_notify: it still writes */
    r = SSL_write(s, "late data", 9);
    print_result("server", "SSL_write before reading close_notify", s, r);
    r = SSL_read(c, buf, sizeof(buf));
    if (r > 0) {
        printf("client: SSL_read (half-closed) ret=%d ", r);
        print_escaped(buf, (size_t)r);
        printf("\n");
    } else {
        print_result("client", "SSL_read (half-closed)", c, r);
    }
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read (close_notify)", s, r);
    r = SSL_write(s, "after close_notify", 18);
    print_result("server", "SSL_write after receiving close_notify", s, r);
    r = SSL_read(c, buf, sizeof(buf));
    if (r > 0) {
        printf("client: SSL_read ret=%d ", r);
        print_escaped(buf, (size_t)r);
        printf("\n");
    } else {
        print_result("client", "SSL_read", c, r);
    }
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown", s, r);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown (peer's close_notify)", c, r);
    printf("-- fully closed, every call twice --\n");
    io_all("client", c);
    io_all("client", c);
    io_all("server", s);
    io_all("server", s);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void peer_freed(int v)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    int r;

    printf("== after the peer's SSL_free (%s) ==\n", version_name(v));
    setup(v, &cctx, &sctx);
    connected(cctx, sctx, &c, &s);
    SSL_write(s, "unread", 6); /* data the client has not read yet */
    SSL_free(s);               /* frees the server's half of the BIO pair */
    io_all("client", c);
    io_all("client", c);
    SSL_free(c);

    printf("-- in the middle of the handshake --\n");
    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake (ClientHello)", c, r);
    r = SSL_do_handshake(s);
    print_result("server", "SSL_do_handshake (server flight)", s, r);
    SSL_free(s);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake (peer gone)", c, r);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake again", c, r);
    io_all("client", c);
    SSL_free(c);

    printf("-- client gone before the server read the ClientHello --\n");
    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake (ClientHello)", c, r);
    SSL_free(c);
    r = SSL_do_handshake(s);
    print_result("server", "SSL_do_handshake (ClientHello, peer gone)", s, r);
    io_all("server", s);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    static const int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
    size_t i;

    test_init(argc, argv);
    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        before_handshake(versions[i]);
        after_shutdown(versions[i]);
        peer_freed(versions[i]);
    }
    return test_end();
}
