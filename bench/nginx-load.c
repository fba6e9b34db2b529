/* nginx-load: the client of bench/nginx.sh, always on the system libssl (OpenSSL 3.0).
 *
 *   nginx-load PORT CAFILE MODE COUNT [tls12]
 *
 * MODE
 *   full       COUNT connections, each: full handshake, one GET, the response, close
 *   resumed    one full connection, then COUNT connections resuming the latest session
 *              (a TLS 1.3 ticket is single-use on oxissl: each connection offers the
 *              session the previous one received, on both libraries)
 *   keepalive  one connection, COUNT GETs on it, one after another
 *   idle       COUNT connections, each: full handshake, one GET, the response; all kept
 *              open; prints "ready N" and holds them until stdin is closed
 *
 * Prints "done MODE COUNT reused=R" (R: connections whose session was resumed) on stdout;
 * any failure exits 1 with the reason on stderr. */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port;

static void die(const char *what)
{
    fprintf(stderr, "nginx-load: %s\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static int tcp_connect(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    if (fd < 0) die("socket");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
    return fd;
}

/* One GET and its whole response (nginx answers with a Content-Length). */
static void get(SSL *ssl, int keepalive)
{
    const char *req = keepalive ? "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"
                                : "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    char buf[4096];
    int have = 0, len = -1, head = 0;
    if (SSL_write(ssl, req, (int)strlen(req)) <= 0) die("SSL_write");
    for (;;) {
        int n = SSL_read(ssl, buf + have, (int)sizeof buf - 1 - have);
        if (n <= 0) die("SSL_read");
        have += n;
        buf[have] = 0;
        char *end = strstr(buf, "\r\n\r\n");
        if (end && len < 0) {
            char *cl = strstr(buf, "Content-Length: ");
            if (!cl) die("no Content-Length");
            len = atoi(cl + 16);
            head = (int)(end + 4 - buf);
        }
        if (len >= 0 && have >= head + len) return;
        if (have >= (int)sizeof buf - 1) die("response too long");
    }
}

static SSL *open_conn(SSL_CTX *ctx, SSL_SESSION *sess)
{
    SSL *ssl = SSL_new(ctx);
    if (!ssl) die("SSL_new");
    SSL_set_fd(ssl, tcp_connect());
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (sess) SSL_set_session(ssl, sess);
    if (SSL_connect(ssl) != 1) die("SSL_connect");
    return ssl;
}

static void close_conn(SSL *ssl)
{
    int fd = SSL_get_fd(ssl);
    SSL_shutdown(ssl); /* without a close_notify OpenSSL's SSL_free makes the session unresumable */
    SSL_free(ssl);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fprintf(stderr, "usage: nginx-load PORT CAFILE full|resumed|keepalive|idle COUNT [tls12]\n");
        return 2;
    }
    port = atoi(argv[1]);
    const char *mode = argv[3];
    long count = atol(argv[4]), reused = 0;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx || SSL_CTX_load_verify_file(ctx, argv[2]) != 1) die("CA file");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (argc > 5 && strcmp(argv[5], "tls12") == 0)
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);

    if (strcmp(mode, "full") == 0) {
        for (long i = 0; i < count; i++) {
            SSL *ssl = open_conn(ctx, NULL);
            get(ssl, 0);
            close_conn(ssl);
        }
    } else if (strcmp(mode, "resumed") == 0) {
        SSL *ssl = open_conn(ctx, NULL);
        get(ssl, 0);
        SSL_SESSION *sess = SSL_get1_session(ssl);
        close_conn(ssl);
        for (long i = 0; i < count; i++) {
            ssl = open_conn(ctx, sess);
            get(ssl, 0); /* the TLS 1.3 ticket arrives with the first read */
            reused += SSL_session_reused(ssl);
            SSL_SESSION_free(sess);
            sess = SSL_get1_session(ssl);
            close_conn(ssl);
        }
        SSL_SESSION_free(sess);
    } else if (strcmp(mode, "keepalive") == 0) {
        SSL *ssl = open_conn(ctx, NULL);
        for (long i = 0; i < count; i++)
            get(ssl, 1);
        close_conn(ssl);
    } else if (strcmp(mode, "idle") == 0) {
        SSL **held = calloc((size_t)count, sizeof *held);
        if (!held) die("calloc");
        for (long i = 0; i < count; i++) {
            held[i] = open_conn(ctx, NULL);
            get(held[i], 1);
        }
        printf("ready %ld\n", count);
        fflush(stdout);
        char c;
        while (read(0, &c, 1) > 0) {
        }
        for (long i = 0; i < count; i++)
            close_conn(held[i]);
        free(held);
    } else {
        die("unknown mode");
    }
    printf("done %s %ld reused=%ld\n", mode, count, reused);
    SSL_CTX_free(ctx);
    return 0;
}
