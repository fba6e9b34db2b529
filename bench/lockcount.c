/*
 * Lock counter for `make bench`: an LD_PRELOAD library that interposes the pthread
 * mutex and rwlock calls (the ones libcrypto's CRYPTO_THREAD_* locks are made of) and
 * counts them by the library that made the call: libcrypto, libssl (OpenSSL's or
 * oxissl's: the same file name), or anything else. oxissl's own Rust locks do not go
 * through these functions (std's Mutex/RwLock are futex-based); they are counted by the
 * library itself (see bench/run.sh).
 *
 * bench.c finds lockcount_read() with dlsym(RTLD_DEFAULT) and reads the counters around
 * a run of handshakes. With LOCKCOUNT_WHERE=1, each libcrypto acquisition inside the
 * window is also attributed to the libcrypto function the TLS library called (the
 * outermost libcrypto frame below a libssl frame) and lockcount_report() prints them;
 * with LOCKCOUNT_WHERE=2, by the chain of named libcrypto functions from the lock out.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { FROM_CRYPTO, FROM_SSL, FROM_OTHER, FROM_N };
enum { KIND_MUTEX, KIND_READ, KIND_WRITE, KIND_N };

static atomic_long g_count[FROM_N][KIND_N];
static atomic_int g_on;
static __thread int t_inside;

#define SITES 256
static struct site {
    const char *name;
    long n[KIND_N];
} g_sites[SITES];
static pthread_spinlock_t g_sites_lock;
static int g_where;

static int (*real_mutex_lock)(pthread_mutex_t *);
static int (*real_mutex_trylock)(pthread_mutex_t *);
static int (*real_rdlock)(pthread_rwlock_t *);
static int (*real_tryrdlock)(pthread_rwlock_t *);
static int (*real_wrlock)(pthread_rwlock_t *);
static int (*real_trywrlock)(pthread_rwlock_t *);

__attribute__((constructor)) static void init(void)
{
    real_mutex_lock = dlsym(RTLD_NEXT, "pthread_mutex_lock");
    real_mutex_trylock = dlsym(RTLD_NEXT, "pthread_mutex_trylock");
    real_rdlock = dlsym(RTLD_NEXT, "pthread_rwlock_rdlock");
    real_tryrdlock = dlsym(RTLD_NEXT, "pthread_rwlock_tryrdlock");
    real_wrlock = dlsym(RTLD_NEXT, "pthread_rwlock_wrlock");
    real_trywrlock = dlsym(RTLD_NEXT, "pthread_rwlock_trywrlock");
    pthread_spin_init(&g_sites_lock, 0);
    g_where = getenv("LOCKCOUNT_WHERE") != NULL ? atoi(getenv("LOCKCOUNT_WHERE")) : 0;
}

static int from_lib(const void *addr)
{
    Dl_info info;
    if (addr == NULL || !dladdr(addr, &info) || info.dli_fname == NULL)
        return FROM_OTHER;
    const char *base = strrchr(info.dli_fname, '/');
    base = base ? base + 1 : info.dli_fname;
    if (!strncmp(base, "libcrypto.so", 12))
        return FROM_CRYPTO;
    if (!strncmp(base, "libssl.so", 9))
        return FROM_SSL;
    return FROM_OTHER;
}

/* The libcrypto function the TLS library called: walking out from the lock call, the
 * last libcrypto frame before the first libssl frame. */
static void attribute(int kind)
{
    void *frames[64];
    int n = backtrace(frames, 64);
    const char *name = "(not below libssl)";
    Dl_info info;
    if (g_where == 2) {
        /* The named libcrypto functions from the lock outwards, up to the TLS library. */
        static __thread char chain[512];
        chain[0] = 0;
        int i = 1;
        while (i < n && from_lib(frames[i]) != FROM_CRYPTO)
            i++;
        for (; i < n && from_lib(frames[i]) == FROM_CRYPTO; i++)
            if (dladdr(frames[i], &info) && info.dli_sname != NULL && strlen(chain) + strlen(info.dli_sname) + 4 < sizeof chain
                && strncmp(info.dli_sname, "CRYPTO_THREAD_", 14) != 0) {
                if (chain[0])
                    strcat(chain, " < ");
                strcat(chain, info.dli_sname);
            }
        name = strdup(chain[0] ? chain : "(unnamed)");
        goto record;
    }
    for (int i = 1; i + 1 < n; i++) {
        if (from_lib(frames[i]) == FROM_CRYPTO && from_lib(frames[i + 1]) == FROM_SSL) {
            if (dladdr(frames[i], &info) && info.dli_sname != NULL)
                name = info.dli_sname;
            else
                name = "(unnamed libcrypto function)";
            break;
        }
    }
record:
    pthread_spin_lock(&g_sites_lock);
    for (int i = 0; i < SITES; i++) {
        if (g_sites[i].name == NULL)
            g_sites[i].name = name;
        if (g_sites[i].name == name || !strcmp(g_sites[i].name, name)) {
            g_sites[i].n[kind]++;
            break;
        }
    }
    pthread_spin_unlock(&g_sites_lock);
}

static void count(const void *caller, int kind)
{
    if (!atomic_load_explicit(&g_on, memory_order_relaxed) || t_inside)
        return;
    t_inside = 1;
    int from = from_lib(caller);
    atomic_fetch_add_explicit(&g_count[from][kind], 1, memory_order_relaxed);
    if (g_where && from == FROM_CRYPTO)
        attribute(kind);
    t_inside = 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    count(__builtin_return_address(0), KIND_MUTEX);
    return real_mutex_lock(m);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    count(__builtin_return_address(0), KIND_MUTEX);
    return real_mutex_trylock(m);
}

int pthread_rwlock_rdlock(pthread_rwlock_t *l)
{
    count(__builtin_return_address(0), KIND_READ);
    return real_rdlock(l);
}

int pthread_rwlock_tryrdlock(pthread_rwlock_t *l)
{
    count(__builtin_return_address(0), KIND_READ);
    return real_tryrdlock(l);
}

int pthread_rwlock_wrlock(pthread_rwlock_t *l)
{
    count(__builtin_return_address(0), KIND_WRITE);
    return real_wrlock(l);
}

int pthread_rwlock_trywrlock(pthread_rwlock_t *l)
{
    count(__builtin_return_address(0), KIND_WRITE);
    return real_trywrlock(l);
}

/* Starts counting (on = 1) or stops it; out[from * 3 + kind] gets the totals so far. */
void lockcount_read(int on, long out[FROM_N * KIND_N])
{
    atomic_store(&g_on, on);
    for (int f = 0; f < FROM_N; f++)
        for (int k = 0; k < KIND_N; k++)
            out[f * KIND_N + k] = atomic_load(&g_count[f][k]);
}

/* Prints the attributed libcrypto acquisitions, divided by `per` (handshakes). */
void lockcount_report(FILE *f, long per)
{
    for (int i = 0; i < SITES && g_sites[i].name != NULL; i++)
        fprintf(f, "  %-40s read %7.2f  write %6.2f  mutex %6.2f\n", g_sites[i].name,
                (double)g_sites[i].n[KIND_READ] / per, (double)g_sites[i].n[KIND_WRITE] / per,
                (double)g_sites[i].n[KIND_MUTEX] / per);
}
