/*
 * Shared helpers for the oxissl differential C tests.
 *
 * Every test program prints a deterministic transcript on stdout (no ports,
 * pointers, timestamps, random bytes or key material).  Diagnostics that may
 * vary go to stderr, which the runner keeps but does not compare.
 */
#ifndef OXTEST_COMMON_H
#define OXTEST_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

/* ---- setup ------------------------------------------------------------ */

/* Parses argv (argv[1] = certificate directory), makes stdout line
 * buffered, ignores SIGPIPE, arms the global timeout (env OXTEST_TIMEOUT,
 * seconds, default 30) and, when OXISSL_EXPECT_LIB is set, checks that the
 * libssl.so.3 mapped into the process comes from that directory (exit 97
 * otherwise).  Prints nothing. */
void test_init(int argc, char **argv);

/* Kills remaining children, flushes; returns the exit status to use. */
int test_end(void);

/* Prints "FATAL: msg" to stdout and exits 2 (used for test-setup failures
 * that are not the behaviour under test). */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* certdir/name, in one of 8 rotating static buffers. */
const char *cpath(const char *name);

/* ---- printing --------------------------------------------------------- */

const char *ssl_error_name(int err);
const char *version_name(int v); /* TLS1_2_VERSION -> "TLS1_2_VERSION" */

/* Prints the first queued error as
 *   "<who>: ERR lib=L reason=R 'error:...'"
 * or "<who>: ERR none", then clears the whole queue. */
void print_err(const char *who);

/* Prints "<who>: <what> ret=R err=NAME(n)" using SSL_get_error; when the
 * error is SSL_ERROR_SSL or SSL_ERROR_SYSCALL, also the first queued error
 * (print_err).  Always clears the error queue.  Returns SSL_get_error. */
int print_result(const char *who, const char *what, SSL *ssl, int ret);

/* Same, but only prints when err is not WANT_READ/WANT_WRITE. */
int print_result_quiet(const char *who, const char *what, SSL *ssl, int ret);

/* "<who>: version=... cipher=..." */
void print_session_info(const char *who, SSL *ssl);

/* "<who>: verify_result=N (string)" */
void print_verify_result(const char *who, SSL *ssl);

/* "<who>: peer cert subject=/O=.../CN=..." or "<who>: peer cert none" */
void print_peer_cert(const char *who, SSL *ssl);

/* X509_NAME_oneline into a static buffer */
const char *name_str(const X509_NAME *n);

/* ---- contexts --------------------------------------------------------- */

/* TLS_server_method ctx with certdir/cert as chain file and certdir/key
 * as private key; dies if anything fails. */
SSL_CTX *make_server_ctx(const char *cert, const char *key);

/* TLS_client_method ctx trusting certdir/ca.pem, verify mode as given
 * (no callback). */
SSL_CTX *make_client_ctx(int verify_mode);

/* ---- in-process connections ------------------------------------------ */

/* Creates client and server SSL objects connected through a BIO pair
 * (BIO_new_bio_pair, buffer sizes bufsz, 0 = default) and puts them in
 * connect / accept state.  *c and *s own the BIOs. */
void make_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL **c, SSL **s, size_t bufsz);

/* Creates client and server SSL objects, each with its own memory BIOs
 * (rbio/wbio); bytes have to be moved with xfer(). */
void make_mem_pair(SSL_CTX *cctx, SSL_CTX *sctx, SSL **c, SSL **s);

/* Moves everything pending in from's wbio into to's rbio (memory BIO
 * transport created by make_mem_pair).  Returns the number of bytes. */
size_t xfer(SSL *from, SSL *to);

/* Drives the handshake of c and s (both in-process, non-blocking BIOs:
 * BIO pair or mem pair, the latter moved with xfer).  If verbose, each call
 * is printed ("client: SSL_do_handshake ret=-1 err=SSL_ERROR_WANT_READ(2)");
 * otherwise only final failures are printed.  Continues stepping the other
 * side after one side fails so that it processes the alert.
 * Returns 1 when both sides completed, 0 otherwise.  *cres / *sres (may be
 * NULL) receive each side's last SSL_do_handshake return. */
int do_handshake(SSL *c, SSL *s, int verbose, int *cres, int *sres);

/* Sends msg from a to b (in-process) and prints what b read. */
void exchange(SSL *a, const char *an, SSL *b, const char *bn, const char *msg);

/* Frees both SSL objects (NULL ok). */
void free_pair(SSL *c, SSL *s);

/* ---- sockets ---------------------------------------------------------- */

int tcp_listen(int *port);              /* 127.0.0.1, port 0 -> *port */
int tcp_accept(int lfd, int timeout_ms); /* -1 on timeout */
int tcp_connect(int port);               /* blocking connect to 127.0.0.1 */
void set_nonblock(int fd);
void set_sock_timeouts(int fd, int seconds);

/* ---- child processes (system `openssl` command, clean environment) ---- */

typedef struct {
    pid_t pid;
    int in_fd;   /* write end of child's stdin, -1 if none */
    int out_fd;  /* read end of child's stdout */
} child_t;

/* Runs the system openssl binary (env OXTEST_OPENSSL or /usr/bin/openssl)
 * with argv args (args[0] is ignored and replaced), with LD_LIBRARY_PATH,
 * LD_PRELOAD and other LD_* / OXISSL_* variables removed from the
 * environment.  stdin and stdout are pipes; stderr is inherited.  The
 * child is registered and killed by test_end() or on timeout. */
child_t spawn_openssl(const char *const *args);

/* Starts `openssl s_server -4 -accept 0 -naccept 1 -cert .. -key .. <extra>`
 * and waits (bounded) for its "ACCEPT host:port" line.  Returns the port
 * or dies. */
int start_s_server(child_t *ch, const char *cert, const char *key,
                   const char *const *extra);

/* Waits up to timeout_ms for the child to exit; kills it (SIGKILL) on
 * timeout.  Returns the exit status, 128+signal if signalled, or -1 on
 * timeout. */
int wait_child(child_t *ch, int timeout_ms);

/* Reads everything the child wrote to stdout (after it exited); returns a
 * malloc'd NUL-terminated string.  Closes out_fd. */
char *child_output(child_t *ch);

/* Prints s as a C-escaped string in quotes (no newline). */
void print_escaped(const char *s, size_t n);

#endif
