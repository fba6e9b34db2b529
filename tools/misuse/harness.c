/*
 * The API-misuse sweep's harness: see harness.h and tools/misuse/README.md.
 *
 * usage: misuse DATADIR CERTDIR [--fork | --fork-each] [--only GLOB[,GLOB...]] [--list]
 *
 * Prints one line per call, "FUNCTION<TAB>VARIANT<TAB>RESULT<TAB># comment", where
 * RESULT is "ret=R err=LIB:REASON" (the first queued error, or err=none),
 * "crash signal N" or "hang".  --fork runs the calls in child processes (the system
 * libssl crashes on many misuses): a child runs call after call until one crashes, and
 * the next child goes on from the call after it, so the calls share their process as in
 * the one-process run; --fork-each gives every call a fresh child of its own (slower;
 * the transcript must be the same).  Without either, every call runs in this one process
 * (oxissl, under valgrind), where a crash or a hang ends the run.
 *
 * MISUSE_EXPECT_LIB=DIR: exit 97 unless the libssl.so.3 mapped into the process
 * comes from DIR.  MISUSE_TIMEOUT: seconds allowed per call (default 20).
 */
#include "harness.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <link.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const h_call h_calls[];
extern const int h_ncalls;

int h_valid;
unsigned char *h_certder, *h_keyder, *h_sessder;
int h_certder_len, h_keyder_len, h_sessder_len;
char h_cert_file[4096], h_key_file[4096], h_ca_file[4096], h_certdir[4096], h_chain_file[4096];
static char argv0[] = "-cipher", argv1[] = "DEFAULT";
char *h_argv[] = {argv0, argv1, NULL};
int h_fd = -1;

static char pem_session[4096];
static int fork_mode, fork_each;
static int out_fd = 1;          /* where the result goes (a pipe in fork mode) */
static const h_call *cur;       /* the call running (for the signal handlers) */
static int cur_index;
static const char *result_prefix = "";
static int result_prefix_len;
static const char *phase = "call";
static int timeout_s = 20;
SSL_CTX *h_global_ctx;          /* holds the cipher table mk_cipher() reads (global: stays reachable) */
static const SSL_CIPHER *g_cipher;

/* ---- arena ---------------------------------------------------------------- */
#define ARENA_MAX 64
static struct {
    void *p;
    h_free_fn fr;
} arena[ARENA_MAX];
static int narena;
/* Objects a misuse call may or may not have taken: kept reachable. */
static void **registry;
static size_t nregistry, capregistry;

long h_dummy_fn(void)
{
    return 0;
}

void *h_track(void *p, h_free_fn fr)
{
    if (p == NULL)
        return p;
    if (narena == ARENA_MAX) {
        fprintf(stderr, "misuse: arena full\n");
        abort();
    }
    arena[narena].p = p;
    arena[narena].fr = fr;
    narena++;
    return p;
}

void h_consumed(const void *p)
{
    int i;

    if (p == NULL)
        return;
    for (i = narena - 1; i >= 0; i--) {
        if (arena[i].p == p) {
            memmove(&arena[i], &arena[i + 1], (size_t)(narena - i - 1) * sizeof(arena[0]));
            narena--;
            break;
        }
    }
    if (h_valid)
        return;
    if (nregistry == capregistry) {
        capregistry = capregistry ? 2 * capregistry : 256;
        registry = realloc(registry, capregistry * sizeof(void *));
        if (registry == NULL)
            abort();
    }
    registry[nregistry++] = (void *)p;
}

void h_release(void)
{
    phase = "cleanup";
    while (narena > 0) {
        narena--;
        arena[narena].fr(arena[narena].p);
    }
    ERR_clear_error();
}

