/* Shared helpers of the t_sess_* programs (included, not compiled alone).
 *
 * Sessions are named by labels kept in an SSL_SESSION ex_data slot: the
 * first time a program sees a session (SSL_get_session, a new-session
 * callback, d2i, SSL_SESSION_new...) it gets the next label of a family
 * ("C1", "C2"... for client sessions, "S1"... for server sessions).  The
 * slot's free callback prints "  [free C1]" when a labelled session is
 * destroyed, so a transcript shows exactly when each session dies.  The
 * slot's dup callback clears the label in copies made by SSL_SESSION_dup
 * (OpenSSL duplicates sessions internally, e.g. for each TLS 1.3 ticket),
 * so a copy is a new, unlabelled session.
 *
 * Events whose order is not defined (several sessions leaving a cache at
 * once: SSL_CTX_free, SSL_CTX_flush_sessions) are collected between
 * collect_begin() and collect_end() and printed grouped by session label
 * (labels sorted as strings), each session's events in their real order. */
#ifndef OXTEST_SESS_IMPL_H
#define OXTEST_SESS_IMPL_H

#include "common.h"
#include <stdarg.h>
#include <time.h>

#define SESS_FN static __attribute__((unused))

static int g_sidx = -1;
static char g_labels[256][16];
static int g_nlabels;
static struct {
    char prefix[8];
    int n;
} g_families[16];
static int g_nfamilies;

/* new-session callback counters (sess_new_cb) */
static int g_new_client, g_new_server;

/* ---- event collection ---------------------------------------------------- */

static int g_collecting;
static char *g_events[256];
static int g_nevents;

SESS_FN void ev(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
SESS_FN void ev(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (g_collecting && g_nevents < 256) {
        /* 4 bytes of sequence number in front (for a stable sort), cut off
         * when printed */
        char *e = malloc(strlen(buf) + 5);
        if (e == NULL)
            die("malloc");
        e[0] = (char)('0' + g_nevents / 100);
        e[1] = (char)('0' + g_nevents / 10 % 10);
        e[2] = (char)('0' + g_nevents % 10);
        e[3] = ' ';
        strcpy(e + 4, buf);
        g_events[g_nevents++] = e;
        return;
    }
    printf("%s\n", buf);
}

SESS_FN void collect_begin(void)
{
    fflush(stdout);
    g_collecting = 1;
    g_nevents = 0;
}

/* sort key of an event line: the first session label in it (a word made of
 * capital letters followed by digits), "" if none */
static void ev_key(const char *line, char *key, size_t n)
{
    const char *p = line;

    key[0] = '\0';
    while (*p) {
        const char *w = p, *q = p;
        while (*q >= 'A' && *q <= 'Z')
            q++;
        if (q > w && *q >= '0' && *q <= '9') {
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == '\0' || *q == ']' || *q == ' ' || *q == ',' || *q == ':') {
                snprintf(key, n, "%.*s", (int)(q - w), w);
                return;
            }
        }
        while (*p && *p != ' ' && *p != '[')
            p++;
        while (*p == ' ' || *p == '[')
            p++;
    }
}

static int cmp_ev(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    char kx[32], ky[32];
    int r;

    ev_key(x + 4, kx, sizeof(kx));
    ev_key(y + 4, ky, sizeof(ky));
    r = strcmp(kx, ky);
    if (r != 0)
        return r;
    /* same session: keep the order of occurrence (stored in front) */
    return memcmp(x, y, 4);
}

/* prints the collected events grouped by session label (labels sorted),
 * in their order of occurrence within one session */
SESS_FN void collect_end(void)
{
    g_collecting = 0;
    qsort(g_events, (size_t)g_nevents, sizeof(char *), cmp_ev);
    for (int i = 0; i < g_nevents; i++) {
        printf("%s\n", g_events[i] + 4);
        free(g_events[i]);
    }
    g_nevents = 0;
}

/* ---- labels -------------------------------------------------------------- */

static void lab_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                        void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argl;
    (void)argp;
    if (ptr != NULL)
        ev("  [free %s]", (const char *)ptr);
}

static int lab_dup_cb(CRYPTO_EX_DATA *to, const CRYPTO_EX_DATA *from, void **from_d, int idx,
                      long argl, void *argp)
{
    (void)to;
    (void)from;
    (void)idx;
    (void)argl;
    (void)argp;
    *from_d = NULL; /* a copy is a new session: no label */
    return 1;
}

