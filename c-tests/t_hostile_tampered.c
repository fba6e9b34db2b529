/* Tampering: one bit flipped in an encrypted application data record
 * (bad record MAC / AEAD tag), in the server random of the ServerHello
 * (keys / signature / Finished no longer agree) and in the client's
 * Finished-carrying flight; TLS 1.3 and TLS 1.2.  Also a replayed
 * application data record. */
#include "hostile.h"

static void tamper_app_data(int maxv, int replay)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char rec[256];
    char buf[64];
    int n, r;

    printf("== %s application data record (%s) ==\n", replay ? "replayed" : "bit-flipped",
           version_name(maxv));
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    SSL_read(c, buf, sizeof(buf));
    ERR_clear_error();
    SSL_write(c, "attack at dawn", 14);
    n = BIO_read(SSL_get_wbio(c), rec, sizeof(rec));
    if (replay) {
        feed(s, rec, (size_t)n);
        r = SSL_read(s, buf, sizeof(buf));
        printf("server: first copy SSL_read ret=%d\n", r);
    } else {
        rec[n - 5] ^= 0x01;
    }
    feed(s, rec, (size_t)n);
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read", s, r);
    describe_output("server", s);
    hostile_teardown(cctx, sctx, c, s);
}

static void tamper_server_random(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char fl[16384];
    int n, r;

    printf("== bit flipped in ServerHello.random (%s) ==\n", version_name(maxv));
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    SSL_do_handshake(c);
    xfer(c, s);
    SSL_do_handshake(s);
    ERR_clear_error();
    n = BIO_read(SSL_get_wbio(s), fl, sizeof(fl));
    /* record header (5) + handshake header (4) + version (2) -> random */
    fl[5 + 4 + 2 + 7] ^= 0x01;
    feed(c, fl, (size_t)n);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake", c, r);
    describe_output("client", c);
    hostile_teardown(cctx, sctx, c, s);
}

static void tamper_client_finished(int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char fl[16384];
    int n, r;

    printf("== bit flipped in the client's last flight (%s) ==\n", version_name(maxv));
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    SSL_do_handshake(c);
    xfer(c, s);
    SSL_do_handshake(s);
    xfer(s, c);
    SSL_do_handshake(c);
    ERR_clear_error();
    n = BIO_read(SSL_get_wbio(c), fl, sizeof(fl));
    fl[n - 3] ^= 0x80;
    feed(s, fl, (size_t)n);
    r = SSL_do_handshake(s);
    print_result("server", "SSL_do_handshake", s, r);
    describe_output("server", s);
    hostile_teardown(cctx, sctx, c, s);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int i = 0; i < 2; i++) {
        tamper_app_data(vers[i], 0);
        tamper_app_data(vers[i], 1);
        tamper_server_random(vers[i]);
        tamper_client_finished(vers[i]);
    }
    return test_end();
}
