/* Writes larger than the transport takes: client and server over a BIO pair
 * with 4 KiB buffers, the client writing 100,000 bytes in SSL_write calls of
 * 40,000 bytes while the server reads only when told to.
 *   1. default mode: SSL_write answers WANT_WRITE and is retried with the same
 *      arguments until it reports the whole 40,000;
 *   2. SSL_MODE_ENABLE_PARTIAL_WRITE: SSL_write reports what it has written
 *      so far (record by record) and the caller moves on;
 *   3. SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER: the retry passes a copy of the
 *      data at another address;
 *   4. a retry from another address without that mode, and a retry with a
 *      shorter length: OpenSSL's "bad write retry";
 *   5. the reader stops: SSL_write keeps answering WANT_WRITE (never an error)
 *      until the reader drains, then everything arrives.
 * For each: the sequence of SSL_write outcomes (runs of equal outcomes shown
 * once with a count), and that every byte arrived once and in order. TLS 1.3
 * and TLS 1.2. */
#include "common.h"

#define TOTAL 100000
#define CALL 40000

static unsigned char src[TOTAL], got[TOTAL + 1];

typedef struct {
    char last[64];
    int count;
} runlog_t;

static void logv(runlog_t *l, const char *v)
{
    if (l->count > 0 && strcmp(l->last, v) == 0) {
        l->count++;
        return;
    }
    if (l->count > 0)
        printf(" %s%s", l->last, l->count > 1 ? "+" : "");
    snprintf(l->last, sizeof(l->last), "%s", v);
    l->count = 1;
}

static void logend(runlog_t *l)
{
    if (l->count > 0)
        printf(" %s%s", l->last, l->count > 1 ? "+" : "");
    printf("\n");
    l->count = 0;
}

static size_t drain(SSL *s, size_t *recvd, size_t limit)
{
    size_t before = *recvd;

    while (*recvd < limit) {
        int n = SSL_read(s, got + *recvd, (int)(limit - *recvd));

        if (n <= 0)
            break;
        *recvd += n;
    }
    return *recvd - before;
}

static void check(size_t recvd)
{
    size_t bad = 0;

    for (size_t i = 0; i < recvd && i < TOTAL; i++)
        if (got[i] != src[i])
            bad++;
    printf("  received %zu bytes, %zu out of place\n", recvd, bad);
}

enum { RETRY_SAME, PARTIAL, MOVING, MOVED_WITHOUT_MODE, SHORTER };

static void run(int version, int kind, const char *title)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL *c, *s;
    size_t sent = 0, recvd = 0;
    runlog_t log = { "", 0 };
    int guard = 0, failed = 0;
    unsigned char *copy = malloc(CALL);

    printf("== %s (%s) ==\n", title, version_name(version));
    SSL_CTX_set_max_proto_version(cctx, version);
    make_pair(cctx, sctx, &c, &s, 4096);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    if (kind == PARTIAL)
        SSL_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE);
    if (kind == MOVING)
        SSL_set_mode(c, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    printf("  SSL_write:");
    while (sent < TOTAL && !failed && guard++ < 100000) {
        int len = TOTAL - sent > CALL ? CALL : (int)(TOTAL - sent);
        const unsigned char *p = src + sent;
        int retries = 0, n;

        for (;;) {
            n = SSL_write(c, p, len);
            if (n > 0) {
                char v[32];

                snprintf(v, sizeof(v), "%d", n);
                logv(&log, v);
                sent += n;
                break;
            }
            if (SSL_get_error(c, n) != SSL_ERROR_WANT_WRITE) {
                unsigned long e = ERR_peek_error();
                char v[64];

                snprintf(v, sizeof(v), "%s(%s)", ssl_error_name(SSL_get_error(c, n)),
                         e ? ERR_reason_error_string(e) : "-");
                logv(&log, v);
                ERR_clear_error();
                failed = 1;
                break;
            }
            logv(&log, "WANT_WRITE");
            /* The reader takes some bytes, then the write is retried. */
            drain(s, &recvd, TOTAL);
            if (++retries == 1) {
                if (kind == MOVING || kind == MOVED_WITHOUT_MODE) {
                    memcpy(copy, p, len);
                    p = copy;
                } else if (kind == SHORTER) {
                    len -= 1;
                }
            }
        }
    }
    logend(&log);
    if (!failed)
        drain(s, &recvd, TOTAL);
    check(recvd);
    printf("  client: sent %zu (as SSL_write reported)\n", sent);
    free(copy);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* The reader pauses: the writer sees only WANT_WRITE, then all arrives. */
static void stalled_reader(int version)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL *c, *s;
    size_t recvd = 0;
    int n, wants = 0;

    printf("== the reader stops reading (%s) ==\n", version_name(version));
    SSL_CTX_set_max_proto_version(cctx, version);
    make_pair(cctx, sctx, &c, &s, 4096);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    for (int i = 0; i < 50; i++) {
        n = SSL_write(c, src, CALL);
        if (n > 0 || SSL_get_error(c, n) != SSL_ERROR_WANT_WRITE)
            break;
        wants++;
    }
    printf("  SSL_write while the reader sleeps: %d x WANT_WRITE, then %d (%s)\n", wants, n,
           n > 0 ? "written" : ssl_error_name(SSL_get_error(c, n)));
    for (int i = 0; i < 1000 && (n = SSL_write(c, src, CALL)) <= 0; i++) {
        if (SSL_get_error(c, n) != SSL_ERROR_WANT_WRITE)
            break;
        drain(s, &recvd, CALL);
    }
    printf("  after the reader resumes: SSL_write -> %d\n", n);
    drain(s, &recvd, CALL);
    check(recvd);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (size_t i = 0; i < TOTAL; i++)
        src[i] = (unsigned char)(i * 7 + (i >> 9));
    for (int v = 0; v < 2; v++) {
        run(vers[v], RETRY_SAME, "retried with the same arguments");
        run(vers[v], PARTIAL, "SSL_MODE_ENABLE_PARTIAL_WRITE");
        run(vers[v], MOVING, "SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, retried from a copy");
        run(vers[v], MOVED_WITHOUT_MODE, "retried from a copy without ACCEPT_MOVING_WRITE_BUFFER");
        run(vers[v], SHORTER, "retried with a shorter length");
        stalled_reader(vers[v]);
    }
    return test_end();
}
