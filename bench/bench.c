/*
 * oxissl benchmark: one binary, built against the system <openssl/ssl.h>, run once
 * with the system libssl and once with oxissl (LD_LIBRARY_PATH). Client and server
 * live in one process and talk over a BIO pair, so the figures measure the TLS
 * library, not the network.
 *
 * The loopback TCP figure is the exception: a server process with one thread per core
 * accepts on 127.0.0.1 while a forked client process (one thread per core) connects,
 * verifies and closes, as fast as it can.
 *
 * Prefixed with "locks-", a handshake figure counts lock acquisitions instead (see
 * lock_tick and bench/lockcount.c).
 *
 * usage: bench CERTDIR FIGURE SECONDS
 *        bench --pair LIBDIR CERTDIR FIGURE SECONDS
 * prints: "VALUE UNIT"; with --pair, "sys VALUE UNIT" and "oxi VALUE UNIT"
 *
 * --pair runs the figure twice at once, with the system libssl (or the one in
 * $BENCH_BASE_LIB) and with the libssl in LIBDIR, passing a baton so that only one of
 * them runs at a time, 50 ms of CPU time each, and timing each by its own CPU time: both
 * see the same moments of a shared machine whose speed drifts from one second to the
 * next, and neither disturbs the other beyond one switch per 50 ms.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <arpa/inet.h>
#include <dlfcn.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *g_dir;

/* The machine is shared (steal time, neighbours): each run measures SLICES equal slices
 * of its time and reports the best slice's rate. Noise only ever slows a slice down, so
 * the best is the steadiest estimate; both libraries are measured the same way. */
#define SLICES 5

struct best {
    double rate;       /* best rate so far */
    double t0;         /* start of the current slice */
    long n0;           /* count at its start */
};

/* Wall-clock time, or in a --pair run the process's CPU time. */
static clockid_t g_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(g_clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The baton of a --pair run: read it from g_baton_in, hand it on through g_baton_out. */
#define BATON_SECONDS 0.05
static int g_baton_in = -1, g_baton_out = -1;
static double g_baton_t0;

static void baton_wait(void)
{
    char c;
    if (g_baton_in >= 0 && read(g_baton_in, &c, 1) != 1) {
        /* The other run has finished: carry on alone. */
        close(g_baton_in);
        close(g_baton_out);
        g_baton_in = g_baton_out = -1;
    }
    g_baton_t0 = now();
}

static void baton_pass(void)
{
    char c = 0;
    if (g_baton_out >= 0 && write(g_baton_out, &c, 1) != 1) {
        close(g_baton_in);
        close(g_baton_out);
        g_baton_in = g_baton_out = -1;
    }
}

/* Hands the baton on once this run has had its share of CPU time. */
static void baton(double t)
{
    if (g_baton_in >= 0 && t - g_baton_t0 >= BATON_SECONDS) {
        baton_pass();
        baton_wait();
    }
}

static void die(const char *what)
{
    fprintf(stderr, "bench: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    exit(1);
}

static char *path(const char *name)
{
    static char buf[4][512];
    static int i;
    i = (i + 1) % 4;
    snprintf(buf[i], sizeof(buf[i]), "%s/%s", g_dir, name);
    return buf[i];
}

static SSL_CTX *server_ctx(const char *cert, const char *key, int version, int tickets)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, path(cert)) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, path(key), SSL_FILETYPE_PEM) != 1)
        die("server ctx");
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"bench", 5);
    if (!tickets)
        SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    return ctx;
}

static SSL_CTX *client_ctx(int version, const char *cipher)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL || SSL_CTX_load_verify_file(ctx, path("ca.pem")) != 1)
        die("client ctx");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    if (cipher != NULL) {
        if (version == TLS1_3_VERSION)
            SSL_CTX_set_ciphersuites(ctx, cipher);
        else
            SSL_CTX_set_cipher_list(ctx, cipher);
    }
    return ctx;
}

struct pair {
    SSL *c, *s;
};

/* BIO pair buffer size for the memory figure (17 KiB: one full record). */
#define MEM_BIO_SIZE (17 * 1024)

