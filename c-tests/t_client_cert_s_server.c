/* Our client presents a client certificate (SSL_CTX_use_certificate_file /
 * use_PrivateKey_file, P-256) to a real `openssl s_server -Verify 1
 * -CAfile ca.pem -verify_return_error -rev`: TLS 1.3 and TLS 1.2 succeed
 * (request/reply, server-initiated close); without a certificate the
 * server aborts: at TLS 1.2 SSL_connect fails, at TLS 1.3 SSL_connect
 * succeeds and the alert shows up on SSL_read. */
#include "common.h"
#include <unistd.h>

static void run(int maxv, int with_cert)
{
    const char *extra[] = { "-rev", "-Verify", "1", "-CAfile", cpath("ca.pem"),
                            "-verify_return_error", NULL };
    child_t srv;
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[256];
    size_t got = 0;
    int port, fd, r;

    printf("== %s, client cert=%d ==\n", version_name(maxv), with_cert);
    port = start_s_server(&srv, "server-rsa.pem", "server-rsa.key", extra);
    ctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_max_proto_version(ctx, maxv);
    if (with_cert) {
        printf("use_certificate_file=%d\n",
               SSL_CTX_use_certificate_file(ctx, cpath("client.pem"), SSL_FILETYPE_PEM));
        printf("use_PrivateKey_file=%d\n",
               SSL_CTX_use_PrivateKey_file(ctx, cpath("client.key"), SSL_FILETYPE_PEM));
    }
    ssl = SSL_new(ctx);
    SSL_set1_host(ssl, "localhost");
    fd = tcp_connect(port);
    SSL_set_fd(ssl, fd);
    r = SSL_connect(ssl);
    print_result("client", "SSL_connect", ssl, r);
    if (r == 1) {
        print_session_info("client", ssl);
        r = SSL_write(ssl, "with client cert\n", 17);
        print_result("client", "SSL_write", ssl, r);
        while (got < sizeof(buf) - 1 && (got == 0 || buf[got - 1] != '\n')) {
            r = SSL_read(ssl, buf + got, (int)(sizeof(buf) - 1 - got));
            if (r <= 0) {
                print_result("client", "SSL_read", ssl, r);
                break;
            }
            got += (size_t)r;
        }
        printf("client: reply ");
        print_escaped(buf, got);
        printf("\n");
        if (got > 0) {
            r = SSL_write(ssl, "CLOSE\n", 6);
            print_result("client", "SSL_write", ssl, r);
            r = SSL_read(ssl, buf, sizeof(buf));
            print_result("client", "SSL_read", ssl, r);
            r = SSL_shutdown(ssl);
            print_result("client", "SSL_shutdown", ssl, r);
        }
    }
    printf("s_server exit=%d\n", wait_child(&srv, 10000));
    free(child_output(&srv));
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, 1);
    run(TLS1_2_VERSION, 1);
    run(TLS1_3_VERSION, 0);
    run(TLS1_2_VERSION, 0);
    return test_end();
}
