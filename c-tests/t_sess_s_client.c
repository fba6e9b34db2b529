/* A real `openssl s_client` (system OpenSSL) saving its session with
 * -sess_out FILE against our server, then a second s_client resuming it
 * with -sess_in FILE; TLS 1.3 and TLS 1.2 (s_client -tls1_2).  Our server
 * (default session settings) accepts both connections on one SSL_CTX,
 * reads a line, replies and sends close_notify; s_client's stdin stays
 * open, so it leaves only after reading the reply and the close_notify
 * (and, in TLS 1.3, the tickets before them).  Prints whether our server
 * saw reuse, the server's session statistics, s_client's exit status and
 * its "New, ..." / "Reused, ..." line. */
#include "sess_impl.h"
#include <sys/socket.h>
#include <unistd.h>

static void one(SSL_CTX *sctx, int lfd, int port, const char *const *extra, const char *sessarg,
                const char *file)
{
    const char *args[40];
    char portarg[64], buf[256];
    size_t n = 0, got = 0;
    child_t cl;
    int fd, r, in_fd;
    SSL *s;
    char *out, *line, *save = NULL;

    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[n++] = "openssl";
    args[n++] = "s_client";
    args[n++] = "-connect";
    args[n++] = portarg;
    args[n++] = "-CAfile";
    args[n++] = cpath("ca.pem");
    args[n++] = "-verify_return_error";
    args[n++] = "-servername";
    args[n++] = "localhost";
    args[n++] = sessarg;
    args[n++] = file;
    for (size_t i = 0; extra && extra[i] && n < 38; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    printf("-- s_client %s\n", sessarg);
    cl = spawn_openssl(args);
    if (write(cl.in_fd, "hello from s_client\n", 20) != 20)
        die("write to s_client stdin");

    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    r = SSL_accept(s);
    print_result("server", "SSL_accept", s, r);
    if (r == 1) {
        printf("server: version=%s reused=%d\n", SSL_get_version(s), SSL_session_reused(s));
        while (got < sizeof(buf) - 1 && (got == 0 || buf[got - 1] != '\n')) {
            r = SSL_read(s, buf + got, (int)(sizeof(buf) - 1 - got));
            if (r <= 0) {
                print_result("server", "SSL_read", s, r);
                break;
            }
            got += (size_t)r;
        }
        printf("server: received ");
        print_escaped(buf, got);
        printf("\n");
        r = SSL_write(s, "hello from our server\n", 22);
        if (r != 22)
            print_result("server", "SSL_write", s, r);
        r = SSL_shutdown(s);
        printf("server: SSL_shutdown ret>=0: %d\n", r >= 0);
        ERR_clear_error();
    }
    /* FIN after the close_notify: s_client need not wait for our close */
    shutdown(fd, SHUT_WR);
    /* keep s_client's stdin open: it must leave because of our close_notify */
    in_fd = cl.in_fd;
    cl.in_fd = -1;
    printf("s_client exit=%d\n", wait_child(&cl, 10000));
    close(in_fd);
    out = child_output(&cl);
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        if (strncmp(line, "New,", 4) == 0 || strncmp(line, "Reused,", 7) == 0)
            printf("s_client: %s\n", line);
    free(out);
    SSL_free(s);
    close(fd);
    stats("server", sctx);
}

static void run(const char *title, const char *const *extra)
{
    SSL_CTX *sctx = sess_server_ctx();
    char file[] = "/tmp/t_sess_s_client.XXXXXX";
    int lfd, port, tfd;
    FILE *f;
    long size = 0;

    printf("== %s ==\n", title);
    tfd = mkstemp(file);
    if (tfd < 0)
        die("mkstemp");
    close(tfd);
    lfd = tcp_listen(&port);
    one(sctx, lfd, port, extra, "-sess_out", file);
    f = fopen(file, "r");
    if (f != NULL) {
        fseek(f, 0, SEEK_END);
        size = ftell(f);
        fclose(f);
    }
    printf("session file written: %d\n", size > 0);
    one(sctx, lfd, port, extra, "-sess_in", file);
    unlink(file);
    close(lfd);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    const char *tls12[] = { "-tls1_2", NULL };

    test_init(argc, argv);
    sess_init();
    run("TLS 1.3", NULL);
    run("TLS 1.2", tls12);
    return test_end();
}