SESS_FN void sess_init(void)
{
    g_sidx = SSL_SESSION_get_ex_new_index(0, NULL, NULL, lab_dup_cb, lab_free_cb);
    if (g_sidx < 0)
        die("SSL_SESSION_get_ex_new_index");
}

/* existing label or NULL */
SESS_FN const char *sess_label(SSL_SESSION *s)
{
    return s ? (const char *)SSL_SESSION_get_ex_data(s, g_sidx) : NULL;
}

/* label of s; a new "<prefix><n>" if s had none; "NULL" for NULL */
SESS_FN const char *sess_name(SSL_SESSION *s, const char *prefix)
{
    const char *l;
    int f;

    if (s == NULL)
        return "NULL";
    l = sess_label(s);
    if (l != NULL)
        return l;
    if (g_nlabels >= 256)
        die("too many session labels");
    for (f = 0; f < g_nfamilies; f++)
        if (strcmp(g_families[f].prefix, prefix) == 0)
            break;
    if (f == g_nfamilies) {
        if (g_nfamilies >= 16)
            die("too many label families");
        snprintf(g_families[f].prefix, sizeof(g_families[f].prefix), "%s", prefix);
        g_families[f].n = 0;
        g_nfamilies++;
    }
    snprintf(g_labels[g_nlabels], sizeof(g_labels[0]), "%s%d", prefix, ++g_families[f].n);
    if (!SSL_SESSION_set_ex_data(s, g_sidx, g_labels[g_nlabels]))
        die("SSL_SESSION_set_ex_data");
    return g_labels[g_nlabels++];
}

/* label family of the sessions of an SSL: "C" (client) / "S" (server) */
SESS_FN const char *side_prefix(const SSL *ssl)
{
    return SSL_is_server(ssl) ? "S" : "C";
}

/* name of SSL_get_session(ssl) */
SESS_FN const char *cur_name(SSL *ssl)
{
    return sess_name(SSL_get_session(ssl), side_prefix(ssl));
}

/* "<who>: session=C1 resumable=1 reused=0" */
SESS_FN void show(const char *who, SSL *ssl)
{
    SSL_SESSION *s = SSL_get_session(ssl);
    const char *n = sess_name(s, side_prefix(ssl));

    printf("%s: session=%s resumable=%d reused=%d\n", who, n,
           s ? SSL_SESSION_is_resumable(s) : -1, SSL_session_reused(ssl));
}

SESS_FN void show_pair(SSL *c, SSL *s)
{
    show("client", c);
    show("server", s);
}

/* 1 if a session time t lies between `since` (taken before the session was
 * made) and now, with a second of slack for clock granularity */
SESS_FN int time_since(long t, long since)
{
    return t >= since - 1 && t <= (long)time(NULL) + 1;
}

/* ---- callbacks ------------------------------------------------------------ */

/* new-session callback: labels and prints the session, returns 0 (the
 * library keeps ownership) */
static int sess_new_cb(SSL *ssl, SSL_SESSION *sess)
{
    int server = SSL_is_server(ssl);
    const char *n = sess_name(sess, side_prefix(ssl));

    if (server)
        g_new_server++;
    else
        g_new_client++;
    ev("  [new_cb %s: %s resumable=%d]", server ? "server" : "client", n,
       SSL_SESSION_is_resumable(sess));
    return 0;
}

static void sess_remove_cb(SSL_CTX *ctx, SSL_SESSION *sess)
{
    const char *l = sess_label(sess);
    (void)ctx;
    ev("  [remove_cb %s]", l ? l : "(unlabelled)");
}

SESS_FN void install_new_cb(SSL_CTX *ctx)
{
    SSL_CTX_sess_set_new_cb(ctx, sess_new_cb);
}

SESS_FN void install_remove_cb(SSL_CTX *ctx)
{
    SSL_CTX_sess_set_remove_cb(ctx, sess_remove_cb);
}

/* ---- connections ----------------------------------------------------------- */

/* Client and server over a BIO pair; if offer != NULL the client gets it
 * with SSL_set_session (return value printed).  Handshake (verbose: every
 * SSL_do_handshake step printed).  Prints "handshake ok=N". */
