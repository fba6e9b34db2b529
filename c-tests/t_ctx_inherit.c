/* Defaults of a fresh SSL_CTX and SSL, and settings that SSL_new copies
 * from its SSL_CTX: verify mode/depth/callback, options, mode, min/max
 * protocol version, quiet shutdown, read_ahead; and that later changes to
 * the SSL_CTX do not affect an existing SSL (and vice versa). */
#include "common.h"

static int dummy_cb(int ok, X509_STORE_CTX *st)
{
    (void)st;
    return ok;
}

static void show(const char *who, SSL *s)
{
    printf("%s: verify_mode=%d verify_depth=%d verify_cb=%s options=0x%lx mode=0x%lx "
           "min=%s max=%s quiet=%d read_ahead=%d\n",
           who, SSL_get_verify_mode(s), SSL_get_verify_depth(s),
           SSL_get_verify_callback(s) == NULL ? "NULL"
           : SSL_get_verify_callback(s) == dummy_cb ? "dummy" : "other",
           (unsigned long)SSL_get_options(s), (unsigned long)SSL_get_mode(s),
           version_name((int)SSL_get_min_proto_version(s)),
           version_name((int)SSL_get_max_proto_version(s)), SSL_get_quiet_shutdown(s),
           SSL_get_read_ahead(s));
}

static void show_ctx(const char *who, SSL_CTX *c)
{
    printf("%s: verify_mode=%d verify_depth=%d options=0x%lx mode=0x%lx min=%s max=%s "
           "read_ahead=%ld session_cache_mode=0x%lx timeout=%ld\n",
           who, SSL_CTX_get_verify_mode(c), SSL_CTX_get_verify_depth(c),
           (unsigned long)SSL_CTX_get_options(c), (unsigned long)SSL_CTX_get_mode(c),
           version_name((int)SSL_CTX_get_min_proto_version(c)),
           version_name((int)SSL_CTX_get_max_proto_version(c)), (long)SSL_CTX_get_read_ahead(c),
           (unsigned long)SSL_CTX_get_session_cache_mode(c), (long)SSL_CTX_get_timeout(c));
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *a, *b;

    test_init(argc, argv);
    ctx = SSL_CTX_new(TLS_method());
    show_ctx("fresh ctx", ctx);
    a = SSL_new(ctx);
    show("fresh ssl", a);

    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, dummy_cb);
    SSL_CTX_set_verify_depth(ctx, 5);
    printf("set_options -> 0x%lx\n",
           (unsigned long)SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_CIPHER_SERVER_PREFERENCE));
    printf("clear_options -> 0x%lx\n",
           (unsigned long)SSL_CTX_clear_options(ctx, SSL_OP_NO_COMPRESSION));
    printf("set_mode -> 0x%lx\n",
           (unsigned long)SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE
                                                 | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER));
    printf("clear_mode -> 0x%lx\n", (unsigned long)SSL_CTX_clear_mode(ctx, SSL_MODE_AUTO_RETRY));
    printf("set_min_proto_version=%d\n", (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION));
    printf("set_max_proto_version=%d\n", (int)SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION));
    SSL_CTX_set_quiet_shutdown(ctx, 1);
    SSL_CTX_set_read_ahead(ctx, 1);
    show_ctx("changed ctx", ctx);
    show("old ssl after ctx changes", a);
    b = SSL_new(ctx);
    show("new ssl", b);

    /* per-SSL changes do not leak back */
    SSL_set_verify(b, SSL_VERIFY_NONE, NULL);
    SSL_set_verify_depth(b, 2);
    printf("ssl set_options -> 0x%lx\n", (unsigned long)SSL_set_options(b, SSL_OP_NO_RENEGOTIATION));
    printf("ssl clear_options -> 0x%lx\n", (unsigned long)SSL_clear_options(b, SSL_OP_NO_TICKET));
    printf("ssl set_mode -> 0x%lx\n", (unsigned long)SSL_set_mode(b, SSL_MODE_AUTO_RETRY));
    printf("ssl set_min_proto_version=%d\n", (int)SSL_set_min_proto_version(b, TLS1_3_VERSION));
    printf("ssl set_max_proto_version(0)=%d\n", (int)SSL_set_max_proto_version(b, 0));
    show("changed ssl", b);
    show_ctx("ctx unchanged", ctx);

    /* invalid versions are refused */
    printf("ctx set_min_proto_version(0x1234)=%d\n", (int)SSL_CTX_set_min_proto_version(ctx, 0x1234));
    printf("ssl set_max_proto_version(0x0305)=%d\n", (int)SSL_set_max_proto_version(b, 0x0305));
    ERR_clear_error();
    show("after invalid", b);
    SSL_free(a);
    SSL_free(b);
    SSL_CTX_free(ctx);
    return test_end();
}
