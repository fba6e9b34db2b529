/* The handshake state an established connection reports after a fatal error: OpenSSL
 * puts the connection in its error state, so SSL_is_init_finished becomes 0 and
 * SSL_in_init 1 (SSL_get_state stays TLS_ST_OK, SSL_state_string says SSLERR).
 * lighttpd decides on SSL_is_init_finished whether to log a failed close_notify
 * exchange.  Cases: the peer ends the stream without close_notify (SSL_read), a
 * corrupted record (TLS 1.3), and the lighttpd sequence (our close_notify sent, the peer leaves
 * without answering, SSL_shutdown again); a clean close_notify exchange for contrast. */
#include "common.h"

static void show(const char *who, SSL *s)
{
    printf("%s: is_init_finished=%d in_init=%d state %s, %s / %s\n", who, SSL_is_init_finished(s), SSL_in_init(s),
           SSL_get_state(s) == TLS_ST_OK ? "TLS_ST_OK" : "not OK", SSL_state_string(s), SSL_state_string_long(s));
}

static void pair(const char *what, int version, SSL_CTX **cctx, SSL_CTX **sctx, SSL **c, SSL **s)
{
    printf("== %s, %s ==\n", what, version_name(version));
    *cctx = make_client_ctx(SSL_VERIFY_PEER);
    *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_max_proto_version(*cctx, version);
    make_mem_pair(*cctx, *sctx, c, s);
    if (do_handshake(*c, *s, 0, NULL, NULL) != 1)
        die("handshake");
    exchange(*c, "client", *s, "server", "hello");
    show("server", *s);
}

static void done(SSL_CTX *cctx, SSL_CTX *sctx, SSL *c, SSL *s)
{
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    char buf[64];

    test_init(argc, argv);
    for (int v = 0; v < 2; v++) {
        pair("end of stream without close_notify", vers[v], &cctx, &sctx, &c, &s);
        BIO_set_mem_eof_return(SSL_get_rbio(s), 0);
        print_result("server", "SSL_read", s, SSL_read(s, buf, sizeof(buf)));
        show("server", s);
        done(cctx, sctx, c, s);

        /* TLS 1.2 only: OpenSSL's reason is then libcrypto's (a README difference). */
        if (vers[v] == TLS1_2_VERSION)
            goto skip_corrupt;
        pair("a corrupted record", vers[v], &cctx, &sctx, &c, &s);
        if (SSL_write(c, "0123456789", 10) != 10)
            die("SSL_write");
        {
            char rec[512];
            int n = BIO_read(SSL_get_wbio(c), rec, sizeof(rec));

            rec[n - 1] ^= 0x55;
            BIO_write(SSL_get_rbio(s), rec, n);
        }
        print_result("server", "SSL_read", s, SSL_read(s, buf, sizeof(buf)));
        show("server", s);
        done(cctx, sctx, c, s);
    skip_corrupt:

        pair("close_notify sent, the peer leaves without answering", vers[v], &cctx, &sctx, &c, &s);
        print_result("server", "SSL_shutdown", s, SSL_shutdown(s));
        BIO_set_mem_eof_return(SSL_get_rbio(s), 0);
        print_result("server", "SSL_shutdown", s, SSL_shutdown(s));
        show("server", s);
        done(cctx, sctx, c, s);

        pair("close_notify both ways", vers[v], &cctx, &sctx, &c, &s);
        print_result("server", "SSL_shutdown", s, SSL_shutdown(s));
        xfer(s, c);
        print_result("client", "SSL_read", c, SSL_read(c, buf, sizeof(buf)));
        print_result("client", "SSL_shutdown", c, SSL_shutdown(c));
        xfer(c, s);
        print_result("server", "SSL_shutdown", s, SSL_shutdown(s));
        show("server", s);
        show("client", c);
        done(cctx, sctx, c, s);
    }
    return test_end();
}
