/* Shared helpers for the oxissl differential C tests (see common.h). */
#include "common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <link.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char *g_certdir = ".";

/* ---- children registry ------------------------------------------------ */

#define MAX_CHILDREN 16
static volatile pid_t g_children[MAX_CHILDREN];

static void register_child(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (g_children[i] == 0) {
            g_children[i] = pid;
            return;
        }
}

static void unregister_child(pid_t pid)
{
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (g_children[i] == pid)
            g_children[i] = 0;
}

static void kill_children(void)
{
    for (int i = 0; i < MAX_CHILDREN; i++) {
        pid_t p = g_children[i];
        if (p > 0) {
            kill(p, SIGKILL);
            waitpid(p, NULL, 0);
            g_children[i] = 0;
        }
    }
}

static void on_alarm(int sig)
{
    static const char msg[] = "TIMEOUT\n";
    (void)sig;
    fflush(stdout); /* not async-signal-safe, but we exit right after */
    if (write(1, msg, sizeof(msg) - 1) < 0) {
        /* nothing to do */
    }
    for (int i = 0; i < MAX_CHILDREN; i++)
        if (g_children[i] > 0)
            kill(g_children[i], SIGKILL);
    _exit(124);
}

/* ---- library check ---------------------------------------------------- */

struct libfind {
    char path[PATH_MAX];
    int count;
};

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    struct libfind *lf = data;
    const char *n = info->dlpi_name, *b;
    (void)size;
    if (n == NULL || *n == '\0')
        return 0;
    b = strrchr(n, '/');
    b = b ? b + 1 : n;
    if (strcmp(b, "libssl.so.3") == 0) {
        if (lf->count == 0)
            snprintf(lf->path, sizeof(lf->path), "%s", n);
        lf->count++;
    }
    return 0;
}

static void check_loaded_lib(void)
{
    const char *expect = getenv("OXISSL_EXPECT_LIB");
    struct libfind lf;
    char want[PATH_MAX], got[PATH_MAX], dir[PATH_MAX];
    char *slash;

    if (expect == NULL || *expect == '\0')
        return;
    memset(&lf, 0, sizeof(lf));
    dl_iterate_phdr(phdr_cb, &lf);
    if (lf.count != 1) {
        fprintf(stderr, "OXISSL_EXPECT_LIB: found %d libssl.so.3 mappings\n",
                lf.count);
        exit(97);
    }
    snprintf(dir, sizeof(dir), "%s", lf.path);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, sizeof(dir), ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    if (realpath(expect, want) == NULL || realpath(dir, got) == NULL
        || strcmp(want, got) != 0) {
        fprintf(stderr, "OXISSL_EXPECT_LIB=%s but libssl.so.3 loaded from %s\n",
                expect, lf.path);
        exit(97);
    }
}

/* ---- setup ------------------------------------------------------------ */

void test_init(int argc, char **argv)
{
    const char *t = getenv("OXTEST_TIMEOUT");
    int secs = t ? atoi(t) : 30;

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGALRM, on_alarm);
    alarm(secs > 0 ? (unsigned)secs : 30);
    if (argc < 2) {
        fprintf(stderr, "usage: %s CERTDIR\n", argv[0]);
        exit(2);
    }
    g_certdir = argv[1];
    check_loaded_lib();
}

int test_end(void)
{
    fflush(stdout);
    kill_children();
    alarm(0);
    return 0;
}

void die(const char *fmt, ...)
{
    va_list ap;
    printf("FATAL: ");
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    ERR_print_errors_fp(stderr);
    fflush(stdout);
    kill_children();
    exit(2);
}

const char *cpath(const char *name)
{
    static char bufs[8][PATH_MAX];
    static int idx;
    char *b = bufs[idx++ & 7];
    snprintf(b, PATH_MAX, "%s/%s", g_certdir, name);
    return b;
}

/* ---- printing --------------------------------------------------------- */

