/* ALPN: client SSL_set_alpn_protos (note: returns 0 on success), server
 * SSL_CTX_set_alpn_select_cb using SSL_select_next_proto; prints
 * SSL_get0_alpn_selected on both ends.  Cases: overlap (server preference
 * wins), no overlap with SSL_TLSEXT_ERR_NOACK (handshake succeeds without
 * ALPN), no overlap with SSL_TLSEXT_ERR_ALERT_FATAL (handshake fails,
 * no_application_protocol alert), client without ALPN (callback not
 * called), SSL_CTX_set_alpn_protos inherited by SSL_new.  Also
 * SSL_select_next_proto called directly. */
#include "common.h"

static const unsigned char srv_protos[] = "\x08http/1.1\x02h2";
static int g_fail_mode; /* 0 NOACK on no overlap, 1 ALERT_FATAL */

static int alpn_cb(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                   const unsigned char *in, unsigned int inlen, void *arg)
{
    int r;
    (void)ssl;
    printf("  alpn_cb: arg=%s client offered %u bytes\n", (const char *)arg, inlen);
    r = SSL_select_next_proto((unsigned char **)out, outlen, srv_protos,
                              sizeof(srv_protos) - 1, in, inlen);
    printf("  alpn_cb: SSL_select_next_proto=%d (%s) -> ", r,
           r == OPENSSL_NPN_NEGOTIATED ? "NEGOTIATED" : "NO_OVERLAP");
    print_escaped((const char *)*out, *outlen);
    printf("\n");
    if (r == OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_OK;
    return g_fail_mode ? SSL_TLSEXT_ERR_ALERT_FATAL : SSL_TLSEXT_ERR_NOACK;
}

static void show(const char *who, SSL *s)
{
    const unsigned char *p = NULL;
    unsigned int len = 12345;
    SSL_get0_alpn_selected(s, &p, &len);
    printf("%s: alpn selected len=%u ", who, len);
    if (p != NULL)
        print_escaped((const char *)p, len);
    else
        printf("(null)");
    printf("\n");
}

static void run(const char *title, const unsigned char *protos, unsigned int plen,
                int fail_mode, int maxv, int via_ctx)
{
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    int ok;

    printf("== %s (%s) ==\n", title, version_name(maxv));
    g_fail_mode = fail_mode;
    SSL_CTX_set_alpn_select_cb(sctx, alpn_cb, (void *)"cbarg");
    SSL_CTX_set_max_proto_version(cctx, maxv);
    if (via_ctx && protos)
        printf("client: SSL_CTX_set_alpn_protos=%d\n", SSL_CTX_set_alpn_protos(cctx, protos, plen));
    make_pair(cctx, sctx, &c, &s, 0);
    if (!via_ctx && protos)
        printf("client: SSL_set_alpn_protos=%d\n", SSL_set_alpn_protos(c, protos, plen));
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    show("client", c);
    show("server", s);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void direct(const char *title, const unsigned char *server, unsigned int slen,
                   const unsigned char *client, unsigned int clen)
{
    unsigned char *out = NULL;
    unsigned char outlen = 0;
    int r = SSL_select_next_proto(&out, &outlen, server, slen, client, clen);
    printf("select_next_proto %s: ret=%d out=", title, r);
    if (out)
        print_escaped((const char *)out, outlen);
    else
        printf("(null)");
    printf("\n");
}

int main(int argc, char **argv)
{
    static const unsigned char both[] = "\x02h2\x08http/1.1";
    static const unsigned char none[] = "\x06spdy/1\x03" "foo";
    static const unsigned char h2[] = "\x02h2";

    test_init(argc, argv);
    run("overlap, server preference", both, sizeof(both) - 1, 0, TLS1_3_VERSION, 0);
    run("overlap, server preference", both, sizeof(both) - 1, 0, TLS1_2_VERSION, 0);
    run("single protocol via SSL_CTX_set_alpn_protos", h2, sizeof(h2) - 1, 0, TLS1_3_VERSION, 1);
    run("no overlap, NOACK", none, sizeof(none) - 1, 0, TLS1_3_VERSION, 0);
    run("no overlap, ALERT_FATAL", none, sizeof(none) - 1, 1, TLS1_3_VERSION, 0);
    run("no overlap, ALERT_FATAL", none, sizeof(none) - 1, 1, TLS1_2_VERSION, 0);
    run("client sends no ALPN", NULL, 0, 0, TLS1_3_VERSION, 0);

    {
        /* malformed protocol lists are refused (return value 1) */
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        SSL *ssl = SSL_new(ctx);
        printf("SSL_set_alpn_protos(malformed)=%d\n",
               SSL_set_alpn_protos(ssl, (const unsigned char *)"\x05" "ab", 3));
        printf("SSL_set_alpn_protos(zero-length entry)=%d\n",
               SSL_set_alpn_protos(ssl, (const unsigned char *)"\x00\x02h2", 4));
        printf("SSL_set_alpn_protos(NULL, 0) (clears)=%d\n", SSL_set_alpn_protos(ssl, NULL, 0));
        ERR_clear_error();
        SSL_free(ssl);
        SSL_CTX_free(ctx);
    }
    direct("overlap", srv_protos, sizeof(srv_protos) - 1, both, sizeof(both) - 1);
    direct("no overlap", srv_protos, sizeof(srv_protos) - 1, none, sizeof(none) - 1);
    direct("client empty", srv_protos, sizeof(srv_protos) - 1, (const unsigned char *)"", 0);
    return test_end();
}
