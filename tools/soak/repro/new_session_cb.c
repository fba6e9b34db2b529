/* new_session_cb.c -- how many sessions a server hands to an external session cache (nginx's
 * ssl_session_cache shared: SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL, a new-session
 * callback, tickets on) per handshake, for each kind of handshake the soak makes.
 *
 *   cc -o nscb tools/soak/repro/new_session_cb.c -lssl -lcrypto
 *   ./nscb CERT KEY CA ; LD_LIBRARY_PATH=target/release ./nscb CERT KEY CA
 *
 * Client and server are in this process, over a pair of memory BIOs; the server's
 * new-session callback counts (and keeps) the sessions it is given and adds up their
 * i2d_SSL_SESSION sizes (nginx stores that DER), the get-session callback looks them up by ID
 * (as nginx's shared cache does).  Also printed: the server's SSL_get_extms_support.
 * With DUMP=1 the sessions handed to the callback are written to stderr (PEM; read them with
 * `openssl sess_id -text` or `openssl asn1parse`). */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/pem.h>

#define MAXS 64
static SSL_SESSION *cache[MAXS];
static int ncache, calls, bytes;

static int new_cb(SSL *s, SSL_SESSION *sess)
{
    (void)s;
    calls++;
    if (getenv("DUMP")) PEM_write_SSL_SESSION(stderr, sess);
    bytes += i2d_SSL_SESSION(sess, NULL);   /* what nginx stores in its shared cache */
    if (ncache < MAXS) cache[ncache++] = sess;   /* keep the reference */
    else SSL_SESSION_free(sess);
    return 1;
}

static SSL_SESSION *get_cb(SSL *s, const unsigned char *id, int len, int *copy)
{
    (void)s;
    *copy = 1;
    for (int i = 0; i < ncache; i++) {
        unsigned int l;
        const unsigned char *x = SSL_SESSION_get_id(cache[i], &l);
        if ((int)l == len && memcmp(x, id, l) == 0) return cache[i];
    }
    return NULL;
}

/* one connection; returns the client's session (for the next one) */
static SSL_SESSION *conn(SSL_CTX *sctx, SSL_CTX *cctx, SSL_SESSION *offer, const char *what)
{
    SSL *c = SSL_new(cctx), *s = SSL_new(sctx);
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(c, s2c, c2s);
    SSL_set_bio(s, c2s, s2c);
    SSL_set_tlsext_host_name(c, "localhost");
    if (offer) SSL_set_session(c, offer);
    SSL_set_connect_state(c);
    SSL_set_accept_state(s);
    int before = calls, before_bytes = bytes;
    for (int i = 0; i < 20; i++) {
        SSL_do_handshake(c);
        SSL_do_handshake(s);
    }
    /* application data both ways so TLS 1.3 tickets are sent and read */
    char buf[64];
    SSL_write(s, "hi", 2);
    SSL_read(c, buf, sizeof buf);
    SSL_write(c, "hi", 2);
    SSL_read(s, buf, sizeof buf);
    printf("  %-40s %s %-8s new-session callbacks: %d (%d bytes of DER), SSL_get_extms_support %ld\n",
           what, SSL_get_version(s), SSL_session_reused(s) ? "resumed" : "full", calls - before,
           bytes - before_bytes, (long)SSL_get_extms_support(s));
    SSL_SESSION *sess = SSL_get1_session(c);
    SSL_shutdown(c);
    SSL_shutdown(s);
    SSL_free(c);
    SSL_free(s);
    return sess;
}

int main(int argc, char **argv)
{
    if (argc < 4) { fprintf(stderr, "usage: %s CERT KEY CA\n", argv[0]); return 2; }
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(sctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(sctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    SSL_CTX_set_session_cache_mode(sctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
    SSL_CTX_sess_set_new_cb(sctx, new_cb);
    SSL_CTX_sess_set_get_cb(sctx, get_cb);
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"soak", 4);
    for (int v = 0; v < 2; v++) {
        for (int noticket = 0; noticket < 2; noticket++) {
            int ver = v ? TLS1_3_VERSION : TLS1_2_VERSION;
            SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
            SSL_CTX_load_verify_locations(cctx, argv[3], NULL);
            SSL_CTX_set_min_proto_version(cctx, ver);
            SSL_CTX_set_max_proto_version(cctx, ver);
            if (noticket) SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
            char what[80];
            snprintf(what, sizeof what, "client %s%s:", v ? "TLS 1.3" : "TLS 1.2", noticket ? " with SSL_OP_NO_TICKET" : "");
            printf("%s\n", what);
            SSL_SESSION *s1 = conn(sctx, cctx, NULL, "first connection");
            SSL_SESSION *s2 = conn(sctx, cctx, s1, "second, offering the first's session");
            SSL_SESSION *s3 = conn(sctx, cctx, s2, "third, offering the second's session");
            SSL_SESSION_free(s1);
            SSL_SESSION_free(s2);
            SSL_SESSION_free(s3);
            SSL_CTX_free(cctx);
        }
    }
    return 0;
}
