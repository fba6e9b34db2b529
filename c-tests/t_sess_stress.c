/* Multi-threaded session stress: 8 threads share one client SSL_CTX, one
 * server SSL_CTX and a pool of 8 SSL_SESSION pointers guarded by a mutex.
 * Two parts, each with its own pair of contexts:
 *   A: TLS 1.2, session IDs (server SSL_OP_NO_TICKET, server-side cache)
 *   B: TLS 1.3, stateless tickets (server defaults)
 * Each part runs two phases:
 *   1. 10,000 reference cycles in total (1,250 per thread), no handshakes:
 *      take a pooled session (SSL_SESSION_up_ref under the pool lock), a
 *      fresh client SSL, SSL_set_session, SSL_get_session (must be the same
 *      pointer), SSL_get1_session (same pointer), then four rotating
 *      orders of SSL_free / SSL_SESSION_free / SSL_set_session(NULL), one of
 *      which moves the SSL_get1_session reference into another pool slot
 *      (freeing the reference it replaces).  The pool starts with two
 *      sessions from full handshakes made by the main thread.
 *   2. 1,000 handshakes in total (125 per thread) over in-process BIO pairs
 *      (client and server SSL in the same thread).  The pool is emptied
 *      first.  A thread's first handshake offers no session (full
 *      handshake); every later one offers a pooled session: in part A the
 *      session of slot (thread + i) % 8, or the thread's own slot while that
 *      one is still empty (sessions are shared across threads); in part B
 *      always the thread's own slot, i.e. the newest session of its previous
 *      connection (a TLS 1.3 ticket is single-use in oxissl).  After the
 *      handshake the server sends one byte and the client reads it (so TLS
 *      1.3 tickets arrive), the client's SSL_get1_session replaces the slot
 *      it was offered from (the old reference is freed), both sides send
 *      close_notify (SSL_shutdown once each, so the sessions stay
 *      resumable) and both SSLs are freed.
 * Every handshake after a thread's first must resume on both sides:
 * "client_reused" / "server_reused" count the handshakes where
 * SSL_session_reused() returned 1 on the client / server SSL (expected
 * 8 * 124 = 992), "unexpected" counts handshakes whose outcome is not the
 * expected one (full on the first, resumed on the others) on either side.
 * Also printed: SSL_CTX_sess_hits of the server context and the number of
 * API failures seen by the threads (details of the first failure per
 * thread are printed only if there are any).  Only totals are printed, so
 * the transcript does not depend on thread scheduling. */
#include "common.h"

#include <pthread.h>
#include <stdarg.h>

#define NTHREADS 8
#define NSLOTS 8
#define CYCLES_TOTAL 10000
#define HS_TOTAL 1000

static SSL_CTX *g_cctx, *g_sctx;
static int g_tls13;
static SSL_SESSION *g_pool[NSLOTS];
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

struct thr {
    pthread_t th;
    int id;
    long cycles, hs, full, creused, sreused, unexpected, errors;
    char first[600];
};

