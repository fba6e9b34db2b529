/* Without read-ahead, SSL_read takes one record at a time from the read BIO: bytes
 * that follow the record being read stay in the BIO for the application (plaintext
 * after a close_notify, as in a STARTTLS hand-back; the second of two records). With
 * SSL_set_read_ahead(1) the library may take more. Memory BIOs, TLS 1.3 and 1.2. */
#include "common.h"

static void run(int maxv, int read_ahead)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL *c, *s;
    char buf[64];
    int r;

    printf("== %s, read_ahead=%d ==\n", version_name(maxv), read_ahead);
    SSL_CTX_set_max_proto_version(cctx, maxv);
    make_mem_pair(cctx, sctx, &c, &s);
    SSL_set_read_ahead(c, read_ahead);
    printf("client: get_read_ahead=%d\n", SSL_get_read_ahead(c));
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake failed");
    /* Let the client take in any session tickets first. */
    r = SSL_read(c, buf, sizeof buf);
    ERR_clear_error();

    /* Two application records, then close_notify, then plaintext after it. */
    SSL_write(s, "first", 5);
    SSL_write(s, "second", 6);
    printf("server: SSL_shutdown ret=%d\n", SSL_shutdown(s));
    xfer(s, c);
    BIO_write(SSL_get_rbio(c), "PLAINTEXT", 9);
    printf("client: bytes in rbio before reading: %s\n",
           BIO_ctrl_pending(SSL_get_rbio(c)) > 9 ? "records + 9" : "?");

    if (read_ahead) {
        /* How much one SSL_read returns is not fixed here: read everything. */
        char all[64];
        size_t got = 0;
        while ((r = SSL_read(c, all + got, (int)(sizeof all - got))) > 0)
            got += (size_t)r;
        printf("client: read '%.*s'\n", (int)got, all);
    } else {
        r = SSL_read(c, buf, sizeof buf);
        printf("client: SSL_read ret=%d '%.*s'\n", r, r > 0 ? r : 0, buf);
        printf("client: SSL_pending=%d\n", SSL_pending(c));
        printf("client: left in rbio=%d\n", (int)BIO_ctrl_pending(SSL_get_rbio(c)));
        r = SSL_read(c, buf, sizeof buf);
        printf("client: SSL_read ret=%d '%.*s'\n", r, r > 0 ? r : 0, buf);
        r = SSL_read(c, buf, sizeof buf);
    }
    print_result("client", "SSL_read at close_notify", c, r);
    printf("client: left in rbio=%d\n", (int)BIO_ctrl_pending(SSL_get_rbio(c)));
    if (!read_ahead) {
        r = BIO_read(SSL_get_rbio(c), buf, sizeof buf);
        printf("client: plaintext after close_notify: '%.*s'\n", r > 0 ? r : 0, buf);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, 0);
    run(TLS1_2_VERSION, 0);
    run(TLS1_3_VERSION, 1);
    return test_end();
}