const char *ssl_error_name(int err)
{
    switch (err) {
    case SSL_ERROR_NONE: return "SSL_ERROR_NONE";
    case SSL_ERROR_SSL: return "SSL_ERROR_SSL";
    case SSL_ERROR_WANT_READ: return "SSL_ERROR_WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "SSL_ERROR_WANT_WRITE";
    case SSL_ERROR_WANT_X509_LOOKUP: return "SSL_ERROR_WANT_X509_LOOKUP";
    case SSL_ERROR_SYSCALL: return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "SSL_ERROR_ZERO_RETURN";
    case SSL_ERROR_WANT_CONNECT: return "SSL_ERROR_WANT_CONNECT";
    case SSL_ERROR_WANT_ACCEPT: return "SSL_ERROR_WANT_ACCEPT";
    case SSL_ERROR_WANT_ASYNC: return "SSL_ERROR_WANT_ASYNC";
    case SSL_ERROR_WANT_ASYNC_JOB: return "SSL_ERROR_WANT_ASYNC_JOB";
    case SSL_ERROR_WANT_CLIENT_HELLO_CB: return "SSL_ERROR_WANT_CLIENT_HELLO_CB";
    case SSL_ERROR_WANT_RETRY_VERIFY: return "SSL_ERROR_WANT_RETRY_VERIFY";
    default: return "SSL_ERROR_?";
    }
}

const char *version_name(int v)
{
    switch (v) {
    case 0: return "0";
    case TLS1_VERSION: return "TLS1_VERSION";
    case TLS1_1_VERSION: return "TLS1_1_VERSION";
    case TLS1_2_VERSION: return "TLS1_2_VERSION";
    case TLS1_3_VERSION: return "TLS1_3_VERSION";
    default: return "?";
    }
}

void print_err(const char *who)
{
    unsigned long e = ERR_peek_error();
    char buf[256];

    if (e == 0) {
        printf("%s: ERR none\n", who);
        return;
    }
    ERR_error_string_n(e, buf, sizeof(buf));
    printf("%s: ERR lib=%d reason=%d '%s'\n", who, ERR_GET_LIB(e),
           ERR_GET_REASON(e), buf);
    /* the whole queue, with file/line, for humans only */
    fprintf(stderr, "--- error queue (%s) ---\n", who);
    ERR_print_errors_fp(stderr);
    ERR_clear_error();
}

int print_result(const char *who, const char *what, SSL *ssl, int ret)
{
    int err = SSL_get_error(ssl, ret);

    printf("%s: %s ret=%d err=%s(%d)\n", who, what, ret, ssl_error_name(err), err);
    if (err == SSL_ERROR_SSL || err == SSL_ERROR_SYSCALL)
        print_err(who);
    ERR_clear_error();
    return err;
}

int print_result_quiet(const char *who, const char *what, SSL *ssl, int ret)
{
    int err = SSL_get_error(ssl, ret);

    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE
        || err == SSL_ERROR_NONE) {
        ERR_clear_error();
        return err;
    }
    return print_result(who, what, ssl, ret);
}

void print_session_info(const char *who, SSL *ssl)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    printf("%s: version=%s cipher=%s\n", who, SSL_get_version(ssl),
           c ? SSL_CIPHER_get_name(c) : "(none)");
}

void print_verify_result(const char *who, SSL *ssl)
{
    long v = SSL_get_verify_result(ssl);
    printf("%s: verify_result=%ld (%s)\n", who, v,
           X509_verify_cert_error_string(v));
}

const char *name_str(const X509_NAME *n)
{
    static char buf[512];
    if (n == NULL)
        return "(null)";
    X509_NAME_oneline(n, buf, sizeof(buf));
    return buf;
}

void print_peer_cert(const char *who, SSL *ssl)
{
    X509 *x = SSL_get1_peer_certificate(ssl);
    if (x == NULL) {
        printf("%s: peer cert none\n", who);
        return;
    }
    printf("%s: peer cert subject=%s\n", who, name_str(X509_get_subject_name(x)));
    X509_free(x);
}

