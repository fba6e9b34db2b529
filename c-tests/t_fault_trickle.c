/* A transport that moves one byte per call and answers "retry" at every other
 * call, for reads and for writes (a custom BIO method over two byte queues):
 * the handshake, 48 KiB each way with SSL_write retried with the same
 * arguments, SSL_read into buffers of 1, 7 and 1000 bytes, and the two-step
 * shutdown, at TLS 1.3 and TLS 1.2, client and server in one thread.
 *
 * Every call's outcome is recorded; the transcript shows, per phase and side,
 * the outcomes in the order they first occurred (WANT_READ, WANT_WRITE, the
 * final success) and that no other error occurred; every byte written arrives
 * once and in order (checked against the pattern), and the totals. */
#include "common.h"

#include <assert.h>

/* ---- a byte queue and the trickling BIO ------------------------------- */

typedef struct {
    unsigned char *buf;
    size_t len, cap;
} queue_t;

typedef struct {
    queue_t *in, *out;
    int tick_r, tick_w; /* every other call retries */
    int eof;
} trickle_t;

static void q_push(queue_t *q, const void *p, size_t n)
{
    if (q->len + n > q->cap) {
        q->cap = (q->len + n) * 2 + 64;
        q->buf = realloc(q->buf, q->cap);
        if (q->buf == NULL)
            die("realloc");
    }
    memcpy(q->buf + q->len, p, n);
    q->len += n;
}

static size_t q_pop(queue_t *q, void *p, size_t n)
{
    if (n > q->len)
        n = q->len;
    memcpy(p, q->buf, n);
    memmove(q->buf, q->buf + n, q->len - n);
    q->len -= n;
    return n;
}

static int t_write(BIO *b, const char *data, int len)
{
    trickle_t *t = BIO_get_data(b);

    BIO_clear_retry_flags(b);
    if (len <= 0)
        return 0;
    if (t->tick_w++ % 2 == 0) {
        BIO_set_retry_write(b);
        return -1;
    }
    q_push(t->out, data, 1);
    return 1;
}

static int t_read(BIO *b, char *data, int len)
{
    trickle_t *t = BIO_get_data(b);

    BIO_clear_retry_flags(b);
    if (len <= 0)
        return 0;
    if (t->in->len == 0) {
        if (t->eof)
            return 0;
        BIO_set_retry_read(b);
        return -1;
    }
    if (t->tick_r++ % 2 == 0) {
        BIO_set_retry_read(b);
        return -1;
    }
    return (int)q_pop(t->in, data, 1);
}

static long t_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b;
    (void)num;
    (void)ptr;
    switch (cmd) {
    case BIO_CTRL_FLUSH:
        return 1;
    default:
        return 0;
    }
}

static int t_destroy(BIO *b)
{
    free(BIO_get_data(b));
    BIO_set_data(b, NULL);
    return 1;
}

static BIO_METHOD *trickle_method(void)
{
    static BIO_METHOD *m;

    if (m == NULL) {
        m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "trickle");
        BIO_meth_set_write(m, t_write);
        BIO_meth_set_read(m, t_read);
        BIO_meth_set_ctrl(m, t_ctrl);
        BIO_meth_set_destroy(m, t_destroy);
    }
    return m;
}

static BIO *trickle_bio(queue_t *in, queue_t *out)
{
    BIO *b = BIO_new(trickle_method());
    trickle_t *t = calloc(1, sizeof(*t));

    if (b == NULL || t == NULL)
        die("trickle_bio");
    t->in = in;
    t->out = out;
    BIO_set_data(b, t);
    BIO_set_init(b, 1);
    return b;
}

/* ---- outcome log ------------------------------------------------------ */

/* Outcomes of one side in one phase, in order of first occurrence. */
typedef struct {
    int seen[8];
    int n;
    int others; /* errors other than WANT_READ/WANT_WRITE before success */
} outcomes_t;

static void note(outcomes_t *o, SSL *ssl, int ret)
{
    int e = ret > 0 ? 0 : SSL_get_error(ssl, ret);

    if (e != 0 && e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        o->others++;
        print_result("  unexpected", "call", ssl, ret);
    }
    for (int i = 0; i < o->n; i++)
        if (o->seen[i] == e)
            return;
    if (o->n < 8)
        o->seen[o->n++] = e;
    ERR_clear_error();
}

static void show(const char *what, const outcomes_t *o)
{
    printf("  %s:", what);
    for (int i = 0; i < o->n; i++)
        printf(" %s", o->seen[i] == 0 ? "done" : ssl_error_name(o->seen[i]));
    printf("%s\n", o->others ? " (OTHER ERRORS)" : "");
}

/* ---- the run ---------------------------------------------------------- */

#define PAYLOAD (48 * 1024)

