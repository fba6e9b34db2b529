/* The transport ends without close_notify (BIO_shutdown_wr on the BIO pair,
 * or a memory BIO with BIO_set_mem_eof_return(0)): SSL_read reports
 * SSL_ERROR_SSL "unexpected eof while reading" in OpenSSL 3, or
 * SSL_ERROR_ZERO_RETURN with SSL_OP_IGNORE_UNEXPECTED_EOF; EOF during the
 * handshake, where the option also makes it a clean close (nginx sets it and logs
 * "peer closed connection in SSL handshake" at info level, not a [crit] error). */
#include "common.h"

static void after_handshake(int ignore_eof, int maxv)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;
    char buf[16];
    int r;

    printf("== EOF after handshake, ignore_unexpected_eof=%d (%s) ==\n", ignore_eof,
           version_name(maxv));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    if (ignore_eof)
        SSL_CTX_set_options(sctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    make_pair(cctx, sctx, &c, &s, 0);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    exchange(c, "client", s, "server", "bye");
    printf("client: BIO_shutdown_wr=%d\n", BIO_shutdown_wr(SSL_get_wbio(c)));
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read", s, r);
    printf("server: get_shutdown=%d\n", SSL_get_shutdown(s));
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read again", s, r);
    r = SSL_write(s, "x", 1);
    print_result("server", "SSL_write", s, r);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void during_handshake(int client_side, int ignore_eof, int half)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;
    int r;

    printf("== EOF during handshake, seen by %s%s%s ==\n", client_side ? "client" : "server",
           ignore_eof ? ", SSL_OP_IGNORE_UNEXPECTED_EOF" : "", half ? "" : ", nothing received");
    if (ignore_eof) {
        SSL_CTX_set_options(cctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
        SSL_CTX_set_options(sctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    }
    make_mem_pair(cctx, sctx, &c, &s);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake", c, r);
    if (client_side) {
        /* ClientHello goes nowhere; the transport to the client ends */
        BIO_set_mem_eof_return(SSL_get_rbio(c), 0);
        r = SSL_do_handshake(c);
        print_result("client", "SSL_do_handshake", c, r);
        printf("client: get_shutdown=%d in_init=%d\n", SSL_get_shutdown(c), SSL_in_init(c));
        r = SSL_do_handshake(c);
        print_result("client", "SSL_do_handshake again", c, r);
    } else {
        /* the server gets half of the ClientHello, then EOF */
        char buf[4096];
        int n = BIO_read(SSL_get_wbio(c), buf, sizeof(buf));
        if (half)
            BIO_write(SSL_get_rbio(s), buf, n / 2);
        BIO_set_mem_eof_return(SSL_get_rbio(s), 0);
        r = SSL_do_handshake(s);
        print_result("server", "SSL_do_handshake", s, r);
        printf("server: get_shutdown=%d in_init=%d\n", SSL_get_shutdown(s), SSL_in_init(s));
        r = SSL_do_handshake(s);
        print_result("server", "SSL_do_handshake again", s, r);
        char rb[8];
        r = SSL_read(s, rb, sizeof(rb));
        print_result("server", "SSL_read", s, r);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    after_handshake(0, TLS1_3_VERSION);
    after_handshake(1, TLS1_3_VERSION);
    after_handshake(0, TLS1_2_VERSION);
    after_handshake(1, TLS1_2_VERSION);
    for (int ignore = 0; ignore <= 1; ignore++) {
        during_handshake(1, ignore, 1);
        during_handshake(0, ignore, 1);
        during_handshake(0, ignore, 0);
    }
    return test_end();
}
