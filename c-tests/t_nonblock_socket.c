/* Client and server in one process over a loopback TCP connection with
 * O_NONBLOCK sockets (SSL_set_fd), driven with poll(): non-blocking connect,
 * handshake, a 100 kB transfer each way (SSL_write retried with the same
 * arguments on WANT_WRITE), then a bidirectional shutdown.  Only outcomes
 * are printed (retry counts depend on timing). */
#include "common.h"
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#define BIG 100000

static void wait_io(int fd, int err)
{
    struct pollfd p = { fd, err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0 };
    if (poll(&p, 1, 5000) != 1)
        die("poll timeout");
}

/* runs op on both until both report 1; returns 1 on success */
static int both(SSL *c, SSL *s, int (*op)(SSL *), const char *name)
{
    int cd = 0, sd = 0, r, e;
    for (int i = 0; i < 10000 && !(cd && sd); i++) {
        struct pollfd p[2];
        int n = 0;
        if (!cd) {
            r = op(c);
            e = SSL_get_error(c, r);
            if (r == 1)
                cd = 1;
            else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                print_result("client", name, c, r);
                return 0;
            } else {
                p[n].fd = SSL_get_fd(c);
                p[n++].events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
            }
        }
        if (!sd) {
            r = op(s);
            e = SSL_get_error(s, r);
            if (r == 1)
                sd = 1;
            else if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
                print_result("server", name, s, r);
                return 0;
            } else {
                p[n].fd = SSL_get_fd(s);
                p[n++].events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
            }
        }
        if (n == 2 && !(cd || sd)) {
            p[0].revents = p[1].revents = 0;
            poll(p, 2, 100);
        }
    }
    printf("%s: client=%d server=%d\n", name, cd, sd);
    return cd && sd;
}

/* writer a sends BIG bytes to reader b; when neither side progressed,
 * poll() for writability of a / readability of b (bounded) */
static void transfer(SSL *a, const char *an, SSL *b, const char *bn)
{
    static char out[BIG], in[BIG];
    size_t off = 0, got = 0;
    int r, e, want_write = 0;

    for (size_t i = 0; i < BIG; i++)
        out[i] = (char)(i % 251);
    for (int i = 0; i < 100000 && got < BIG; i++) {
        int progress = 0, we = SSL_ERROR_NONE;
        if (off < BIG) {
            r = SSL_write(a, out + off, (int)(BIG - off));
            if (r > 0) {
                off += (size_t)r;
                progress = 1;
            } else {
                we = SSL_get_error(a, r);
                if (we == SSL_ERROR_WANT_WRITE)
                    want_write = 1;
                else if (we != SSL_ERROR_WANT_READ) {
                    print_result(an, "SSL_write", a, r);
                    return;
                }
            }
        }
        r = SSL_read(b, in + got, (int)(BIG - got));
        if (r > 0) {
            got += (size_t)r;
            progress = 1;
        } else {
            e = SSL_get_error(b, r);
            if (e != SSL_ERROR_WANT_READ) {
                print_result(bn, "SSL_read", b, r);
                return;
            }
        }
        if (!progress) {
            struct pollfd p[2];
            int n = 0;
            p[n].fd = SSL_get_fd(b);
            p[n].events = POLLIN;
            p[n++].revents = 0;
            if (off < BIG) {
                p[n].fd = SSL_get_fd(a);
                p[n].events = we == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
                p[n++].revents = 0;
            }
            if (poll(p, (nfds_t)n, 5000) <= 0)
                die("transfer stalled");
        }
    }
    fprintf(stderr, "%s writer saw WANT_WRITE: %d\n", an, want_write);
    printf("%s -> %s: wrote %zu, read %zu, intact=%d\n", an, bn, off, got,
           got == BIG && memcmp(in, out, BIG) == 0);
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    struct sockaddr_in sa;
    int lfd, cfd, sfd, port, r, e;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-ed25519.pem", "server-ed25519.key");
    lfd = tcp_listen(&port);
    cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    set_nonblock(cfd);
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((unsigned short)port);
    r = connect(cfd, (struct sockaddr *)&sa, sizeof(sa));
    printf("non-blocking connect: %s\n",
           r == 0 ? "immediate" : errno == EINPROGRESS ? "in progress" : "failed");
    sfd = tcp_accept(lfd, 5000);
    if (sfd < 0)
        die("accept");
    set_nonblock(sfd);
    {
        struct pollfd p = { cfd, POLLOUT, 0 };
        poll(&p, 1, 5000);
    }
    c = SSL_new(cctx);
    s = SSL_new(sctx);
    SSL_set1_host(c, "localhost");
    printf("client: set_fd=%d server: set_fd=%d\n", SSL_set_fd(c, cfd), SSL_set_fd(s, sfd));
    printf("client: get_fd matches=%d\n", SSL_get_fd(c) == cfd);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);

    /* the first client step must want to read (ClientHello sent) */
    r = SSL_do_handshake(c);
    print_result("client", "first SSL_do_handshake", c, r);
    if (both(c, s, SSL_do_handshake, "handshake")) {
        print_session_info("client", c);
        print_verify_result("client", c);
        transfer(c, "client", s, "server");
        transfer(s, "server", c, "client");

        /* shutdown: client first (0), server reads close_notify */
        r = SSL_shutdown(c);
        printf("client: SSL_shutdown#1 ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(c));
        for (int i = 0; i < 1000; i++) {
            char buf[16];
            r = SSL_read(s, buf, sizeof(buf));
            e = SSL_get_error(s, r);
            if (e != SSL_ERROR_WANT_READ)
                break;
            wait_io(sfd, e);
        }
        print_result("server", "SSL_read after close_notify", s, r);
        printf("server: get_shutdown=%d\n", SSL_get_shutdown(s));
        r = SSL_shutdown(s);
        printf("server: SSL_shutdown ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(s));
        for (int i = 0; i < 1000; i++) {
            r = SSL_shutdown(c);
            e = SSL_get_error(c, r);
            if (r != -1 || e != SSL_ERROR_WANT_READ)
                break;
            wait_io(cfd, e);
        }
        printf("client: SSL_shutdown#2 ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(c));
        ERR_clear_error();
    }
    SSL_free(c);
    SSL_free(s);
    close(cfd);
    close(sfd);
    close(lfd);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