void print_escaped(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\n')
            printf("\\n");
        else if (ch == '\r')
            printf("\\r");
        else if (ch == '"' || ch == '\\')
            printf("\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            printf("\\x%02x", ch);
        else
            putchar(ch);
    }
    putchar('"');
}

/* ---- contexts --------------------------------------------------------- */

SSL_CTX *make_server_ctx(const char *cert, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL)
        die("SSL_CTX_new(server)");
    if (SSL_CTX_use_certificate_chain_file(ctx, cpath(cert)) != 1)
        die("use_certificate_chain_file %s", cert);
    if (SSL_CTX_use_PrivateKey_file(ctx, cpath(key), SSL_FILETYPE_PEM) != 1)
        die("use_PrivateKey_file %s", key);
    if (SSL_CTX_check_private_key(ctx) != 1)
        die("check_private_key %s", key);
    return ctx;
}

SSL_CTX *make_client_ctx(int verify_mode)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL)
        die("SSL_CTX_new(client)");
    if (SSL_CTX_load_verify_locations(ctx, cpath("ca.pem"), NULL) != 1)
        die("load_verify_locations");
    SSL_CTX_set_verify(ctx, verify_mode, NULL);
    return ctx;
}

/* ---- in-process connections ------------------------------------------ */

void make_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL **c, SSL **s, size_t bufsz)
{
    BIO *bc = NULL, *bs = NULL;

    *c = SSL_new(cctx);
    *s = SSL_new(sctx);
    if (*c == NULL || *s == NULL)
        die("SSL_new");
    if (BIO_new_bio_pair(&bc, bufsz, &bs, bufsz) != 1)
        die("BIO_new_bio_pair");
    SSL_set_bio(*c, bc, bc);
    SSL_set_bio(*s, bs, bs);
    SSL_set_connect_state(*c);
    SSL_set_accept_state(*s);
}

