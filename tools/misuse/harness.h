/*
 * The API-misuse sweep's call harness (tools/misuse/): object constructors, the
 * per-call arena, guarded buffers and the transcript line of each call.
 *
 * gen.py writes one C function per call (target/misuse/calls.c); each builds its
 * arguments with the constructors below, calls the libssl function between
 * h_begin() and h_ret_*(), and ends with h_release().  See tools/misuse/README.md.
 */
#ifndef MISUSE_HARNESS_H
#define MISUSE_HARNESS_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/engine.h>
#include <openssl/comp.h>
#include <openssl/ct.h>
#include <openssl/rsa.h>
#include <openssl/srp.h>
#include <openssl/evp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One generated call. */
typedef struct {
    const char *fn;      /* the libssl function */
    const char *variant; /* "valid", "PARAM=NULL", "PARAM=INT_MAX", ... */
    void (*run)(void);
} h_call;

/* 1 while the current call is the all-valid one (ownership of consumed arguments is
 * then certain, see h_consumed). */
extern int h_valid;

/* ---- arena ---------------------------------------------------------------- */
typedef void (*h_free_fn)(void *);
/* Frees p with fr after the call (LIFO); returns p.  NULL p is ignored. */
void *h_track(void *p, h_free_fn fr);
/* The call took ownership of p: the arena no longer frees it.  In the valid call the
 * library must free it (a leak is a leak); in a misuse call the library may have
 * refused it, so p stays reachable from a registry instead (no false leak report). */
void h_consumed(const void *p);
/* Runs the arena's frees. */
void h_release(void);

/* ---- constructors (all tracked by the arena) --------------------------------- */
SSL_CTX *mk_ctx(void);          /* SSL_CTX_new(TLS_method()) */
SSL *mk_ssl(void);              /* SSL_new(fresh ctx), memory BIOs, connect state */
SSL *mk_ssl_server(void);       /* the same in accept state */
SSL_SESSION *mk_session(void);  /* d2i of data/session.pem (a TLS 1.2 server session) */
const SSL_CIPHER *mk_cipher(void); /* TLS_AES_128_GCM_SHA256 */
SSL_CONF_CTX *mk_cctx(void);    /* flags FILE|CLIENT|SERVER, a fresh SSL_CTX attached */
X509 *mk_x509(void);            /* server-rsa.pem */
EVP_PKEY *mk_pkey(void);        /* server-rsa.key */
EVP_PKEY *mk_dh(void);          /* ffdhe2048 parameters */
RSA *mk_rsa(void);
BIO *mk_membio(void);
BIO *mk_pembio(void);           /* a memory BIO holding data/session.pem */
BIO *mk_sslbio(void);           /* BIO_new_ssl(fresh ctx, client) */
X509_STORE *mk_store(void);
X509_VERIFY_PARAM *mk_param(void);
ENGINE *mk_engine(void);        /* the built-in "dynamic" engine */
BIGNUM *mk_bn(void);
COMP_METHOD *mk_comp(void);     /* COMP_zlib(): NULL without zlib */
CTLOG_STORE *mk_ctlog(void);
BIO_ADDR *mk_bioaddr(void);
FILE *mk_file(void);            /* tmpfile() */
OPENSSL_INIT_SETTINGS *mk_initsettings(void);
STACK_OF(X509_NAME) *mk_names(void); /* one name: the server certificate's subject */
STACK_OF(X509) *mk_chain(void);      /* empty */
STACK_OF(SSL_COMP) *mk_compstack(void); /* empty */

/* A guarded buffer (H_BUFCAP bytes followed by an inaccessible page): len bytes of
 * content, zeros after them.  A fresh one per argument of the call. */
#define H_BUFCAP 16384
unsigned char *mk_buf(const void *content, size_t len);
/* A pointer variable (for T ** arguments), initialised to init. */
void **mk_pp(void *init);
/* A callback of any type that is never meant to run: returns 0. */
long h_dummy_fn(void);
#define H_FN ((void *)h_dummy_fn)

/* Fixtures, filled by h_init. */
extern unsigned char *h_certder, *h_keyder, *h_sessder;
extern int h_certder_len, h_keyder_len, h_sessder_len;
extern char h_cert_file[], h_key_file[], h_ca_file[], h_certdir[], h_chain_file[];
extern char *h_argv[];          /* {"-cipher", "DEFAULT", NULL} for SSL_CONF_cmd_argv */
extern int h_fd;                /* /dev/null */

/* Free functions for the arena. */
void h_free_names(void *);
void h_free_chain(void *);
void h_free_ciphers(void *);
void h_free_crypto(void *);
void h_free_bio_all(void *);

/* ---- the transcript line ----------------------------------------------------- */
void h_begin(void);                 /* clears the error queue */
void h_ret_void(void);
void h_ret_s(long long v);
void h_ret_u(unsigned long long v);
void h_ret_p(const void *p);
void h_ret_time(long long v);       /* a time: "now" when within a day of time(NULL) */

#endif