static struct pair make_pair_on(SSL_CTX *cctx, SSL_CTX *sctx, BIO *cb, BIO *sb)
{
    struct pair p;
    p.c = SSL_new(cctx);
    p.s = SSL_new(sctx);
    SSL_set_bio(p.c, cb, cb);
    SSL_set_bio(p.s, sb, sb);
    SSL_set1_host(p.c, "localhost");
    SSL_set_tlsext_host_name(p.c, "localhost");
    SSL_set_connect_state(p.c);
    SSL_set_accept_state(p.s);
    return p;
}

static struct pair make_pair(SSL_CTX *cctx, SSL_CTX *sctx)
{
    BIO *cb, *sb;
    if (!BIO_new_bio_pair(&cb, 65536, &sb, 65536))
        die("bio pair");
    return make_pair_on(cctx, sctx, cb, sb);
}

static void handshake(struct pair *p)
{
    int cd = 0, sd = 0;
    for (int i = 0; i < 50 && !(cd && sd); i++) {
        if (!cd) {
            int r = SSL_do_handshake(p->c);
            if (r == 1)
                cd = 1;
            else if (SSL_get_error(p->c, r) != SSL_ERROR_WANT_READ)
                die("client handshake");
        }
        if (!sd) {
            int r = SSL_do_handshake(p->s);
            if (r == 1)
                sd = 1;
            else if (SSL_get_error(p->s, r) != SSL_ERROR_WANT_READ)
                die("server handshake");
        }
    }
    if (!(cd && sd))
        die("handshake completion");
}

/* One byte server -> client, so TLS 1.3 tickets reach the client. */
static void settle(struct pair *p)
{
    char b = 'x';
    if (SSL_write(p->s, &b, 1) != 1 || SSL_read(p->c, &b, 1) != 1)
        die("settle");
}

static void close_pair(struct pair *p)
{
    SSL_shutdown(p->c);
    SSL_shutdown(p->s);
    SSL_free(p->c);
    SSL_free(p->s);
}

/* Lock figures (`locks-*`, run under LD_PRELOAD=lockcount.so): after LOCK_WARM
 * handshakes (one-time set-up done: the steady state), the pthread lock acquisitions of
 * LOCK_N handshakes are counted and printed per client+server pair. */
#define LOCK_WARM 20
#define LOCK_N 200
static int g_locks;
static long g_lock0[9];

/* oxissl's own locks on shared state (a library built with the lock-stats feature):
 * (site, reads, writes) triples. */
#define RUST_SITES 16
static unsigned long g_rust0[RUST_SITES * 3];
static size_t (*g_rust_stats)(unsigned long *, size_t);

/* Instruction figures (`instr-*`, run under valgrind --tool=callgrind
 * --collect-atstart=no): only LOCK_N handshakes after LOCK_WARM are collected, so the
 * per-handshake instruction count is the total / LOCK_N (compare two libraries by hand,
 * e.g. with BENCH_BASE_LIB's peer; not part of make bench). */
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif
static int g_instr;

static int instr_tick(long n)
{
    if (n == LOCK_WARM) {
        CALLGRIND_TOGGLE_COLLECT;
    } else if (n == LOCK_WARM + LOCK_N) {
        CALLGRIND_TOGGLE_COLLECT;
        printf("%d operations collected\n", LOCK_N);
        return 1;
    }
    return 0;
}

