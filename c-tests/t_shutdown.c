/* OpenSSL's shutdown protocol over a BIO pair (TLS 1.3 and TLS 1.2):
 * client-initiated (first SSL_shutdown returns 0, a retry before the peer
 * answered gives -1/WANT_READ, the peer's SSL_read returns 0 with
 * SSL_ERROR_ZERO_RETURN, the peer's SSL_shutdown returns 1, then ours
 * returns 1), SSL_get_shutdown flags at every step, I/O after shutdown,
 * server-initiated, simultaneous shutdown, and SSL_set_shutdown forcing
 * the state without sending anything. */
#include "common.h"

static void flags(const char *who, SSL *s)
{
    printf("%s: get_shutdown=%d\n", who, SSL_get_shutdown(s));
}

static void setup(int maxv, SSL_CTX **cctx, SSL_CTX **sctx, SSL **c, SSL **s)
{
    *cctx = make_client_ctx(SSL_VERIFY_PEER);
    *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_max_proto_version(*cctx, maxv);
    make_pair(*cctx, *sctx, c, s, 0);
    if (!do_handshake(*c, *s, 0, NULL, NULL))
        die("handshake");
    /* let the client consume TLS 1.3 tickets so that reads are clean */
    {
        char b[8];
        SSL_read(*c, b, sizeof(b));
        ERR_clear_error();
    }
    flags("client", *c);
}

static void teardown(SSL_CTX *cctx, SSL_CTX *sctx, SSL *c, SSL *s)
{
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void client_first(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[32];
    int r;

    printf("== client-initiated (%s) ==\n", version_name(maxv));
    setup(maxv, &cctx, &sctx, &c, &s);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown#1", c, r);
    flags("client", c);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown#2 (peer silent)", c, r);
    flags("client", c);
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read", s, r);
    flags("server", s);
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read again", s, r);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown", s, r);
    flags("server", s);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown again", s, r);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown#3", c, r);
    flags("client", c);
    r = SSL_read(c, buf, sizeof(buf));
    print_result("client", "SSL_read after shutdown", c, r);
    r = SSL_write(c, "x", 1);
    print_result("client", "SSL_write after shutdown", c, r);
    teardown(cctx, sctx, c, s);
}

static void server_first(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[32];
    int r;

    printf("== server-initiated (%s) ==\n", version_name(maxv));
    setup(maxv, &cctx, &sctx, &c, &s);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown#1", s, r);
    flags("server", s);
    r = SSL_read(c, buf, sizeof(buf));
    print_result("client", "SSL_read", c, r);
    flags("client", c);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown", c, r);
    flags("client", c);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown#2", s, r);
    flags("server", s);
    teardown(cctx, sctx, c, s);
}

static void data_before_close(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[32];
    int r;

    printf("== data then close_notify (%s) ==\n", version_name(maxv));
    setup(maxv, &cctx, &sctx, &c, &s);
    SSL_write(s, "last words", 10);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown", s, r);
    r = SSL_read(c, buf, sizeof(buf));
    printf("client: SSL_read ret=%d data=", r);
    print_escaped(buf, r > 0 ? (size_t)r : 0);
    printf("\n");
    r = SSL_read(c, buf, sizeof(buf));
    print_result("client", "SSL_read", c, r);
    flags("client", c);
    teardown(cctx, sctx, c, s);
}

static void simultaneous(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    int r;

    printf("== simultaneous (%s) ==\n", version_name(maxv));
    setup(maxv, &cctx, &sctx, &c, &s);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown#1", c, r);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown#1", s, r);
    flags("server", s);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown#2", c, r);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown#2", s, r);
    flags("client", c);
    flags("server", s);
    teardown(cctx, sctx, c, s);
}

static void forced(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    int r;

    printf("== SSL_set_shutdown (%s) ==\n", version_name(maxv));
    setup(maxv, &cctx, &sctx, &c, &s);
    SSL_set_shutdown(c, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
    flags("client", c);
    r = SSL_shutdown(c);
    print_result("client", "SSL_shutdown", c, r);
    printf("server: bytes waiting=%s\n", BIO_ctrl_pending(SSL_get_rbio(s)) ? "yes" : "no");
    SSL_set_shutdown(s, SSL_RECEIVED_SHUTDOWN);
    flags("server", s);
    r = SSL_shutdown(s);
    print_result("server", "SSL_shutdown", s, r);
    flags("server", s);
    printf("client: bytes waiting=%s\n", BIO_ctrl_pending(SSL_get_rbio(c)) ? "yes" : "no");
    teardown(cctx, sctx, c, s);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int i = 0; i < 2; i++) {
        client_first(vers[i]);
        server_first(vers[i]);
        data_before_close(vers[i]);
        simultaneous(vers[i]);
        forced(vers[i]);
    }
    return test_end();
}
