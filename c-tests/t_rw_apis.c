/* Data-transfer API semantics after a handshake over a BIO pair:
 * SSL_read/SSL_write/SSL_read_ex/SSL_write_ex/SSL_peek/SSL_peek_ex,
 * SSL_pending/SSL_has_pending, WANT_READ on empty input, large writes that
 * do not fit the BIO pair (WANT_WRITE and retry with the same arguments),
 * SSL_MODE_ENABLE_PARTIAL_WRITE, and zero-length operations. */
#include "common.h"

static void rw(int maxv)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;
    char msg[100], buf[200];
    size_t n;
    int r;

    printf("== %s ==\n", version_name(maxv));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    make_pair(cctx, sctx, &c, &s, 0);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    print_session_info("client", c);
    printf("client: pending=%d has_pending=%d (after handshake)\n",
           SSL_pending(c), SSL_has_pending(c));

    for (int i = 0; i < 100; i++)
        msg[i] = (char)('A' + i % 26);
    r = SSL_write(c, msg, 100);
    printf("client: SSL_write(100) ret=%d\n", r);
    printf("server: pending=%d has_pending=%d (before read)\n",
           SSL_pending(s), SSL_has_pending(s));
    r = SSL_read(s, buf, 10);
    printf("server: SSL_read(10) ret=%d data=", r);
    print_escaped(buf, r > 0 ? (size_t)r : 0);
    printf("\n");
    printf("server: pending=%d has_pending=%d\n", SSL_pending(s), SSL_has_pending(s));
    r = SSL_peek(s, buf, 5);
    printf("server: SSL_peek(5) ret=%d data=", r);
    print_escaped(buf, r > 0 ? (size_t)r : 0);
    printf("\n");
    n = 0;
    r = SSL_peek_ex(s, buf, 7, &n);
    printf("server: SSL_peek_ex(7) ret=%d readbytes=%zu data=", r, n);
    print_escaped(buf, n);
    printf("\n");
    printf("server: pending=%d has_pending=%d (after peek)\n", SSL_pending(s), SSL_has_pending(s));
    n = 0;
    r = SSL_read_ex(s, buf, sizeof(buf), &n);
    printf("server: SSL_read_ex(200) ret=%d readbytes=%zu tail=", r, n);
    print_escaped(buf + (n > 4 ? n - 4 : 0), n > 4 ? 4 : n);
    printf("\n");
    printf("server: pending=%d has_pending=%d (drained)\n", SSL_pending(s), SSL_has_pending(s));
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read (empty)", s, r);
    n = 12345;
    r = SSL_read_ex(s, buf, sizeof(buf), &n);
    print_result("server", "SSL_read_ex (empty)", s, r);
    r = SSL_peek(s, buf, sizeof(buf));
    print_result("server", "SSL_peek (empty)", s, r);
    n = 12345;
    r = SSL_peek_ex(s, buf, sizeof(buf), &n);
    print_result("server", "SSL_peek_ex (empty)", s, r);

    /* SSL_write_ex */
    n = 0;
    r = SSL_write_ex(s, "reply via write_ex", 18, &n);
    printf("server: SSL_write_ex ret=%d written=%zu\n", r, n);
    n = 0;
    r = SSL_read_ex(c, buf, sizeof(buf), &n);
    printf("client: SSL_read_ex ret=%d readbytes=%zu data=", r, n);
    print_escaped(buf, n);
    printf("\n");

    /* zero-length operations */
    r = SSL_write(c, msg, 0);
    print_result("client", "SSL_write(0)", c, r);
    n = 12345;
    r = SSL_write_ex(c, msg, 0, &n);
    printf("client: SSL_write_ex(0) ret=%d written=%zu\n", r, n);
    ERR_clear_error();
    r = SSL_read(s, buf, 0);
    print_result("server", "SSL_read(0)", s, r);

    /* two writes, then read everything until WANT_READ */
    SSL_write(c, "first,", 6);
    SSL_write(c, "second", 6);
    n = 0;
    for (int i = 0; i < 10; i++) {
        r = SSL_read(s, buf + n, (int)(sizeof(buf) - n));
        if (r <= 0) {
            print_result("server", "SSL_read (after two writes, final)", s, r);
            break;
        }
        n += (size_t)r;
    }
    printf("server: got %zu bytes total: ", n);
    print_escaped(buf, n);
    printf("\n");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* 40000 bytes through a BIO pair with the default (17 KiB) buffers */
static void big(int partial)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;
    static char out[40000], in[40000];
    size_t off = 0, got = 0;
    int r, e;

    printf("== big write, partial_write=%d ==\n", partial);
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (char)(i * 7 + i / 256);
    make_pair(cctx, sctx, &c, &s, 0);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    printf("client: get_mode=0x%lx\n", (unsigned long)SSL_get_mode(c));
    if (partial)
        printf("client: set_mode -> 0x%lx\n", (unsigned long)SSL_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE));
    for (int i = 0; i < 50 && (off < sizeof(out) || got < sizeof(out)); i++) {
        if (off < sizeof(out)) {
            /* without partial writes, retry with the same arguments */
            r = SSL_write(c, out + off, (int)(sizeof(out) - off));
            e = SSL_get_error(c, r);
            printf("client: SSL_write(%zu) ret=%d err=%s\n", sizeof(out) - off, r,
                   ssl_error_name(e));
            if (r > 0)
                off += (size_t)r;
            else if (e != SSL_ERROR_WANT_WRITE)
                break;
        }
        /* the reader drains whatever is there */
        for (;;) {
            r = SSL_read(s, in + got, (int)(sizeof(in) - got));
            if (r <= 0) {
                e = SSL_get_error(s, r);
                if (e != SSL_ERROR_WANT_READ)
                    print_result("server", "SSL_read", s, r);
                break;
            }
            got += (size_t)r;
        }
        printf("server: total read %zu\n", got);
    }
    printf("data intact: %d\n", got == sizeof(out) && memcmp(in, out, sizeof(out)) == 0);
    ERR_clear_error();
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    rw(TLS1_3_VERSION);
    rw(TLS1_2_VERSION);
    big(0);
    big(1);
    return test_end();
}