static unsigned char pattern(size_t i, int dir)
{
    return (unsigned char)((i * 131 + dir * 17 + (i >> 8)) & 0xff);
}

/* Sends PAYLOAD bytes from w to r, r reading with the given buffer size. */
static void transfer(SSL *w, SSL *r, int dir, int rbuf, outcomes_t *ow, outcomes_t *or)
{
    static unsigned char src[PAYLOAD], got[PAYLOAD];
    size_t sent = 0, recvd = 0, mismatches = 0;
    int guard = 0;

    for (size_t i = 0; i < PAYLOAD; i++)
        src[i] = pattern(i, dir);
    while (recvd < PAYLOAD && guard++ < 20000000) {
        if (sent < PAYLOAD) {
            int chunk = PAYLOAD - sent > 16000 ? 16000 : (int)(PAYLOAD - sent);
            int n = SSL_write(w, src + sent, chunk);

            note(ow, w, n);
            if (n > 0) {
                assert(n == chunk);
                sent += n;
            }
        }
        {
            int n = SSL_read(r, got + recvd, rbuf);

            note(or, r, n);
            if (n > 0)
                recvd += n;
        }
    }
    for (size_t i = 0; i < recvd; i++)
        if (got[i] != src[i])
            mismatches++;
    printf("  sent %zu, received %zu, mismatched bytes %zu\n", sent, recvd, mismatches);
}

static void run(int version)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    queue_t c2s = { 0 }, s2c = { 0 };
    SSL *c, *s;
    outcomes_t hc = { { 0 }, 0, 0 }, hs = hc, w1 = hc, r1 = hc, w2 = hc, r2 = hc, w3 = hc, r3 = hc, sc = hc, ss = hc;
    int cdone = 0, sdone = 0, guard = 0;
    char one;

    printf("== trickling transport (%s) ==\n", version_name(version));
    SSL_CTX_set_max_proto_version(cctx, version);
    c = SSL_new(cctx);
    s = SSL_new(sctx);
    SSL_set_bio(c, trickle_bio(&s2c, &c2s), trickle_bio(&s2c, &c2s));
    SSL_set_bio(s, trickle_bio(&c2s, &s2c), trickle_bio(&c2s, &s2c));
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    SSL_set1_host(c, "localhost");
    while ((!cdone || !sdone) && guard++ < 1000000) {
        if (!cdone) {
            int r = SSL_do_handshake(c);
            note(&hc, c, r);
            cdone = r == 1;
        }
        if (!sdone) {
            int r = SSL_do_handshake(s);
            note(&hs, s, r);
            sdone = r == 1;
        }
    }
    printf("handshake: client %d server %d\n", cdone, sdone);
    show("client SSL_do_handshake", &hc);
    show("server SSL_do_handshake", &hs);
    print_session_info("client", c);
    printf("client -> server, server reads 1000 bytes at a time\n");
    transfer(c, s, 0, 1000, &w1, &r1);
    show("client SSL_write", &w1);
    show("server SSL_read", &r1);
    printf("server -> client, client reads 7 bytes at a time\n");
    transfer(s, c, 1, 7, &w2, &r2);
    show("server SSL_write", &w2);
    show("client SSL_read", &r2);
    printf("client -> server, server reads 1 byte at a time\n");
    transfer(c, s, 2, 1, &w3, &r3);
    show("client SSL_write", &w3);
    show("server SSL_read", &r3);

    /* Shutdown: the client's close_notify, the server reads it, answers. */
    guard = 0;
    {
        int r;

        while ((r = SSL_shutdown(c)) < 0 && guard++ < 100000)
            note(&sc, c, r);
        printf("client: SSL_shutdown -> %d\n", r);
        guard = 0;
        while ((r = SSL_read(s, &one, 1)) <= 0 && SSL_get_error(s, r) != SSL_ERROR_ZERO_RETURN && guard++ < 100000)
            note(&ss, s, r);
        printf("server: SSL_read -> %d %s\n", r, ssl_error_name(SSL_get_error(s, r)));
        guard = 0;
        while ((r = SSL_shutdown(s)) < 0 && guard++ < 100000)
            note(&ss, s, r);
        printf("server: SSL_shutdown -> %d\n", r);
        guard = 0;
        while ((r = SSL_shutdown(c)) < 0 && guard++ < 100000)
            note(&sc, c, r);
        printf("client: SSL_shutdown -> %d, get_shutdown=%d\n", r, SSL_get_shutdown(c));
        show("client SSL_shutdown", &sc);
        show("server SSL_read/SSL_shutdown", &ss);
    }
    printf("left in queues: c2s %zu, s2c %zu\n", c2s.len, s2c.len);
    SSL_free(c);
    SSL_free(s);
    free(c2s.buf);
    free(s2c.buf);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    return test_end();
}
