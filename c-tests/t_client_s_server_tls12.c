/* Our client against a real `openssl s_server -rev` (system OpenSSL, separate
 * process) over TCP with SSL_CTX_set_max_proto_version(TLS1_2_VERSION):
 * verification with CA file + SSL_set1_host, SNI, request/reply, then a
 * client-initiated two-step SSL_shutdown (0, then 1 once the server's
 * close_notify arrived) with SSL_get_shutdown after each step. */
#include "common.h"
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *extra[] = { "-rev", NULL };
    child_t srv;
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[256];
    size_t got = 0;
    int port, fd, r;

    test_init(argc, argv);
    port = start_s_server(&srv, "server-rsa.pem", "server-rsa.key", extra);
    ctx = make_client_ctx(SSL_VERIFY_PEER);
    printf("set_max_proto_version=%d\n", (int)SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION));
    ssl = SSL_new(ctx);
    printf("set1_host=%d\n", SSL_set1_host(ssl, "localhost"));
    printf("set_tlsext_host_name=%ld\n", (long)SSL_set_tlsext_host_name(ssl, "localhost"));
    fd = tcp_connect(port);
    printf("set_fd=%d\n", SSL_set_fd(ssl, fd));
    r = SSL_connect(ssl);
    print_result("client", "SSL_connect", ssl, r);
    if (r == 1) {
        print_session_info("client", ssl);
        print_verify_result("client", ssl);
        print_peer_cert("client", ssl);
        r = SSL_write(ssl, "hello TLS 1.2\n", 14);
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
        r = SSL_shutdown(ssl);
        print_result("client", "SSL_shutdown#1", ssl, r);
        printf("client: get_shutdown=%d\n", SSL_get_shutdown(ssl));
        r = SSL_shutdown(ssl);
        print_result("client", "SSL_shutdown#2", ssl, r);
        printf("client: get_shutdown=%d\n", SSL_get_shutdown(ssl));
    }
    printf("s_server exit=%d\n", wait_child(&srv, 10000));
    free(child_output(&srv));
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return test_end();
}
