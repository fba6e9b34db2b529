/* Pre-forked servers (Apache's prefork/worker MPMs, nginx's workers, haproxy's
 * processes): the server context is made in the parent, then each worker process
 * accepts connections.  A session ticket issued by one worker must resume in a sibling
 * from that sibling's first connection on, because OpenSSL's ticket keys exist from
 * SSL_CTX_new, before the fork.  Two workers (one listening socket each, so the client
 * picks the worker); the client, in the parent, makes a full handshake with worker A,
 * then offers the session to worker B (which has served nothing yet), then to A again.
 * TLS 1.3 and TLS 1.2 tickets, and TLS 1.3 without tickets (stateful: an internal cache
 * is per process, so no resumption across workers, in OpenSSL either). */
#include "common.h"

#include <sys/wait.h>
#include <unistd.h>

#define CONNS 3

static void worker(SSL_CTX *sctx, int lfd)
{
    for (int i = 0; i < CONNS - (i > 0); i++) {
        int fd = tcp_accept(lfd, 10000);
        SSL *s;
        char buf[16];

        if (fd < 0)
            _exit(3);
        s = SSL_new(sctx);
        SSL_set_fd(s, fd);
        if (SSL_accept(s) == 1 && SSL_read(s, buf, sizeof(buf)) > 0) {
            char reply[2] = { SSL_session_reused(s) ? 'R' : 'F', 0 };

            SSL_write(s, reply, 1);
            SSL_shutdown(s);
        }
        SSL_free(s);
        close(fd);
    }
    _exit(0);
}

static SSL_SESSION *connect_to(SSL_CTX *cctx, int port, const char *name, SSL_SESSION *offer)
{
    int fd = tcp_connect(port);
    SSL *c = SSL_new(cctx);
    SSL_SESSION *got = NULL;
    char buf[4] = { 0 };

    SSL_set_fd(c, fd);
    set_sock_timeouts(fd, 10);
    if (offer != NULL)
        SSL_set_session(c, offer);
    if (SSL_connect(c) != 1) {
        print_result("client", "SSL_connect", c, -1);
    } else {
        SSL_write(c, "hi", 2);
        if (SSL_read(c, buf, 1) != 1)
            buf[0] = '?';
        printf("worker %s: %s; client reused=%d, server says %s\n", name, SSL_get_version(c), SSL_session_reused(c),
               buf[0] == 'R' ? "resumed" : buf[0] == 'F' ? "full handshake" : "nothing");
        got = SSL_get1_session(c);
        SSL_shutdown(c);
    }
    SSL_free(c);
    close(fd);
    return got;
}

static void run(int version, int no_ticket)
{
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    int pa, pb, la = tcp_listen(&pa), lb = tcp_listen(&pb);
    pid_t a, b;
    SSL_SESSION *s1, *s2, *s3;

    printf("== %s%s ==\n", version_name(version), no_ticket ? ", SSL_OP_NO_TICKET" : "");
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"fork", 4);
    if (no_ticket)
        SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET);
    fflush(stdout);
    if ((a = fork()) == 0)
        worker(sctx, la);
    if ((b = fork()) == 0)
        worker(sctx, lb);
    s1 = connect_to(cctx, pa, "A", NULL);
    s2 = connect_to(cctx, pb, "B", s1);
    s3 = connect_to(cctx, pa, "A", s2 ? s2 : s1);
    SSL_SESSION_free(s1);
    SSL_SESSION_free(s2);
    SSL_SESSION_free(s3);
    /* Worker B expects two connections; let it go. */
    close(tcp_connect(pb));
    waitpid(a, NULL, 0);
    waitpid(b, NULL, 0);
    close(la);
    close(lb);
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, 0);
    run(TLS1_2_VERSION, 0);
    run(TLS1_3_VERSION, 1);
    return test_end();
}