void h_free_names(void *p)
{
    sk_X509_NAME_pop_free(p, X509_NAME_free);
}
void h_free_chain(void *p)
{
    sk_X509_pop_free(p, X509_free);
}
void h_free_ciphers(void *p)
{
    sk_SSL_CIPHER_free(p);
}
void h_free_crypto(void *p)
{
    OPENSSL_free(p);
}
void h_free_bio_all(void *p)
{
    BIO_free_all(p);
}
static void free_ctx(void *p)
{
    SSL_CTX_free(p);
}
static void free_ssl(void *p)
{
    SSL_free(p);
}
static void free_sess(void *p)
{
    SSL_SESSION_free(p);
}
static void free_cctx(void *p)
{
    SSL_CONF_CTX_free(p);
}
static void free_x509(void *p)
{
    X509_free(p);
}
static void free_pkey(void *p)
{
    EVP_PKEY_free(p);
}
static void free_rsa(void *p)
{
    RSA_free(p);
}
static void free_bio(void *p)
{
    BIO_free(p);
}
static void free_store(void *p)
{
    X509_STORE_free(p);
}
static void free_param(void *p)
{
    X509_VERIFY_PARAM_free(p);
}
static void free_engine(void *p)
{
    ENGINE_free(p);
}
static void free_bn(void *p)
{
    BN_free(p);
}
static void free_ctlog(void *p)
{
    CTLOG_STORE_free(p);
}
static void free_bioaddr(void *p)
{
    BIO_ADDR_free(p);
}
static void free_file(void *p)
{
    fclose(p);
}
static void free_initsettings(void *p)
{
    OPENSSL_INIT_free(p);
}
static void free_compstack(void *p)
{
    sk_SSL_COMP_free(p);
}

static void setup_fail(const char *what)
{
    fprintf(stderr, "misuse: setup failed: %s (in %s)\n", what, cur ? cur->fn : "init");
    ERR_print_errors_fp(stderr);
    _exit(2);
}

/* ---- constructors ------------------------------------------------------------ */
SSL_CTX *mk_ctx(void)
{
    SSL_CTX *c = SSL_CTX_new(TLS_method());

    if (c == NULL)
        setup_fail("SSL_CTX_new");
    return h_track(c, free_ctx);
}

static SSL *new_ssl(void)
{
    SSL_CTX *c = SSL_CTX_new(TLS_method());
    SSL *s;
    BIO *r = BIO_new(BIO_s_mem()), *w = BIO_new(BIO_s_mem());

    if (c == NULL || r == NULL || w == NULL)
        setup_fail("mk_ssl");
    s = SSL_new(c);
    SSL_CTX_free(c);
    if (s == NULL)
        setup_fail("SSL_new");
    SSL_set_bio(s, r, w);
    return h_track(s, free_ssl);
}

SSL *mk_ssl(void)
{
    SSL *s = new_ssl();

    SSL_set_connect_state(s);
    return s;
}

SSL *mk_ssl_server(void)
{
    SSL *s = new_ssl();

    SSL_set_accept_state(s);
    return s;
}

SSL_SESSION *mk_session(void)
{
    const unsigned char *p = h_sessder;
    SSL_SESSION *s = d2i_SSL_SESSION(NULL, &p, h_sessder_len);

    if (s == NULL)
        setup_fail("d2i_SSL_SESSION");
    return h_track(s, free_sess);
}

const SSL_CIPHER *mk_cipher(void)
{
    return g_cipher;
}

SSL_CONF_CTX *mk_cctx(void)
{
    SSL_CONF_CTX *c;
    SSL_CTX *ctx = mk_ctx();

    c = SSL_CONF_CTX_new();
    if (c == NULL)
        setup_fail("SSL_CONF_CTX_new");
    SSL_CONF_CTX_set_flags(c, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_SERVER);
    SSL_CONF_CTX_set_ssl_ctx(c, ctx);
    return h_track(c, free_cctx);
}

X509 *mk_x509(void)
{
    const unsigned char *p = h_certder;
    X509 *x = d2i_X509(NULL, &p, h_certder_len);

    if (x == NULL)
        setup_fail("d2i_X509");
    return h_track(x, free_x509);
}

static EVP_PKEY *new_pkey(void)
{
    const unsigned char *p = h_keyder;
    EVP_PKEY *k = d2i_AutoPrivateKey(NULL, &p, h_keyder_len);

    if (k == NULL)
        setup_fail("d2i_AutoPrivateKey");
    return k;
}

EVP_PKEY *mk_pkey(void)
{
    return h_track(new_pkey(), free_pkey);
}