void make_mem_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL **c, SSL **s)
{
    *c = SSL_new(cctx);
    *s = SSL_new(sctx);
    if (*c == NULL || *s == NULL)
        die("SSL_new");
    SSL_set_bio(*c, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_bio(*s, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(*c);
    SSL_set_accept_state(*s);
}

size_t xfer(SSL *from, SSL *to)
{
    char buf[4096];
    size_t total = 0;
    BIO *w = SSL_get_wbio(from), *r = SSL_get_rbio(to);
    int n;

    while ((n = BIO_read(w, buf, sizeof(buf))) > 0) {
        if (BIO_write(r, buf, n) != n)
            die("BIO_write in xfer");
        total += (size_t)n;
    }
    return total;
}

static int is_mem(SSL *s)
{
    return BIO_method_type(SSL_get_rbio(s)) == BIO_TYPE_MEM;
}

/* one handshake step: returns 1 done, 0 want more, -1 failed */
static int hs_step(SSL *ssl, const char *who, int verbose, int *last, int *lerr)
{
    int r = SSL_do_handshake(ssl);
    int err;

    *last = r;
    if (verbose) {
        err = print_result(who, "SSL_do_handshake", ssl, r);
    } else {
        err = SSL_get_error(ssl, r);
        if (r != 1 && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE)
            print_result(who, "SSL_do_handshake", ssl, r);
        ERR_clear_error();
    }
    *lerr = err;
    if (r == 1)
        return 1;
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return 0;
    return -1;
}

int do_handshake(SSL *c, SSL *s, int verbose, int *cres, int *sres)
{
    int cst = 0, sst = 0, clast = 0, slast = 0, cerr = 0, serr = 0;
    /* separate memory BIOs per SSL need explicit transfer; a shared
     * memory BIO (client wbio == server rbio) or a BIO pair does not */
    int mem = is_mem(c) && is_mem(s) && SSL_get_wbio(c) != SSL_get_rbio(s);

    for (int round = 0; round < 100; round++) {
        if (cst == 0)
            cst = hs_step(c, "client", verbose, &clast, &cerr);
        if (mem)
            xfer(c, s);
        if (sst == 0)
            sst = hs_step(s, "server", verbose, &slast, &serr);
        if (mem)
            xfer(s, c);
        if (cst != 0 && sst != 0)
            break;
        /* stalled: every running side waits for input that is not there */
        if ((cst != 0 || (cerr == SSL_ERROR_WANT_READ
                          && BIO_ctrl_pending(SSL_get_rbio(c)) == 0))
            && (sst != 0 || (serr == SSL_ERROR_WANT_READ
                             && BIO_ctrl_pending(SSL_get_rbio(s)) == 0))) {
            if (verbose)
                printf("handshake: stalled (client %d, server %d)\n", cst, sst);
            break;
        }
    }
    if (cres)
        *cres = clast;
    if (sres)
        *sres = slast;
    return cst == 1 && sst == 1;
}

void exchange(SSL *a, const char *an, SSL *b, const char *bn, const char *msg)
{
    char buf[4096];
    size_t len = strlen(msg), got = 0;
    int r;

    r = SSL_write(a, msg, (int)len);
    if (r != (int)len) {
        print_result(an, "SSL_write", a, r);
        return;
    }
    printf("%s: SSL_write ret=%d\n", an, r);
    if (is_mem(a) && is_mem(b) && SSL_get_wbio(a) != SSL_get_rbio(b))
        xfer(a, b);
    for (int i = 0; i < 16 && got < len; i++) {
        r = SSL_read(b, buf + got, (int)(sizeof(buf) - 1 - got));
        if (r <= 0) {
            print_result(bn, "SSL_read", b, r);
            break;
        }
        got += (size_t)r;
    }
    buf[got] = '\0';
    printf("%s: read %zu bytes ", bn, got);
    print_escaped(buf, got);
    printf("\n");
}

void free_pair(SSL *c, SSL *s)
{
    SSL_free(c);
    SSL_free(s);
}

/* ---- sockets ---------------------------------------------------------- */

void set_sock_timeouts(int fd, int seconds)
{
    struct timeval tv = { seconds, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        die("fcntl O_NONBLOCK");
}

int tcp_listen(int *port)
{
    struct sockaddr_in sa;
    socklen_t sl = sizeof(sa);
    int one = 1;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        die("socket");
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = 0;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 8) != 0)
        die("bind/listen");
    if (getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
        die("getsockname");
    *port = ntohs(sa.sin_port);
    return fd;
}

int tcp_accept(int lfd, int timeout_ms)
{
    struct pollfd p = { lfd, POLLIN, 0 };
    int fd;

    if (poll(&p, 1, timeout_ms) != 1)
        return -1;
    fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0)
        set_sock_timeouts(fd, 10);
    return fd;
}

int tcp_connect(int port)
{
    struct sockaddr_in sa;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        die("socket");
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sa.sin_port = htons((unsigned short)port);
    set_sock_timeouts(fd, 10);
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0)
        die("connect: %s", strerror(errno));
    return fd;
}

/* ---- child processes -------------------------------------------------- */

static int env_keep(const char *kv)
{
    return strncmp(kv, "LD_", 3) != 0 && strncmp(kv, "OXISSL_", 7) != 0
           && strncmp(kv, "OXTEST_", 7) != 0;
}

