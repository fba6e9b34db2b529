/* Helpers for the t_hostile_* programs (included, not compiled alone):
 * one side of a connection over separate memory BIOs is fed hand-made
 * bytes; what it sends back is described by describe_output(). */
#include "common.h"

/* Feeds n bytes to ssl's rbio. */
static __attribute__((unused)) void feed(SSL *ssl, const void *p, size_t n)
{
    if (n > 0 && BIO_write(SSL_get_rbio(ssl), p, (int)n) != (int)n)
        die("BIO_write");
}

/* Describes (and drains) what ssl wrote: nothing, a plaintext alert,
 * handshake records, or encrypted records (record boundaries and sizes are
 * not printed: they are an implementation detail). */
static __attribute__((unused)) void describe_output(const char *who, SSL *ssl)
{
    unsigned char buf[16384];
    int n = BIO_read(SSL_get_wbio(ssl), buf, sizeof(buf));
    int type, len;

    if (n <= 0) {
        printf("%s: sent nothing\n", who);
        return;
    }
    type = buf[0];
    len = n >= 5 ? (buf[3] << 8) | buf[4] : 0;
    if (type == 21 && len == 2 && n >= 7)
        printf("%s: sent alert(level=%d desc=%d %s)\n", who, buf[5], buf[6],
               SSL_alert_desc_string_long(buf[6]));
    else if (type == 21)
        printf("%s: sent an encrypted alert record\n", who);
    else if (type == 22)
        printf("%s: sent handshake records\n", who);
    else if (type == 23)
        printf("%s: sent encrypted record(s)\n", who);
    else
        printf("%s: sent record type %d\n", who, type);
    /* drain the rest */
    while (BIO_read(SSL_get_wbio(ssl), buf, sizeof(buf)) > 0)
        ;
}

/* Fresh client/server over separate memory BIOs. */
static __attribute__((unused)) void hostile_setup(SSL_CTX **cctx, SSL_CTX **sctx, SSL **c, SSL **s, int maxv)
{
    *cctx = make_client_ctx(SSL_VERIFY_PEER);
    *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_max_proto_version(*cctx, maxv);
    make_mem_pair(*cctx, *sctx, c, s);
}

static __attribute__((unused)) void hostile_teardown(SSL_CTX *cctx, SSL_CTX *sctx, SSL *c, SSL *s)
{
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* Reads the ClientHello out of the client (first handshake step). */
static __attribute__((unused)) int client_hello(SSL *c, unsigned char *buf, int cap)
{
    int r = SSL_do_handshake(c);
    if (r != -1 || SSL_get_error(c, r) != SSL_ERROR_WANT_READ)
        die("client first step");
    return BIO_read(SSL_get_wbio(c), buf, cap);
}

/* Server fed `bytes` instead of a ClientHello. */
static __attribute__((unused)) void server_gets(const char *title, const void *bytes, size_t n)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    int r;

    printf("== server gets %s ==\n", title);
    hostile_setup(&cctx, &sctx, &c, &s, 0);
    feed(s, bytes, n);
    r = SSL_do_handshake(s);
    print_result("server", "SSL_do_handshake", s, r);
    describe_output("server", s);
    hostile_teardown(cctx, sctx, c, s);
}

/* Client (after sending its ClientHello) fed `bytes` as the reply. */
static __attribute__((unused)) void client_gets(const char *title, const void *bytes, size_t n, int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    unsigned char ch[4096];
    int r;

    printf("== client (%s) gets %s ==\n", version_name(maxv), title);
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    client_hello(c, ch, sizeof(ch));
    feed(c, bytes, n);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake", c, r);
    describe_output("client", c);
    hostile_teardown(cctx, sctx, c, s);
}

/* Completed handshake, then `victim` (0 client, 1 server) is fed bytes
 * and SSL_read is called. */
static __attribute__((unused)) void after_handshake_gets(const char *title, int victim, const void *bytes, size_t n,
                                 int maxv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s, *v;
    char buf[64];
    int r;

    printf("== %s (%s) after handshake gets %s ==\n", victim ? "server" : "client",
           version_name(maxv), title);
    hostile_setup(&cctx, &sctx, &c, &s, maxv);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    /* drain tickets etc. */
    SSL_read(c, buf, sizeof(buf));
    ERR_clear_error();
    v = victim ? s : c;
    feed(v, bytes, n);
    r = SSL_read(v, buf, sizeof(buf));
    print_result(victim ? "server" : "client", "SSL_read", v, r);
    describe_output(victim ? "server" : "client", v);
    hostile_teardown(cctx, sctx, c, s);
}
