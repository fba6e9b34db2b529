/* Our client against a real `openssl s_server -rev` (system OpenSSL, separate
 * process) over TCP, TLS 1.3: CA file verification with SSL_set1_host,
 * SNI via SSL_set_tlsext_host_name, request/reply, then the server closes
 * ("CLOSE" line): SSL_read returns 0 / SSL_ERROR_ZERO_RETURN and our
 * SSL_shutdown completes (returns 1). */
#include "common.h"
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *extra[] = { "-rev", "-tls1_3", NULL };
    child_t srv;
    SSL_CTX *ctx;
    SSL *ssl;
    char buf[256];
    int port, fd, r;

    test_init(argc, argv);
    port = start_s_server(&srv, "server-rsa.pem", "server-rsa.key", extra);
    ctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
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
        printf("client: servername=%s\n", SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name));
        r = SSL_write(ssl, "hello s_server\n", 15);
        print_result("client", "SSL_write", ssl, r);
        /* read one line */
        size_t got = 0;
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
        r = SSL_write(ssl, "CLOSE\n", 6);
        print_result("client", "SSL_write", ssl, r);
        r = SSL_read(ssl, buf, sizeof(buf));
        print_result("client", "SSL_read", ssl, r);
        printf("client: get_shutdown=%d\n", SSL_get_shutdown(ssl));
        r = SSL_shutdown(ssl);
        print_result("client", "SSL_shutdown", ssl, r);
        printf("client: get_shutdown=%d\n", SSL_get_shutdown(ssl));
    }
    printf("s_server exit=%d\n", wait_child(&srv, 10000));
    free(child_output(&srv));
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return test_end();
}
