/* A peer that disappears, over real TCP sockets on loopback (the other end is
 * played by this program with raw socket calls, so exactly what is sent and
 * when the connection ends is known):
 *   - mid-handshake: the server side reads the ClientHello, then closes (FIN)
 *     or resets (RST, SO_LINGER 0) without answering;
 *   - mid-record: after a completed handshake the peer sends the first half of
 *     an application-data record, then closes or resets;
 *   - at a record boundary without close_notify, with and without
 *     SSL_OP_IGNORE_UNEXPECTED_EOF.
 * Prints SSL_get_error, the first queued error and whether errno says
 * ECONNRESET, for the client and for the server role (blocking sockets). */
#include "common.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static void slam(int fd, int reset)
{
    if (reset) {
        struct linger lg = { 1, 0 };

        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    }
    close(fd);
}

static void report(const char *who, const char *what, SSL *ssl, int ret)
{
    int saved = errno;
    int e = SSL_get_error(ssl, ret);

    print_result(who, what, ssl, ret);
    if (e == SSL_ERROR_SYSCALL)
        printf("%s: errno is %s\n", who, saved == ECONNRESET ? "ECONNRESET" : saved == 0 ? "0" : "another value");
}

/* Reads whatever arrives for up to ms milliseconds (the peer's flight). */
static size_t soak_up(int fd, int ms)
{
    char buf[16384];
    size_t total = 0;

    set_sock_timeouts(fd, 0);
    {
        struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof(buf), 0);

        if (n <= 0)
            break;
        total += n;
    }
    return total;
}

/* Client role: our SSL connects; the raw peer drops it mid-handshake. */
static void client_mid_handshake(int reset, int version)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    int port, lfd = tcp_listen(&port), cfd = tcp_connect(port), sfd = tcp_accept(lfd, 5000);
    SSL *c;

    printf("== client, server %s after the ClientHello (%s) ==\n", reset ? "resets" : "closes", version_name(version));
    SSL_CTX_set_max_proto_version(cctx, version);
    c = SSL_new(cctx);
    SSL_set_fd(c, cfd);
    SSL_set_connect_state(c);
    /* Send the ClientHello: the first SSL_connect blocks reading the answer, so let the
     * peer act first from the other side of a non-blocking attempt. */
    set_nonblock(cfd);
    report("client", "SSL_connect (non-blocking, ClientHello out)", c, SSL_connect(c));
    /* The peer reads the whole ClientHello (so that a close is a clean FIN). */
    printf("peer: read the ClientHello: %s\n", soak_up(sfd, 100) > 5 ? "yes" : "no");
    slam(sfd, reset);
    usleep(50000);
    set_sock_timeouts(cfd, 5);
    {
        int r;

        for (int i = 0; i < 100; i++) {
            r = SSL_connect(c);
            if (r > 0 || SSL_get_error(c, r) != SSL_ERROR_WANT_READ)
                break;
            usleep(10000);
        }
        report("client", "SSL_connect", c, r);
    }
    SSL_free(c);
    close(cfd);
    close(lfd);
    SSL_CTX_free(cctx);
}

/* Server role: our SSL accepts; a real client (another SSL of ours in this thread is not
 * possible with blocking sockets, so the raw peer replays half a ClientHello). */
static void server_mid_handshake(int reset)
{
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    int port, lfd = tcp_listen(&port), cfd = tcp_connect(port), sfd = tcp_accept(lfd, 5000);
    /* The start of a TLS 1.2 ClientHello record announcing 512 bytes. */
    static const unsigned char partial[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03 };
    SSL *s;

    printf("== server, client %s in the middle of its ClientHello ==\n", reset ? "resets" : "closes");
    s = SSL_new(sctx);
    SSL_set_fd(s, sfd);
    if (send(cfd, partial, sizeof(partial), 0) != (ssize_t)sizeof(partial))
        die("send");
    slam(cfd, reset);
    set_sock_timeouts(sfd, 5);
    errno = 0;
    report("server", "SSL_accept", s, SSL_accept(s));
    SSL_free(s);
    close(sfd);
    close(lfd);
    SSL_CTX_free(sctx);
}

/* After a handshake between two of our SSLs over sockets (driven non-blocking in one
 * thread), the client's socket is taken over raw: half a record, or nothing, then FIN/RST. */
static void after_handshake(int version, int how, int ignore_eof)
{
    static const char *hows[] = { "half a record then close", "half a record then reset",
                                  "close at a record boundary" };
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    int port, lfd = tcp_listen(&port), cfd = tcp_connect(port), sfd = tcp_accept(lfd, 5000);
    SSL *c, *s;
    char buf[64];
    int cd = 0, sd = 0;

    printf("== server, peer sends %s%s (%s) ==\n", hows[how], ignore_eof ? ", SSL_OP_IGNORE_UNEXPECTED_EOF" : "",
           version_name(version));
    SSL_CTX_set_max_proto_version(cctx, version);
    if (ignore_eof)
        SSL_CTX_set_options(sctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    c = SSL_new(cctx);
    s = SSL_new(sctx);
    set_nonblock(cfd);
    set_nonblock(sfd);
    SSL_set_fd(c, cfd);
    SSL_set_fd(s, sfd);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    for (int i = 0; i < 2000 && !(cd && sd); i++) {
        if (!cd)
            cd = SSL_do_handshake(c) == 1;
        if (!sd)
            sd = SSL_do_handshake(s) == 1;
        if (!(cd && sd))
            usleep(1000);
    }
    if (!(cd && sd))
        die("handshake over sockets");
    /* Let the server's tickets reach the client socket; the raw peer ignores them. */
    if (SSL_write(c, "x", 1) != 1)
        die("SSL_write");
    for (int i = 0; i < 200; i++) {
        int r = SSL_read(s, buf, 1);

        if (r == 1)
            break;
        usleep(1000);
    }
    soak_up(cfd, 50);
    if (how < 2) {
        /* An application-data record header announcing 100 bytes, and 50 of them. */
        unsigned char half[55] = { 0x17, 0x03, 0x03, 0x00, 0x64 };

        memset(half + 5, 0x41, sizeof(half) - 5);
        if (send(cfd, half, sizeof(half), 0) != (ssize_t)sizeof(half))
            die("send");
    }
    slam(cfd, how == 1);
    SSL_free(c); /* its socket is closed already; the object just goes */
    usleep(50000);
    {
        int r = -1;

        errno = 0;
        for (int i = 0; i < 200; i++) {
            r = SSL_read(s, buf, sizeof(buf));
            if (r > 0 || SSL_get_error(s, r) != SSL_ERROR_WANT_READ)
                break;
            usleep(5000);
        }
        report("server", "SSL_read", s, r);
        printf("server: get_shutdown=%d\n", SSL_get_shutdown(s));
    }
    SSL_free(s);
    close(sfd);
    close(lfd);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int v = 0; v < 2; v++) {
        client_mid_handshake(0, vers[v]);
        client_mid_handshake(1, vers[v]);
    }
    server_mid_handshake(0);
    server_mid_handshake(1);
    for (int v = 0; v < 2; v++) {
        after_handshake(vers[v], 0, 0);
        after_handshake(vers[v], 1, 0);
        after_handshake(vers[v], 2, 0);
        after_handshake(vers[v], 2, 1);
        after_handshake(vers[v], 0, 1);
    }
    return test_end();
}
