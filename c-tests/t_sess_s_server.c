/* Our client resuming against a real `openssl s_server -rev` (system
 * OpenSSL, separate process, default session settings: internal cache and
 * tickets) on three consecutive connections, TLS 1.3 and TLS 1.2 (the
 * client's maximum version).  Each connection sends a line, reads the
 * reversed reply (for TLS 1.3 the tickets arrive before it), sends CLOSE,
 * reads the server's close_notify and shuts down; connections 2 and 3
 * offer the session of the previous connection.  Prints reuse, whether the
 * client kept the offered SSL_SESSION object, and s_server's exit status. */
#include "sess_impl.h"
#include <unistd.h>

static SSL_SESSION *one_conn(SSL_CTX *ctx, int port, SSL_SESSION *offer, int n)
{
    SSL *ssl = SSL_new(ctx);
    SSL_SESSION *ret = NULL;
    char buf[256];
    size_t got = 0;
    int fd, r;

    printf("-- connection %d%s\n", n, offer ? " (offering the previous session)" : "");
    SSL_set1_host(ssl, "localhost");
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (offer != NULL)
        printf("client: SSL_set_session=%d\n", SSL_set_session(ssl, offer));
    fd = tcp_connect(port);
    SSL_set_fd(ssl, fd);
    r = SSL_connect(ssl);
    print_result("client", "SSL_connect", ssl, r);
    if (r == 1) {
        printf("client: version=%s reused=%d\n", SSL_get_version(ssl), SSL_session_reused(ssl));
        r = SSL_write(ssl, "session test\n", 13);
        if (r != 13)
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
        ret = SSL_get1_session(ssl);
        printf("client: session resumable=%d same object as offered=%d\n",
               SSL_SESSION_is_resumable(ret), ret == offer);
        r = SSL_write(ssl, "CLOSE\n", 6);
        if (r != 6)
            print_result("client", "SSL_write", ssl, r);
        r = SSL_read(ssl, buf, sizeof(buf));
        print_result("client", "SSL_read", ssl, r);
        r = SSL_shutdown(ssl);
        print_result("client", "SSL_shutdown", ssl, r);
    }
    SSL_free(ssl);
    close(fd);
    return ret;
}

static void run(int version)
{
    const char *extra[] = { "-rev", "-naccept", "3", NULL };
    SSL_CTX *ctx = sess_client_ctx(0);
    SSL_SESSION *sess = NULL, *next;
    child_t srv;
    int port;

    printf("== %s ==\n", version_name(version));
    SSL_CTX_set_max_proto_version(ctx, version);
    port = start_s_server(&srv, "server-rsa.pem", "server-rsa.key", extra);
    for (int i = 1; i <= 3; i++) {
        next = one_conn(ctx, port, sess, i);
        SSL_SESSION_free(sess);
        sess = next;
    }
    SSL_SESSION_free(sess);
    printf("s_server exit=%d\n", wait_child(&srv, 10000));
    free(child_output(&srv));
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    sess_init();
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    return test_end();
}
