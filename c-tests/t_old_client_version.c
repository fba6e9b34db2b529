/* A client offering only TLS 1.1 (the system's `openssl s_client -tls1_1`): the reason
 * a server logs (Dovecot: "SSL_accept() failed: ..."). OpenSSL refuses the version
 * ("unsupported protocol") when the minimum is TLS 1.2, and with the default minimum
 * finds no signature algorithm it may use at the security level. */
#include "common.h"

#include <unistd.h>

static void run(const char *what, int min12)
{
    const char *args[] = { "openssl", "s_client", "-connect", NULL, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", NULL };
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    char portarg[64];
    int lfd, fd, port;
    child_t cl;
    SSL *s;

    printf("== %s ==\n", what);
    if (min12)
        SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION);
    lfd = tcp_listen(&port);
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[3] = portarg;
    cl = spawn_openssl(args);
    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    print_result("server", "SSL_accept", s, SSL_accept(s));
    printf("server: is_init_finished=%d\n", SSL_is_init_finished(s));
    SSL_free(s);
    close(fd);
    printf("s_client: exit %d\n", wait_child(&cl, 10000));
    close(lfd);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run("minimum TLS 1.2", 1);
    run("default minimum", 0);
    return test_end();
}