SESS_FN int sess_connect(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, SSL **c, SSL **s,
                         int verbose)
{
    int ok;

    make_pair(cctx, sctx, c, s, 0);
    if (offer != NULL)
        printf("client: SSL_set_session(%s)=%d\n", sess_name(offer, "?"),
               SSL_set_session(*c, offer));
    ok = do_handshake(*c, *s, verbose, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    return ok;
}

/* The server sends one byte of application data and the client reads it,
 * so that TLS 1.3 session tickets sent after the handshake are processed
 * by the client.  Prints only failures. */
SESS_FN void pump(SSL *c, SSL *s)
{
    char b[16];
    int r;

    r = SSL_write(s, "x", 1);
    if (r != 1) {
        print_result("server", "SSL_write", s, r);
        return;
    }
    r = SSL_read(c, b, sizeof(b));
    if (r != 1)
        print_result("client", "SSL_read", c, r);
}

/* Session cache statistics of a context, one line. */
SESS_FN void stats(const char *who, SSL_CTX *ctx)
{
    printf("%s stats: number=%ld connect=%ld connect_good=%ld accept=%ld accept_good=%ld "
           "hits=%ld cb_hits=%ld misses=%ld timeouts=%ld cache_full=%ld\n",
           who, SSL_CTX_sess_number(ctx), SSL_CTX_sess_connect(ctx),
           SSL_CTX_sess_connect_good(ctx), SSL_CTX_sess_accept(ctx),
           SSL_CTX_sess_accept_good(ctx), SSL_CTX_sess_hits(ctx), SSL_CTX_sess_cb_hits(ctx),
           SSL_CTX_sess_misses(ctx), SSL_CTX_sess_timeouts(ctx), SSL_CTX_sess_cache_full(ctx));
}

/* SSL_free of both ends without SSL_shutdown, with a marker line.  (OpenSSL
 * then treats the client's and server's sessions as bad: SSL_free calls
 * SSL_CTX_remove_session, which makes them non-resumable.) */
SESS_FN void sess_free_pair(SSL *c, SSL *s)
{
    printf("-- SSL_free(client), SSL_free(server) without SSL_shutdown\n");
    SSL_free(c);
    SSL_free(s);
}

/* One SSL_shutdown call (close_notify sent); prints only failures. */
SESS_FN void sess_shutdown(SSL *ssl, const char *who)
{
    int r = SSL_shutdown(ssl);
    if (r < 0)
        print_result(who, "SSL_shutdown", ssl, r);
    ERR_clear_error();
}

/* SSL_shutdown on both ends (client first), then SSL_free of both, with a
 * marker line. */
SESS_FN void sess_close_pair(SSL *c, SSL *s)
{
    printf("-- SSL_shutdown + SSL_free (client, server)\n");
    if (c != NULL)
        sess_shutdown(c, "client");
    if (s != NULL)
        sess_shutdown(s, "server");
    SSL_free(c);
    SSL_free(s);
}

/* SSL_CTX_free with a marker line; the sessions leaving its cache are
 * reported sorted */
SESS_FN void free_ctx(SSL_CTX *ctx, const char *name)
{
    printf("-- SSL_CTX_free(%s)\n", name);
    collect_begin();
    SSL_CTX_free(ctx);
    collect_end();
}

/* "<what>: session X freed" helper: SSL_SESSION_free with a marker line */
SESS_FN void sess_free(SSL_SESSION *s)
{
    const char *l = sess_label(s);
    printf("-- SSL_SESSION_free(%s)\n", l ? l : (s ? "(unlabelled)" : "NULL"));
    SSL_SESSION_free(s);
}

SESS_FN SSL_CTX *sess_server_ctx(void)
{
    return make_server_ctx("server-p256.pem", "server-p256.key");
}

/* client ctx (verify peer against ca.pem), versions fixed to v (0 = any) */
SESS_FN SSL_CTX *sess_client_ctx(int v)
{
    SSL_CTX *ctx = make_client_ctx(SSL_VERIFY_PEER);
    if (v != 0) {
        SSL_CTX_set_min_proto_version(ctx, v);
        SSL_CTX_set_max_proto_version(ctx, v);
    }
    return ctx;
}

#endif