static int lock_tick(long n)
{
    if (g_instr)
        return instr_tick(n);
    static void (*read_counts)(int, long *);
    static void (*report)(FILE *, long);
    static const char *const site_names[RUST_SITES] = {"ctx settings", "ctx callbacks", "ctx store",
        "ctx extra chain", "ctx config cache", "ctx peer certificate cache", "session cache",
        "session registry", "ticket keys"};
    long now_[9];
    unsigned long rust[RUST_SITES * 3] = {0};
    if (!g_locks)
        return 0;
    if (read_counts == NULL) {
        read_counts = (void (*)(int, long *))dlsym(RTLD_DEFAULT, "lockcount_read");
        report = (void (*)(FILE *, long))dlsym(RTLD_DEFAULT, "lockcount_report");
        g_rust_stats = (size_t (*)(unsigned long *, size_t))dlsym(RTLD_DEFAULT, "oxissl_lock_stats");
        if (read_counts == NULL) {
            fprintf(stderr, "bench: locks-* figures need LD_PRELOAD=lockcount.so\n");
            exit(1);
        }
    }
    if (n == LOCK_WARM) {
        if (g_rust_stats != NULL)
            g_rust_stats(g_rust0, RUST_SITES);
        read_counts(1, g_lock0);
    }
    if (n < LOCK_WARM + LOCK_N)
        return 0;
    read_counts(0, now_);
    double rr = 0, rw = 0;
    if (g_rust_stats != NULL) {
        size_t sites = g_rust_stats(rust, RUST_SITES);
        for (size_t i = 0; i < sites && i < RUST_SITES; i++) {
            double r = (double)(rust[3 * i + 1] - g_rust0[3 * i + 1]) / LOCK_N;
            double w = (double)(rust[3 * i + 2] - g_rust0[3 * i + 2]) / LOCK_N;
            rr += r;
            rw += w;
            if (getenv("LOCKCOUNT_WHERE") != NULL && (r > 0 || w > 0))
                fprintf(stderr, "  oxissl %-33s read %7.2f  write %6.2f\n", site_names[i], r, w);
        }
    }
    /* libcrypto read, write, mutex; libssl's pthread locks read, write, mutex (OpenSSL's
     * own; in oxissl, aws-lc's); oxissl's own shared Rust locks read, write (-1: not
     * counted, OpenSSL or a library without lock-stats). */
    printf("%g %g %g %g %g %g %g %g locks/pair\n", (double)(now_[1] - g_lock0[1]) / LOCK_N,
           (double)(now_[2] - g_lock0[2]) / LOCK_N, (double)(now_[0] - g_lock0[0]) / LOCK_N,
           (double)(now_[4] - g_lock0[4]) / LOCK_N, (double)(now_[5] - g_lock0[5]) / LOCK_N,
           (double)(now_[3] - g_lock0[3]) / LOCK_N, g_rust_stats ? rr : -1, g_rust_stats ? rw : -1);
    if (getenv("LOCKCOUNT_WHERE") != NULL)
        report(stderr, LOCK_N);
    return 1;
}

/* Ends the current slice once it has lasted secs/SLICES, keeping the best rate. */
static void slice(struct best *b, double t, long n, double secs)
{
    baton(t);
    if (t - b->t0 >= secs / SLICES) {
        double rate = (n - b->n0) / (t - b->t0);
        if (rate > b->rate)
            b->rate = rate;
        b->t0 = t;
        b->n0 = n;
    }
}