child_t spawn_openssl(const char *const *args)
{
    child_t ch = { -1, -1, -1 };
    int in[2], out[2];
    const char *bin = getenv("OXTEST_OPENSSL");
    size_t nargs = 0, nenv = 0;
    char **argv, **envp;
    pid_t pid, parent;

    if (bin == NULL || *bin == '\0')
        bin = "/usr/bin/openssl";
    while (args[nargs] != NULL)
        nargs++;
    while (environ[nenv] != NULL)
        nenv++;
    /* build everything before fork */
    argv = calloc(nargs + 1, sizeof(char *));
    envp = calloc(nenv + 1, sizeof(char *));
    if (argv == NULL || envp == NULL)
        die("calloc");
    argv[0] = (char *)"openssl";
    for (size_t i = 1; i < nargs; i++)
        argv[i] = (char *)args[i];
    for (size_t i = 0, j = 0; i < nenv; i++)
        if (env_keep(environ[i]))
            envp[j++] = environ[i];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
        die("pipe2");
    fflush(stdout);
    fflush(stderr);
    parent = getpid();
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        /* never outlive the test program, even if it crashes */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        dup2(in[0], 0);
        dup2(out[1], 1);
        execve(bin, argv, envp);
        _exit(127);
    }
    free(argv);
    free(envp);
    close(in[0]);
    close(out[1]);
    register_child(pid);
    ch.pid = pid;
    ch.in_fd = in[1];
    ch.out_fd = out[0];
    return ch;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int start_s_server(child_t *ch, const char *cert, const char *key,
                   const char *const *extra)
{
    const char *args[48];
    size_t n = 0;
    char line[512];
    size_t ll = 0;
    long deadline = now_ms() + 10000;

    args[n++] = "openssl";
    args[n++] = "s_server";
    args[n++] = "-4";
    args[n++] = "-accept";
    args[n++] = "0";
    args[n++] = "-naccept";
    args[n++] = "1";
    args[n++] = "-cert";
    args[n++] = cpath(cert);
    args[n++] = "-key";
    args[n++] = cpath(key);
    for (size_t i = 0; extra && extra[i] && n < 46; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    *ch = spawn_openssl(args);

    /* read stdout lines until "ACCEPT <host>:<port>" */
    for (;;) {
        struct pollfd p = { ch->out_fd, POLLIN, 0 };
        long left = deadline - now_ms();
        char c;
        ssize_t r;

        if (left <= 0 || poll(&p, 1, (int)left) != 1)
            die("s_server did not report ACCEPT in time");
        r = read(ch->out_fd, &c, 1);
        if (r <= 0)
            die("s_server exited before ACCEPT");
        if (c != '\n') {
            if (ll < sizeof(line) - 1)
                line[ll++] = c;
            continue;
        }
        line[ll] = '\0';
        ll = 0;
        if (strncmp(line, "ACCEPT", 6) == 0) {
            char *colon = strrchr(line, ':');
            int port = colon ? atoi(colon + 1) : 0;
            if (port <= 0)
                die("cannot parse s_server ACCEPT line");
            return port;
        }
    }
}

int wait_child(child_t *ch, int timeout_ms)
{
    long deadline = now_ms() + timeout_ms;
    int st;

    if (ch->in_fd >= 0) {
        close(ch->in_fd);
        ch->in_fd = -1;
    }
    for (;;) {
        pid_t r = waitpid(ch->pid, &st, WNOHANG);
        if (r == ch->pid)
            break;
        if (r < 0)
            return -1;
        if (now_ms() >= deadline) {
            kill(ch->pid, SIGKILL);
            waitpid(ch->pid, &st, 0);
            unregister_child(ch->pid);
            return -1;
        }
        usleep(5000);
    }
    unregister_child(ch->pid);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

char *child_output(child_t *ch)
{
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    long deadline = now_ms() + 5000;

    if (buf == NULL)
        die("malloc");
    for (;;) {
        struct pollfd p = { ch->out_fd, POLLIN, 0 };
        long left = deadline - now_ms();
        ssize_t r;

        if (left <= 0 || poll(&p, 1, (int)left) != 1)
            break;
        if (len + 1024 > cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (buf == NULL)
                die("realloc");
        }
        r = read(ch->out_fd, buf + len, cap - len - 1);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    close(ch->out_fd);
    ch->out_fd = -1;
    return buf;
}