static void terr(struct thr *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void terr(struct thr *t, const char *fmt, ...)
{
    unsigned long e = ERR_peek_error();
    va_list ap;

    if (t->errors++ == 0) {
        char msg[256], ebuf[256];
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        if (e != 0)
            ERR_error_string_n(e, ebuf, sizeof(ebuf));
        else
            snprintf(ebuf, sizeof(ebuf), "no queued error");
        snprintf(t->first, sizeof(t->first), "%s (%s)", msg, ebuf);
    }
    ERR_clear_error();
}

static void lock(void)
{
    if (pthread_mutex_lock(&g_lock) != 0)
        abort();
}

static void unlock(void)
{
    if (pthread_mutex_unlock(&g_lock) != 0)
        abort();
}

/* up_ref'd session of a slot (NULL if empty) */
static SSL_SESSION *pool_take(int slot)
{
    SSL_SESSION *s;

    lock();
    s = g_pool[slot];
    if (s != NULL && !SSL_SESSION_up_ref(s))
        s = NULL;
    unlock();
    return s;
}

/* stores the reference n in a slot, frees the reference it replaces */
static void pool_put(int slot, SSL_SESSION *n)
{
    SSL_SESSION *old;

    lock();
    old = g_pool[slot];
    g_pool[slot] = n;
    unlock();
    SSL_SESSION_free(old);
}

static void pool_clear(void)
{
    for (int i = 0; i < NSLOTS; i++)
        pool_put(i, NULL);
}

/* ---- quiet in-process connection (nothing printed from threads) -------- */

/* 1 if both sides completed */
static int hs_quiet(SSL *c, SSL *s)
{
    int cd = 0, sd = 0;

    for (int round = 0; round < 50 && !(cd && sd); round++) {
        if (!cd) {
            int r = SSL_do_handshake(c);
            if (r == 1) {
                cd = 1;
            } else {
                int e = SSL_get_error(c, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                    return 0;
            }
        }
        if (!sd) {
            int r = SSL_do_handshake(s);
            if (r == 1) {
                sd = 1;
            } else {
                int e = SSL_get_error(s, r);
                if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
                    return 0;
            }
        }
    }
    return cd && sd;
}

/* server sends one byte, client reads it (TLS 1.3 tickets arrive first) */
static int pump_quiet(SSL *c, SSL *s)
{
    char b[16];

    if (SSL_write(s, "x", 1) != 1)
        return 0;
    return SSL_read(c, b, sizeof(b)) == 1 && b[0] == 'x';
}

/* close_notify from both sides (one SSL_shutdown each), then SSL_free */
static int close_quiet(SSL *c, SSL *s)
{
    int ok = SSL_shutdown(c) >= 0;
    ok = (SSL_shutdown(s) >= 0) && ok;
    SSL_free(c);
    SSL_free(s);
    return ok;
}

/* One full connection made by the main thread; returns the client's
 * newest session (a reference) or dies. */
static SSL_SESSION *seed_session(void)
{
    SSL *c, *s;
    SSL_SESSION *r;

    make_pair(g_cctx, g_sctx, &c, &s, 0);
    if (!hs_quiet(c, s))
        die("seed handshake");
    if (SSL_session_reused(c) != 0)
        die("seed handshake resumed");
    if (!pump_quiet(c, s))
        die("seed pump");
    r = SSL_get1_session(c);
    if (r == NULL)
        die("seed SSL_get1_session");
    if (!close_quiet(c, s))
        die("seed shutdown");
    ERR_clear_error();
    return r;
}

/* ---- phase 1: reference cycles -------------------------------------------- */

static void *cycles_thread(void *arg)
{
    struct thr *t = arg;
    int per = CYCLES_TOTAL / NTHREADS;
    int want_v = g_tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;

    for (int i = 0; i < per; i++) {
        int slot = (t->id * 3 + i) % NSLOTS;
        SSL_SESSION *s = pool_take(slot), *g;
        SSL *ssl;

        if (s == NULL) {
            terr(t, "cycle %d: pool slot %d empty", i, slot);
            continue;
        }
        if (SSL_SESSION_is_resumable(s) != 1)
            terr(t, "cycle %d: SSL_SESSION_is_resumable != 1", i);
        if (SSL_SESSION_get_protocol_version(s) != want_v)
            terr(t, "cycle %d: SSL_SESSION_get_protocol_version", i);
        ssl = SSL_new(g_cctx);
        if (ssl == NULL) {
            terr(t, "cycle %d: SSL_new", i);
            SSL_SESSION_free(s);
            continue;
        }
        if (SSL_set_session(ssl, s) != 1)
            terr(t, "cycle %d: SSL_set_session != 1", i);
        if (SSL_get_session(ssl) != s)
            terr(t, "cycle %d: SSL_get_session is not the session set", i);
        g = SSL_get1_session(ssl);
        if (g != s)
            terr(t, "cycle %d: SSL_get1_session is not the session set", i);
        switch (i % 4) {
        case 0: /* drop the get1 reference, the SSL, then ours */
            SSL_SESSION_free(g);
            SSL_free(ssl);
            SSL_SESSION_free(s);
            break;
        case 1: /* drop ours first, SSL_free, move the get1 reference
                 * into another slot (freeing what it replaces) */
            SSL_SESSION_free(s);
            SSL_free(ssl);
            if (g != NULL)
                pool_put((slot + 3) % NSLOTS, g);
            break;
        case 2: /* SSL first, then the two references */
            SSL_free(ssl);
            SSL_SESSION_free(g);
            SSL_SESSION_free(s);
            break;
        default: /* detach with SSL_set_session(NULL) before SSL_free */
            if (SSL_set_session(ssl, NULL) != 1)
                terr(t, "cycle %d: SSL_set_session(NULL) != 1", i);
            if (SSL_get_session(ssl) != NULL)
                terr(t, "cycle %d: SSL_get_session after set_session(NULL)", i);
            SSL_SESSION_free(s);
            SSL_free(ssl);
            SSL_SESSION_free(g);
            break;
        }
        t->cycles++;
    }
    ERR_clear_error();
    return NULL;
}

/* ---- phase 2: resumed handshakes ---------------------------------------- */

static void *hs_thread(void *arg)
{
    struct thr *t = arg;
    int per = HS_TOTAL / NTHREADS;

    for (int i = 0; i < per; i++) {
        SSL_SESSION *offer = NULL, *n;
        SSL *c, *s;
        int slot = t->id, cr, sr;

        if (i > 0) {
            if (!g_tls13) {
                slot = (t->id + i) % NSLOTS;
                offer = pool_take(slot);
                if (offer == NULL) {
                    slot = t->id;
                    offer = pool_take(slot);
                }
            } else {
                offer = pool_take(slot);
            }
            if (offer == NULL) {
                terr(t, "handshake %d: no pooled session", i);
                continue;
            }
        }
        make_pair(g_cctx, g_sctx, &c, &s, 0);
        if (offer != NULL && SSL_set_session(c, offer) != 1)
            terr(t, "handshake %d: SSL_set_session != 1", i);
        if (!hs_quiet(c, s)) {
            terr(t, "handshake %d: failed", i);
            SSL_free(c);
            SSL_free(s);
            SSL_SESSION_free(offer);
            continue;
        }
        cr = SSL_session_reused(c);
        sr = SSL_session_reused(s);
        t->hs++;
        if (cr == 1)
            t->creused++;
        if (sr == 1)
            t->sreused++;
        if (cr == 0 && sr == 0)
            t->full++;
        if (cr != (i > 0) || sr != (i > 0))
            t->unexpected++;
        if (!pump_quiet(c, s))
            terr(t, "handshake %d: application data", i);
        n = SSL_get1_session(c);
        if (n == NULL)
            terr(t, "handshake %d: SSL_get1_session NULL", i);
        else
            pool_put(slot, n);
        SSL_SESSION_free(offer);
        if (!close_quiet(c, s))
            terr(t, "handshake %d: SSL_shutdown", i);
        ERR_clear_error();
    }
    return NULL;
}

/* ---- driver --------------------------------------------------------------- */

static void run_threads(void *(*fn)(void *), struct thr *t)
{
    memset(t, 0, sizeof(*t) * NTHREADS);
    for (int i = 0; i < NTHREADS; i++) {
        t[i].id = i;
        if (pthread_create(&t[i].th, NULL, fn, &t[i]) != 0)
            die("pthread_create");
    }
    for (int i = 0; i < NTHREADS; i++)
        if (pthread_join(t[i].th, NULL) != 0)
            die("pthread_join");
}

static long report_errors(const char *part, struct thr *t)
{
    long total = 0;

    for (int i = 0; i < NTHREADS; i++)
        total += t[i].errors;
    for (int i = 0; i < NTHREADS; i++)
        if (t[i].errors > 0)
            printf("part %s: thread %d: %ld errors, first: %s\n", part, i, t[i].errors,
                   t[i].first);
    return total;
}

static void run_part(const char *part, int tls13)
{
    struct thr t[NTHREADS];
    SSL_SESSION *seed[2];
    long cycles = 0, hs = 0, full = 0, cre = 0, sre = 0, unexp = 0, errs;
    int v = tls13 ? TLS1_3_VERSION : TLS1_2_VERSION;

    printf("== part %s: %s ==\n", part,
           tls13 ? "TLS 1.3, stateless tickets"
                 : "TLS 1.2, session IDs (server SSL_OP_NO_TICKET)");
    g_tls13 = tls13;
    g_sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    if (!tls13)
        SSL_CTX_set_options(g_sctx, SSL_OP_NO_TICKET);
    g_cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(g_cctx, v);
    SSL_CTX_set_max_proto_version(g_cctx, v);

    /* pool for phase 1: two sessions from full handshakes, alternating */
    seed[0] = seed_session();
    seed[1] = seed_session();
    for (int i = 0; i < NSLOTS; i++) {
        if (!SSL_SESSION_up_ref(seed[i % 2]))
            die("SSL_SESSION_up_ref");
        pool_put(i, seed[i % 2]);
    }
    SSL_SESSION_free(seed[0]);
    SSL_SESSION_free(seed[1]);
    printf("part %s: pool filled from 2 full handshakes (main thread)\n", part);

    run_threads(cycles_thread, t);
    for (int i = 0; i < NTHREADS; i++)
        cycles += t[i].cycles;
    errs = report_errors(part, t);
    printf("part %s: cycles=%ld errors=%ld\n", part, cycles, errs);
    pool_clear();

    run_threads(hs_thread, t);
    for (int i = 0; i < NTHREADS; i++) {
        hs += t[i].hs;
        full += t[i].full;
        cre += t[i].creused;
        sre += t[i].sreused;
        unexp += t[i].unexpected;
    }
    errs = report_errors(part, t);
    printf("part %s: handshakes=%ld full=%ld client_reused=%ld server_reused=%ld "
           "(expected %d) unexpected=%ld errors=%ld\n",
           part, hs, full, cre, sre, NTHREADS * (HS_TOTAL / NTHREADS - 1), unexp, errs);
    printf("part %s: server SSL_CTX_sess_hits=%ld\n", part, SSL_CTX_sess_hits(g_sctx));
    pool_clear();
    SSL_CTX_free(g_cctx);
    SSL_CTX_free(g_sctx);
    g_cctx = g_sctx = NULL;
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    printf("threads=%d cycles=%d handshakes=%d per part\n", NTHREADS, CYCLES_TOTAL, HS_TOTAL);
    run_part("A", 0);
    run_part("B", 1);
    return test_end();
}