EVP_PKEY *mk_dh(void)
{
    EVP_PKEY_CTX *pc = EVP_PKEY_CTX_new_from_name(NULL, "DH", NULL);
    EVP_PKEY *k = NULL;
    OSSL_PARAM params[2];

    params[0] = OSSL_PARAM_construct_utf8_string("group", (char *)"ffdhe2048", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (pc == NULL || EVP_PKEY_paramgen_init(pc) <= 0 || EVP_PKEY_CTX_set_params(pc, params) <= 0
        || EVP_PKEY_paramgen(pc, &k) <= 0)
        setup_fail("ffdhe2048");
    EVP_PKEY_CTX_free(pc);
    return h_track(k, free_pkey);
}

RSA *mk_rsa(void)
{
    EVP_PKEY *k = new_pkey();
    RSA *r = EVP_PKEY_get1_RSA(k);

    EVP_PKEY_free(k);
    if (r == NULL)
        setup_fail("EVP_PKEY_get1_RSA");
    return h_track(r, free_rsa);
}

BIO *mk_membio(void)
{
    BIO *b = BIO_new(BIO_s_mem());

    if (b == NULL)
        setup_fail("BIO_new");
    return h_track(b, free_bio);
}

BIO *mk_pembio(void)
{
    BIO *b = mk_membio();

    BIO_puts(b, pem_session);
    return b;
}

BIO *mk_sslbio(void)
{
    SSL_CTX *c = SSL_CTX_new(TLS_method());
    BIO *b;

    if (c == NULL)
        setup_fail("SSL_CTX_new");
    b = BIO_new_ssl(c, 1);
    SSL_CTX_free(c);
    if (b == NULL)
        setup_fail("BIO_new_ssl");
    return h_track(b, h_free_bio_all);
}

X509_STORE *mk_store(void)
{
    return h_track(X509_STORE_new(), free_store);
}

X509_VERIFY_PARAM *mk_param(void)
{
    return h_track(X509_VERIFY_PARAM_new(), free_param);
}

ENGINE *mk_engine(void)
{
    ENGINE *e = ENGINE_by_id("dynamic");

    if (e == NULL)
        setup_fail("ENGINE_by_id(dynamic)");
    return h_track(e, free_engine);
}

BIGNUM *mk_bn(void)
{
    BIGNUM *b = BN_new();

    BN_set_word(b, 2);
    return h_track(b, free_bn);
}

COMP_METHOD *mk_comp(void)
{
    return COMP_zlib();
}

CTLOG_STORE *mk_ctlog(void)
{
    return h_track(CTLOG_STORE_new(), free_ctlog);
}

BIO_ADDR *mk_bioaddr(void)
{
    return h_track(BIO_ADDR_new(), free_bioaddr);
}

FILE *mk_file(void)
{
    FILE *f = tmpfile();

    if (f == NULL)
        setup_fail("tmpfile");
    return h_track(f, free_file);
}

OPENSSL_INIT_SETTINGS *mk_initsettings(void)
{
    return h_track(OPENSSL_INIT_new(), free_initsettings);
}

STACK_OF(X509_NAME) *mk_names(void)
{
    STACK_OF(X509_NAME) *sk = sk_X509_NAME_new_null();
    const unsigned char *p = h_certder;
    X509 *x = d2i_X509(NULL, &p, h_certder_len);

    if (sk == NULL || x == NULL)
        setup_fail("mk_names");
    sk_X509_NAME_push(sk, X509_NAME_dup(X509_get_subject_name(x)));
    X509_free(x);
    return h_track(sk, h_free_names);
}

STACK_OF(X509) *mk_chain(void)
{
    return h_track(sk_X509_new_null(), h_free_chain);
}

STACK_OF(SSL_COMP) *mk_compstack(void)
{
    return h_track(sk_SSL_COMP_new_null(), free_compstack);
}

/* ---- guarded buffers and pointer variables ----------------------------------- */
#define NBUF 12
static unsigned char *bufs[NBUF];
static int nbuf;
static void *pps[16];
static int npp;

unsigned char *mk_buf(const void *content, size_t len)
{
    unsigned char *b;

    if (nbuf == NBUF || len > H_BUFCAP)
        setup_fail("mk_buf");
    b = bufs[nbuf++];
    memset(b, 0, H_BUFCAP);
    if (len)
        memcpy(b, content, len);
    return b;
}

void **mk_pp(void *init)
{
    if (npp == (int)(sizeof(pps) / sizeof(pps[0])))
        setup_fail("mk_pp");
    pps[npp] = init;
    return &pps[npp++];
}

static void init_buffers(void)
{
    long page = sysconf(_SC_PAGESIZE);
    int i;

    for (i = 0; i < NBUF; i++) {
        unsigned char *m = mmap(NULL, H_BUFCAP + page, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

        if (m == MAP_FAILED || mprotect(m + H_BUFCAP, page, PROT_NONE) != 0)
            setup_fail("mmap");
        bufs[i] = m;
    }
}

/* ---- the transcript line ----------------------------------------------------- */
static char result[1024];

void h_begin(void)
{
    ERR_clear_error();
    phase = "call";
}

static void emit(const char *ret)
{
    unsigned long e;
    const char *data = NULL, *reason;
    int flags = 0;
    char err[64], comment[600];
    size_t n;

    e = ERR_peek_error_data(&data, &flags);
    if (e == 0) {
        snprintf(err, sizeof(err), "err=none");
        comment[0] = '\0';
    } else {
        snprintf(err, sizeof(err), "err=%d:%d", ERR_GET_LIB(e), ERR_GET_REASON(e));
        reason = ERR_reason_error_string(e);
        snprintf(comment, sizeof(comment), "\t# %s%s%s", reason ? reason : "?",
                 (flags & ERR_TXT_STRING) && data && *data ? ": " : "",
                 (flags & ERR_TXT_STRING) && data ? data : "");
        for (n = 0; comment[n]; n++)
            if (comment[n] == '\n' || (comment[n] == '\t' && n > 0))
                comment[n] = ' ';
    }
    ERR_clear_error();
    n = (size_t)snprintf(result, sizeof(result), "%s\t%s%s", ret, err, comment);
    if (fork_mode) {
        if (write(out_fd, result_prefix, (size_t)result_prefix_len) < 0
            || write(out_fd, result, n) < 0 || write(out_fd, "\n", 1) < 0)
            _exit(5);
    } else {
        printf("%s\t%s\t%s\n", cur->fn, cur->variant, result);
        fflush(stdout);
    }
}

void h_ret_void(void)
{
    emit("ret=void");
}
void h_ret_s(long long v)
{
    char b[64];

    snprintf(b, sizeof(b), "ret=%lld", v);
    emit(b);
}
void h_ret_u(unsigned long long v)
{
    char b[64];

    snprintf(b, sizeof(b), "ret=%llu", v);
    emit(b);
}
void h_ret_p(const void *p)
{
    emit(p ? "ret=non-NULL" : "ret=NULL");
}
void h_ret_time(long long v)
{
    long long now = (long long)time(NULL);

    if (v > now - 86400 && v < now + 86400)
        emit("ret=now");
    else
        h_ret_s(v);
}

/* ---- signals (one-process mode) --------------------------------------------- */
static void on_fatal(int sig)
{
    char b[512];
    int n = snprintf(b, sizeof(b), "%s\t%s\t%s signal %d (in the %s)\n", cur ? cur->fn : "?",
                     cur ? cur->variant : "?", sig == SIGALRM ? "hang" : "crash", sig, phase);

    if (write(1, b, (size_t)n) < 0)
        _exit(3);
    _exit(sig == SIGALRM ? 124 : 3);
}

/* ---- the library check ------------------------------------------------------- */
static int nssl;
static char sslpath[4096];

static int phdr_cb(struct dl_phdr_info *info, size_t size, void *data)
{
    const char *base;

    (void)size;
    (void)data;
    if (info->dlpi_name == NULL)
        return 0;
    base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    if (strcmp(base, "libssl.so.3") == 0) {
        nssl++;
        snprintf(sslpath, sizeof(sslpath), "%s", info->dlpi_name);
    }
    return 0;
}

static void check_lib(void)
{
    const char *want = getenv("MISUSE_EXPECT_LIB");
    char a[4096], b[4096], *slash;

    if (want == NULL || *want == '\0')
        return;
    dl_iterate_phdr(phdr_cb, NULL);
    if (nssl != 1 || realpath(sslpath, a) == NULL || realpath(want, b) == NULL) {
        fprintf(stderr, "misuse: libssl.so.3 mapped %d times (%s)\n", nssl, sslpath);
        exit(97);
    }
    slash = strrchr(a, '/');
    if (slash)
        *slash = '\0';
    if (strcmp(a, b) != 0) {
        fprintf(stderr, "misuse: libssl.so.3 comes from %s, expected %s\n", a, b);
        exit(97);
    }
}

/* ---- setup ------------------------------------------------------------------- */
static unsigned char *pem_der(const char *file, const char *name, int *len)
{
    BIO *b = BIO_new_file(file, "r");
    char *nm = NULL, *hdr = NULL;
    unsigned char *data = NULL;
    long l = 0;

    if (b == NULL || !PEM_read_bio(b, &nm, &hdr, &data, &l))
        setup_fail(file);
    if (name && strcmp(nm, name) != 0)
        setup_fail(file);
    OPENSSL_free(nm);
    OPENSSL_free(hdr);
    BIO_free(b);
    *len = (int)l;
    return data;
}

static void h_init(const char *datadir, const char *certdir)
{
    char path[4096];
    FILE *f;
    size_t n;
    EVP_PKEY *k;
    unsigned char *p;
    STACK_OF(SSL_CIPHER) *sk;
    int i;

    snprintf(h_certdir, sizeof(h_certdir), "%s", certdir);
    snprintf(h_cert_file, sizeof(h_cert_file), "%s/server-rsa.pem", certdir);
    snprintf(h_key_file, sizeof(h_key_file), "%s/server-rsa.key", certdir);
    snprintf(h_ca_file, sizeof(h_ca_file), "%s/ca.pem", certdir);
    snprintf(h_chain_file, sizeof(h_chain_file), "%s/server-int-chain.pem", certdir);
    h_certder = pem_der(h_cert_file, "CERTIFICATE", &h_certder_len);
    snprintf(path, sizeof(path), "%s/session.pem", datadir);
    h_sessder = pem_der(path, "SSL SESSION PARAMETERS", &h_sessder_len);
    f = fopen(path, "r");
    if (f == NULL)
        setup_fail(path);
    n = fread(pem_session, 1, sizeof(pem_session) - 1, f);
    pem_session[n] = '\0';
    fclose(f);
    /* the key as "traditional" DER (PKCS#1 for RSA: what both *_RSAPrivateKey_ASN1
     * and *_PrivateKey_ASN1(EVP_PKEY_RSA, ...) read) */
    f = fopen(h_key_file, "r");
    if (f == NULL || (k = PEM_read_PrivateKey(f, NULL, NULL, NULL)) == NULL)
        setup_fail(h_key_file);
    fclose(f);
    h_keyder_len = i2d_PrivateKey(k, NULL);
    h_keyder = p = OPENSSL_malloc((size_t)h_keyder_len);
    i2d_PrivateKey(k, &p);
    EVP_PKEY_free(k);
    h_fd = open("/dev/null", O_RDWR);
    init_buffers();

    h_global_ctx = SSL_CTX_new(TLS_method());
    if (h_global_ctx == NULL)
        setup_fail("SSL_CTX_new");
    sk = SSL_CTX_get_ciphers(h_global_ctx);
    for (i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        if (SSL_CIPHER_get_id(sk_SSL_CIPHER_value(sk, i)) == 0x03001301)
            g_cipher = sk_SSL_CIPHER_value(sk, i);
    if (g_cipher == NULL)
        setup_fail("TLS_AES_128_GCM_SHA256");
    ERR_clear_error();
}

static int selected(const char *fn, const char *only)
{
    char pat[256];
    const char *p = only, *c;
    size_t n;

    if (only == NULL)
        return 1;
    while (*p) {
        c = strchr(p, ',');
        n = c ? (size_t)(c - p) : strlen(p);
        if (n < sizeof(pat)) {
            memcpy(pat, p, n);
            pat[n] = '\0';
            if (fnmatch(pat, fn, 0) == 0)
                return 1;
        }
        p += n + (c != NULL);
    }
    return 0;
}

static void reset_call(const h_call *c)
{
    cur = c;
    h_valid = strcmp(c->variant, "valid") == 0;
    nbuf = 0;
    npp = 0;
    phase = "setup";
}

/* Fork mode: a child runs the calls from index `from` on, writing "R i RESULT\n" after
 * each call and "D i\n" after its cleanup; when it dies, the call it was in gets the
 * signal, and a new child continues with the next one. */
static int selected_call(int i, const char *only)
{
    return selected(h_calls[i].fn, only);
}

static void child_loop(int from, const char *only, int fd)
{
    char b[64];
    int i, n;

    out_fd = fd;
    signal(SIGALRM, SIG_DFL);
    for (i = from; i < h_ncalls; i++) {
        if (!selected_call(i, only))
            continue;
        n = snprintf(b, sizeof(b), "R %d ", i);
        cur_index = i;
        result_prefix = b;
        result_prefix_len = n;
        alarm((unsigned)timeout_s);
        reset_call(&h_calls[i]);
        h_calls[i].run();
        alarm(0);
        n = snprintf(b, sizeof(b), "D %d\n", i);
        if (write(fd, b, (size_t)n) < 0)
            _exit(5);
        if (fork_each)
            _exit(1); /* the parent starts the next call in a fresh child */
    }
    _exit(0);
}

static void run_forked(const char *only)
{
    int from = 0, st, fds[2], last_done, last_result, i;
    pid_t pid;
    FILE *in;
    char *line = NULL, *res;
    size_t cap = 0;
    ssize_t len;

    while (from < h_ncalls) {
        fflush(stdout);
        if (pipe(fds) != 0)
            setup_fail("pipe");
        pid = fork();
        if (pid < 0)
            setup_fail("fork");
        if (pid == 0) {
            close(fds[0]);
            child_loop(from, only, fds[1]);
        }
        close(fds[1]);
        in = fdopen(fds[0], "r");
        last_done = last_result = from - 1;
        while ((len = getline(&line, &cap, in)) > 0) {
            if (line[len - 1] == '\n')
                line[len - 1] = '\0';
            if (line[0] == 'R') {
                i = (int)strtol(line + 2, &res, 10);
                last_result = i;
                printf("%s\t%s\t%s", h_calls[i].fn, h_calls[i].variant, res + 1);
            } else if (line[0] == 'D') {
                last_done = (int)strtol(line + 2, NULL, 10);
                printf("\n");
            }
        }
        fclose(in);
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            break;
        if (fork_each && WIFEXITED(st) && WEXITSTATUS(st) == 1 && last_done == last_result && last_done >= from) {
            from = last_done + 1;
            continue;
        }
        if (last_result > last_done) {
            /* the call returned, its cleanup failed: a harness problem */
            printf("\tcleanup-failure %s %d\n", WIFSIGNALED(st) ? "signal" : "exit",
                   WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
            from = last_result + 1;
            continue;
        }
        /* the next selected call after last_done died */
        for (i = last_done + 1; i < h_ncalls && !selected_call(i, only); i++)
            ;
        if (i >= h_ncalls)
            break;
        if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
            printf("%s\t%s\thang\n", h_calls[i].fn, h_calls[i].variant);
        else if (WIFSIGNALED(st))
            printf("%s\t%s\tcrash signal %d\n", h_calls[i].fn, h_calls[i].variant, WTERMSIG(st));
        else
            printf("%s\t%s\tno result (exit %d)\n", h_calls[i].fn, h_calls[i].variant,
                   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        from = i + 1;
    }
    free(line);
}

int main(int argc, char **argv)
{
    const char *only = NULL, *t;
    int i, list = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: %s DATADIR CERTDIR [--fork | --fork-each] [--only GLOB,...] [--list]\n", argv[0]);
        return 2;
    }
    for (i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--fork") == 0)
            fork_mode = 1;
        else if (strcmp(argv[i], "--fork-each") == 0)
            fork_mode = fork_each = 1;
        else if (strcmp(argv[i], "--list") == 0)
            list = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "misuse: unknown argument %s\n", argv[i]);
            return 2;
        }
    }
    if ((t = getenv("MISUSE_TIMEOUT")) != NULL && atoi(t) > 0)
        timeout_s = atoi(t);
    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGPIPE, SIG_IGN);
    if (list) {
        for (i = 0; i < h_ncalls; i++)
            if (selected(h_calls[i].fn, only))
                printf("%s\t%s\n", h_calls[i].fn, h_calls[i].variant);
        return 0;
    }
    check_lib();
    h_init(argv[1], argv[2]);
    if (fork_mode) {
        run_forked(only);
        return 0;
    } else {
        signal(SIGSEGV, on_fatal);
        signal(SIGBUS, on_fatal);
        signal(SIGILL, on_fatal);
        signal(SIGFPE, on_fatal);
        signal(SIGABRT, on_fatal);
        signal(SIGALRM, on_fatal);
    }
    for (i = 0; i < h_ncalls; i++) {
        if (!selected(h_calls[i].fn, only))
            continue;
        reset_call(&h_calls[i]);
        alarm((unsigned)timeout_s);
        h_calls[i].run();
        alarm(0);
    }
    cur = NULL;
    /* The fixtures stay reachable until exit (no leak report for them). */
    return 0;
}
