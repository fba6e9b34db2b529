/* Our client against `openssl s_server -www` (system OpenSSL): sends an
 * HTTP/1.0 request and reads the status page until the server closes;
 * prints the status line, the "New, <version>, Cipher is <name>" line the
 * server reports, and how the read loop ended (close_notify or EOF). */
#include "common.h"
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *extra[] = { "-www", NULL };
    child_t srv;
    SSL_CTX *ctx;
    SSL *ssl;
    char *page;
    size_t got = 0, cap = 65536;
    int port, fd, r;

    test_init(argc, argv);
    page = malloc(cap);
    port = start_s_server(&srv, "server-p256.pem", "server-p256.key", extra);
    ctx = make_client_ctx(SSL_VERIFY_PEER);
    ssl = SSL_new(ctx);
    SSL_set1_host(ssl, "localhost");
    SSL_set_tlsext_host_name(ssl, "localhost");
    fd = tcp_connect(port);
    SSL_set_fd(ssl, fd);
    r = SSL_connect(ssl);
    print_result("client", "SSL_connect", ssl, r);
    if (r == 1) {
        const char *req = "GET / HTTP/1.0\r\n\r\n";
        print_session_info("client", ssl);
        print_verify_result("client", ssl);
        r = SSL_write(ssl, req, (int)strlen(req));
        print_result("client", "SSL_write", ssl, r);
        for (;;) {
            r = SSL_read(ssl, page + got, (int)(cap - 1 - got));
            if (r <= 0) {
                print_result("client", "SSL_read (end)", ssl, r);
                break;
            }
            got += (size_t)r;
            if (got >= cap - 1)
                break;
        }
        page[got] = '\0';
        printf("client: get_shutdown=%d\n", SSL_get_shutdown(ssl));
        char *eol = strstr(page, "\r\n");
        printf("status line: ");
        print_escaped(page, eol ? (size_t)(eol - page) : 0);
        printf("\n");
        char *nw = strstr(page, "\nNew, ");
        if (nw) {
            char *e = strchr(nw + 1, '\n');
            printf("server says: ");
            print_escaped(nw + 1, e ? (size_t)(e - nw - 1) : strlen(nw + 1));
            printf("\n");
        } else {
            printf("server says: (no New line)\n");
        }
        printf("ends with </HTML>: %d\n", got >= 9 && strstr(page, "</HTML>") != NULL);
        r = SSL_shutdown(ssl);
        print_result("client", "SSL_shutdown", ssl, r);
    }
    printf("s_server exit=%d\n", wait_child(&srv, 10000));
    free(child_output(&srv));
    free(page);
    SSL_free(ssl);
    close(fd);
    SSL_CTX_free(ctx);
    return test_end();
}
