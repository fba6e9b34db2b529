/* Helpers for the t_hostile_* programs (included, not compiled alone):
 * one side of a connection over separate memory BIOs is fed hand-made
 * bytes; what it sends back is described by describe_output(). */
#include "common.h"

/* Feeds n bytes to ssl's rbio. */
static void feed(SSL *ssl, const void *p, size_t n)
{
    if (n > 0 && BIO_write(SSL_get_rbio(ssl), p, (int)n) != (int)n)
        die("BIO_write");
}

/* Describes (and drains) what ssl wrote: nothing, a plaintext alert, or
 * other records (types only). */
static void describe_output(const char *who, SSL *ssl)
{
    unsigned char buf[16384];
    int n = BIO_read(SSL_get_wbio(ssl), buf, sizeof(buf));
    int off = 0;

    if (n <= 0) {
        printf("%s: sent nothing\n", who);
        return;
    }
    printf("%s: sent", who);
    while (off + 5 <= n) {
        int type = buf[off], len = (buf[off + 3] << 8) | buf[off + 4];
        if (type == 21 && len == 2 && off + 7 <= n)
            printf(" alert(level=%d desc=%d %s)", buf[off + 5], buf[off + 6],
                   SSL_alert_desc_string_long(buf[off + 6]));
        else
            printf(" record(type=%d)", type);
        off += 5 + len;
    }
    printf("\n");
    /* drain the rest */
    while (BIO_read(SSL_get_wbio(ssl), buf, sizeof(buf)) > 0)
        ;
}

/* Fresh client/server over separate memory BIOs. */
static void hostile_setup(SSL_CTX **cctx, SSL_CTX **sctx, SSL **c, SSL **s, int maxv)
{
    *cctx = make_client_ctx(SSL_VERIFY_PEER);
    *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_max_proto_version(*cctx, maxv);
    make_mem_pair(*cctx, *sctx, c, s);
}

static void hostile_teardown(SSL_CTX *cctx, SSL_CTX *sctx, SSL *c, SSL *s)
{
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* Reads the ClientHello out of the client (first handshake step). */
static int client_hello(SSL *c, unsigned char *buf, int cap)
{
    int r = SSL_do_handshake(c);
    if (r != -1 || SSL_get_error(c, r) != SSL_ERROR_WANT_READ)
        die("client first step");
    return BIO_read(SSL_get_wbio(c), buf, cap);
}

/* Server fed `bytes` instead of a ClientHello. */
static void server_gets(const char *title, const void *bytes, size_t n)
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
static void client_gets(const char *title, const void *bytes, size_t n, int maxv)
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
static void after_handshake_gets(const char *title, int victim, const void *bytes, size_t n,
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
