/* Truncated input: part of a record header, part of a record body (both
 * with more data possibly to come: WANT_READ), then end of input
 * (BIO_set_mem_eof_return(rbio, 0)); the real ClientHello / server flight
 * cut in half; a truncated encrypted record after the handshake. */
#include "hostile.h"

/* feeds the first `keep` bytes of the real ClientHello to the server, then
 * optionally EOF */
static void server_truncated_ch(int keep, int eof)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char ch[4096];
    int n, r;

    hostile_setup(&cctx, &sctx, &c, &s, 0);
    n = client_hello(c, ch, sizeof(ch));
    if (keep < 0)
        keep = n / 2;
    printf("== server gets %s of the ClientHello%s ==\n",
           keep == 3 ? "3 bytes" : keep == 5 ? "the record header" : "half",
           eof ? ", then EOF" : "");
    feed(s, ch, (size_t)keep);
    r = SSL_do_handshake(s);
    print_result("server", "SSL_do_handshake", s, r);
    if (eof) {
        BIO_set_mem_eof_return(SSL_get_rbio(s), 0);
        r = SSL_do_handshake(s);
        print_result("server", "SSL_do_handshake after EOF", s, r);
    } else {
        /* the rest arrives: the handshake continues normally */
        feed(s, ch + keep, (size_t)(n - keep));
        r = SSL_do_handshake(s);
        print_result("server", "SSL_do_handshake with the rest", s, r);
    }
    describe_output("server", s);
    hostile_teardown(cctx, sctx, c, s);
}

static void client_truncated_flight(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char fl[16384];
    int n, r;

    printf("== client (%s) gets half of the server flight, then EOF ==\n", version_name(maxv));
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    r = SSL_do_handshake(c);
    xfer(c, s);
    r = SSL_do_handshake(s);
    print_result("server", "SSL_do_handshake", s, r);
    n = BIO_read(SSL_get_wbio(s), fl, sizeof(fl));
    feed(c, fl, (size_t)(n / 2));
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake (half)", c, r);
    BIO_set_mem_eof_return(SSL_get_rbio(c), 0);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake after EOF", c, r);
    describe_output("client", c);
    hostile_teardown(cctx, sctx, c, s);
}

static void truncated_app_record(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char rec[256];
    char buf[64];
    int n, r;

    printf("== server (%s) gets a truncated application data record, then EOF ==\n",
           version_name(maxv));
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    SSL_read(c, buf, sizeof(buf));
    ERR_clear_error();
    SSL_write(c, "some application data", 21);
    n = BIO_read(SSL_get_wbio(c), rec, sizeof(rec));
    feed(s, rec, (size_t)(n - 3));
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read (3 bytes missing)", s, r);
    BIO_set_mem_eof_return(SSL_get_rbio(s), 0);
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read after EOF", s, r);
    describe_output("server", s);
    hostile_teardown(cctx, sctx, c, s);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    server_truncated_ch(3, 0);
    server_truncated_ch(3, 1);
    server_truncated_ch(5, 1);
    server_truncated_ch(-1, 0);
    server_truncated_ch(-1, 1);
    client_truncated_flight(TLS1_3_VERSION);
    client_truncated_flight(TLS1_2_VERSION);
    truncated_app_record(TLS1_3_VERSION);
    truncated_app_record(TLS1_2_VERSION);
    return test_end();
}