static void full_handshakes(const char *cert, const char *key, int version, const char *cipher, double secs)
{
    SSL_CTX *sctx = server_ctx(cert, key, version, 1), *cctx = client_ctx(version, cipher);
    long n = 0;
    double t0 = now(), t;
    struct best b = {0, t0, 0};
    do {
        struct pair p = make_pair(cctx, sctx);
        handshake(&p);
        close_pair(&p);
        n++;
        if (lock_tick(n))
            break;
        t = now();
        slice(&b, t, n, secs);
    } while (g_locks || g_instr || t - t0 < secs);
    if (!g_locks && !g_instr)
        printf("%.1f handshakes/s\n", b.rate);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void resumed_handshakes(int version, int tickets, double secs)
{
    SSL_CTX *sctx = server_ctx("server-p256.pem", "server-p256.key", version, tickets);
    SSL_CTX *cctx = client_ctx(version, NULL);
    struct pair p = make_pair(cctx, sctx);
    handshake(&p);
    settle(&p);
    SSL_SESSION *sess = SSL_get1_session(p.c);
    close_pair(&p);
    long n = 0, reused = 0;
    double t0 = now(), t;
    struct best b = {0, t0, 0};
    do {
        p = make_pair(cctx, sctx);
        SSL_set_session(p.c, sess);
        handshake(&p);
        reused += SSL_session_reused(p.c) && SSL_session_reused(p.s);
        if (version == TLS1_3_VERSION)
            settle(&p);
        SSL_SESSION_free(sess);
        sess = SSL_get1_session(p.c); /* the latest session */
        close_pair(&p);
        n++;
        if (lock_tick(n))
            break;
        t = now();
        slice(&b, t, n, secs);
    } while (g_locks || g_instr || t - t0 < secs);
    if (reused != n) {
        fprintf(stderr, "bench: only %ld of %ld handshakes resumed\n", reused, n);
        exit(1);
    }
    if (!g_locks && !g_instr)
        printf("%.1f handshakes/s\n", b.rate);
    SSL_SESSION_free(sess);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void bulk(int version, const char *cipher, int chunk, double secs)
{
    SSL_CTX *sctx = server_ctx("server-p256.pem", "server-p256.key", version, 1);
    SSL_CTX *cctx = client_ctx(version, cipher);
    struct pair p = make_pair(cctx, sctx);
    handshake(&p);
    char *buf = malloc(chunk), *in = malloc(65536);
    memset(buf, 'a', chunk);
    double total = 0, t0 = now(), t;
    struct best b = {0, t0, 0};
    long n = 0;
    do {
        for (int i = 0; i < 16; i++) {
            if (g_instr && instr_tick(n++))
                goto out; /* instr-bulk-*: one operation is one record written and read */
            if (SSL_write(p.c, buf, chunk) != chunk)
                die("bulk write");
            int got = 0;
            while (got < chunk) {
                int r = SSL_read(p.s, in, 65536);
                if (r <= 0)
                    die("bulk read");
                got += r;
            }
            total += chunk;
        }
        t = now();
        slice(&b, t, (long)(total / 1000), secs);
    } while (t - t0 < secs || g_instr);
    printf("%.1f MB/s\n", b.rate / 1e3);
out:
    free(buf);
    free(in);
    close_pair(&p);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f == NULL || fscanf(f, "%ld %ld", &pages, &resident) != 2)
        die("statm");
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Heap and RSS per established client+server pair, with `count` pairs alive: what the
 * TLS library holds. The BIO pairs that connect them (the benchmark's stand-in for
 * sockets, the same for both libraries) are made first, measured and subtracted. */
static void memory(int count)
{
    SSL_CTX *sctx = server_ctx("server-p256.pem", "server-p256.key", TLS1_3_VERSION, 1);
    SSL_CTX *cctx = client_ctx(TLS1_3_VERSION, NULL);
    struct pair *pairs = malloc(sizeof(*pairs) * count);
    BIO **bios = malloc(sizeof(*bios) * 2 * count);
    /* Warm up one-time allocations before the baseline. */
    struct pair w = make_pair(cctx, sctx);
    handshake(&w);
    settle(&w);
    close_pair(&w);
    struct mallinfo2 m0 = mallinfo2();
    long r0 = rss_kib();
    for (int i = 0; i < count; i++) {
        if (!BIO_new_bio_pair(&bios[2 * i], MEM_BIO_SIZE, &bios[2 * i + 1], MEM_BIO_SIZE))
            die("bio pair");
        /* Touch the buffers as a connection does (one handshake's worth each way). */
        char junk[4096] = {0};
        BIO_write(bios[2 * i], junk, sizeof(junk));
        BIO_read(bios[2 * i + 1], junk, sizeof(junk));
        BIO_write(bios[2 * i + 1], junk, sizeof(junk));
        BIO_read(bios[2 * i], junk, sizeof(junk));
    }
    struct mallinfo2 m1 = mallinfo2();
    long r1 = rss_kib();
    for (int i = 0; i < count; i++) {
        pairs[i] = make_pair_on(cctx, sctx, bios[2 * i], bios[2 * i + 1]);
        handshake(&pairs[i]);
        settle(&pairs[i]);
    }
    struct mallinfo2 m2 = mallinfo2();
    long r2 = rss_kib();
    double transport_heap = (double)(m1.uordblks - m0.uordblks), transport_rss = (double)(r1 - r0);
    printf("%.1f KiB/pair-heap %.1f KiB/pair-rss\n",
           ((double)(m2.uordblks - m0.uordblks) - transport_heap) / 1024 / count,
           ((double)(r2 - r0) - transport_rss) / count);
    for (int i = 0; i < count; i++)
        close_pair(&pairs[i]);
    free(pairs);
    free(bios);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* ---- scaling: handshakes on T threads sharing one client and one server context ---- */

static struct {
    SSL_CTX *cctx, *sctx;
    int resumed;       /* TLS 1.2 session-ID resumption instead of full TLS 1.3 */
    double until;
    atomic_long done;
} g_scale;

static void *scale_thread(void *arg)
{
    (void)arg;
    SSL_SESSION *sess = NULL;
    long n = 0;
    if (g_scale.resumed) {
        struct pair p = make_pair(g_scale.cctx, g_scale.sctx);
        handshake(&p);
        sess = SSL_get1_session(p.c);
        close_pair(&p);
    }
    /* Wall clock: the threads run at the same time. */
    while (n % 16 != 0 || now() < g_scale.until) {
        struct pair p = make_pair(g_scale.cctx, g_scale.sctx);
        if (sess != NULL)
            SSL_set_session(p.c, sess);
        handshake(&p);
        if (sess != NULL && !(SSL_session_reused(p.c) && SSL_session_reused(p.s)))
            die("scaling: not resumed");
        close_pair(&p);
        n++;
    }
    SSL_SESSION_free(sess);
    atomic_fetch_add(&g_scale.done, n);
    return NULL;
}

/* Handshakes per second over all threads, after a warm-up on each context. */
static void scaling(int resumed, int threads, double secs)
{
    pthread_t tid[64];
    if (threads < 1 || threads > 64)
        die("scaling: threads");
    g_scale.resumed = resumed;
    g_scale.sctx = server_ctx("server-p256.pem", "server-p256.key", resumed ? TLS1_2_VERSION : TLS1_3_VERSION, 0);
    g_scale.cctx = client_ctx(resumed ? TLS1_2_VERSION : TLS1_3_VERSION, NULL);
    for (int i = 0; i < 20; i++) {
        struct pair p = make_pair(g_scale.cctx, g_scale.sctx);
        handshake(&p);
        close_pair(&p);
    }
    double t0 = now();
    g_scale.until = t0 + secs;
    atomic_store(&g_scale.done, 0);
    for (int i = 0; i < threads; i++)
        if (pthread_create(&tid[i], NULL, scale_thread, NULL) != 0)
            die("scaling: thread");
    for (int i = 0; i < threads; i++)
        pthread_join(tid[i], NULL);
    printf("%.1f handshakes/s\n", atomic_load(&g_scale.done) / (now() - t0));
    SSL_CTX_free(g_scale.cctx);
    SSL_CTX_free(g_scale.sctx);
}

/* ---- loopback TCP: full TLS 1.3 handshakes, server threads vs a client process ---- */

static struct {
    SSL_CTX *ctx;
    int fd;            /* listening socket (server) */
    int port;
    double until;      /* clients stop then */
    atomic_long done;  /* handshakes completed by the server */
    atomic_int stop;
} g_tcp;

static void *tcp_server_thread(void *arg)
{
    (void)arg;
    char b[64];
    while (!atomic_load(&g_tcp.stop)) {
        int fd = accept(g_tcp.fd, NULL, NULL);
        if (fd < 0)
            continue;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        SSL *ssl = SSL_new(g_tcp.ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1) {
            atomic_fetch_add(&g_tcp.done, 1);
            while (SSL_read(ssl, b, sizeof(b)) > 0) {
            }
        }
        ERR_clear_error();
        SSL_free(ssl);
        /* Reset rather than linger in TIME_WAIT: thousands of connections a second. */
        struct linger lg = {1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        close(fd);
    }
    return NULL;
}

static void *tcp_client_thread(void *arg)
{
    SSL_CTX *cctx = arg;
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(g_tcp.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (now() < g_tcp.until) {
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        if (connect(fd, (struct sockaddr *)&a, sizeof(a)) != 0) {
            close(fd);
            continue;
        }
        SSL *ssl = SSL_new(cctx);
        SSL_set_fd(ssl, fd);
        SSL_set1_host(ssl, "localhost");
        SSL_set_tlsext_host_name(ssl, "localhost");
        if (SSL_connect(ssl) == 1)
            SSL_shutdown(ssl);
        else
            die("tcp client handshake");
        SSL_free(ssl);
        close(fd);
    }
    return NULL;
}

static void tcp_handshakes(double secs)
{
    int n = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    signal(SIGPIPE, SIG_IGN);
    g_tcp.ctx = server_ctx("server-p256.pem", "server-p256.key", TLS1_3_VERSION, 1);
    g_tcp.fd = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(g_tcp.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in a = {0};
    socklen_t al = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(g_tcp.fd, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(g_tcp.fd, 1024) != 0
        || getsockname(g_tcp.fd, (struct sockaddr *)&a, &al) != 0)
        die("listen");
    g_tcp.port = ntohs(a.sin_port);
    /* Warm-up of 10% of the time, then the measured window. */
    double warm = secs / 10, start = now() + warm;
    g_tcp.until = start + secs;
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        SSL_CTX *cctx = client_ctx(TLS1_3_VERSION, NULL);
        pthread_t t[64];
        for (int i = 0; i < n && i < 64; i++)
            pthread_create(&t[i], NULL, tcp_client_thread, cctx);
        for (int i = 0; i < n && i < 64; i++)
            pthread_join(t[i], NULL);
        _exit(0);
    }
    pthread_t t[64];
    for (int i = 0; i < n && i < 64; i++)
        pthread_create(&t[i], NULL, tcp_server_thread, NULL);
    while (now() < start)
        usleep(1000);
    long d0 = atomic_load(&g_tcp.done);
    double t0 = now();
    while (now() < g_tcp.until)
        usleep(1000);
    long d1 = atomic_load(&g_tcp.done);
    double t1 = now();
    int st;
    waitpid(pid, &st, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        die("tcp clients");
    atomic_store(&g_tcp.stop, 1);
    shutdown(g_tcp.fd, SHUT_RDWR);
    for (int i = 0; i < n && i < 64; i++)
        pthread_join(t[i], NULL);
    printf("%.1f handshakes/s\n", (d1 - d0) / (t1 - t0));
}

/* --pair: the figure with the system libssl and with LIBDIR's at once, one baton
 * between them (see the top of this file). */
static int run_pair(char **argv)
{
    int to_sys[2], to_oxi[2];
    if (pipe(to_sys) != 0 || pipe(to_oxi) != 0)
        die("pipe");
    /* A write to a finished run's pipe fails with EPIPE instead of killing the writer
     * (the ignored disposition survives exec). */
    signal(SIGPIPE, SIG_IGN);
    fflush(stdout);
    /* Which run holds the baton first alternates with BENCH_OXI_FIRST. */
    int first = getenv("BENCH_OXI_FIRST") != NULL ? 1 : 0;
    pid_t pids[2];
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        if (pids[i] < 0)
            die("fork");
        if (pids[i] == 0) {
            int in = i == 0 ? to_sys[0] : to_oxi[0], out = i == 0 ? to_oxi[1] : to_sys[1];
            int unused[2] = {i == 0 ? to_oxi[0] : to_sys[0], i == 0 ? to_sys[1] : to_oxi[1]};
            close(unused[0]);
            close(unused[1]);
            char baton[64];
            snprintf(baton, sizeof baton, "%d,%d,%d", in, out, i == first);
            unsetenv("BENCH_OXI_FIRST");
            setenv("BENCH_BATON", baton, 1);
            setenv("BENCH_TAG", i == 0 ? "sys" : "oxi", 1);
            /* BENCH_BASE_LIB: the first side runs another libssl instead of the
             * system's (a peer library, for a side-by-side comparison by hand). */
            if (i == 0 && getenv("BENCH_BASE_LIB") != NULL)
                setenv("LD_LIBRARY_PATH", getenv("BENCH_BASE_LIB"), 1);
            else if (i == 0)
                unsetenv("LD_LIBRARY_PATH");
            else
                setenv("LD_LIBRARY_PATH", argv[2], 1);
            char *args[] = {argv[0], argv[3], argv[4], argv[5], NULL};
            execv("/proc/self/exe", args);
            _exit(127);
        }
    }
    close(to_sys[0]);
    close(to_sys[1]);
    close(to_oxi[0]);
    close(to_oxi[1]);
    int failed = 0;
    for (int i = 0; i < 2; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) != pids[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed = 1;
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc == 6 && !strcmp(argv[1], "--pair"))
        return run_pair(argv);
    if (argc != 4) {
        fprintf(stderr, "usage: %s CERTDIR FIGURE SECONDS\n       %s --pair LIBDIR CERTDIR FIGURE SECONDS\n", argv[0], argv[0]);
        return 2;
    }
    g_dir = argv[1];
    const char *f = argv[2];
    double secs = atof(argv[3]);
    const char *baton = getenv("BENCH_BATON"), *tag = getenv("BENCH_TAG");
    int first = 0;
    if (baton != NULL && sscanf(baton, "%d,%d,%d", &g_baton_in, &g_baton_out, &first) == 3) {
        g_clock = CLOCK_PROCESS_CPUTIME_ID;
        if (first)
            g_baton_t0 = now();
        else
            baton_wait();
    }
    if (tag != NULL)
        printf("%s ", tag);
    if (!strncmp(f, "locks-", 6)) {
        g_locks = 1;
        f += 6;
    } else if (!strncmp(f, "instr-", 6)) {
        g_instr = 1;
        f += 6;
    }
    if (!strcmp(f, "full-tls13-p256"))
        full_handshakes("server-p256.pem", "server-p256.key", TLS1_3_VERSION, NULL, secs);
    else if (!strcmp(f, "full-tls13-rsa2048"))
        full_handshakes("server-rsa.pem", "server-rsa.key", TLS1_3_VERSION, NULL, secs);
    else if (!strcmp(f, "full-tls12-ecdsa-aes128"))
        full_handshakes("server-p256.pem", "server-p256.key", TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", secs);
    else if (!strcmp(f, "resumed-tls13-ticket"))
        resumed_handshakes(TLS1_3_VERSION, 1, secs);
    else if (!strcmp(f, "resumed-tls12-id"))
        resumed_handshakes(TLS1_2_VERSION, 0, secs);
    else if (!strcmp(f, "resumed-tls12-ticket"))
        resumed_handshakes(TLS1_2_VERSION, 1, secs);
    else if (!strcmp(f, "bulk-aes128-16k"))
        bulk(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", 16384, secs);
    else if (!strcmp(f, "bulk-aes256-16k"))
        bulk(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", 16384, secs);
    else if (!strcmp(f, "bulk-chacha-16k"))
        bulk(TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", 16384, secs);
    else if (!strcmp(f, "bulk-aes128-1k"))
        bulk(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", 1024, secs);
    else if (!strcmp(f, "bulk-aes256-1k"))
        bulk(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", 1024, secs);
    else if (!strcmp(f, "bulk-chacha-1k"))
        bulk(TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", 1024, secs);
    else if (!strcmp(f, "tcp-tls13-p256"))
        tcp_handshakes(secs);
    else if (!strncmp(f, "scale-full-tls13-p256-", 22))
        scaling(0, atoi(f + 22), secs);
    else if (!strncmp(f, "scale-resumed-tls12-id-", 23))
        scaling(1, atoi(f + 23), secs);
    else if (!strcmp(f, "memory-1000"))
        memory(1000);
    else if (!strcmp(f, "memory-10000"))
        memory(10000);
    else {
        fprintf(stderr, "unknown figure %s\n", f);
        return 2;
    }
    /* Done: let the other run finish alone. */
    baton_pass();
    return 0;
}
