/* SNI on the server: SSL_CTX_set_tlsext_servername_callback (+ _arg); the
 * callback reads SSL_get_servername / SSL_get_servername_type and, for
 * "wrong.example", switches the connection to a second SSL_CTX (different
 * certificate) with SSL_set_SSL_CTX; unknown names are refused with
 * SSL_TLSEXT_ERR_ALERT_FATAL (unrecognized_name alert).  The client prints
 * the certificate it saw.  The callback also looks at the session the server
 * works on (OpenSSL has one from the ClientHello on, without a host name yet),
 * as nginx does. */
#include "common.h"

static SSL_CTX *g_other;

static int sni_cb(SSL *s, int *al, void *arg)
{
    const char *name = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
    (void)al;
    SSL_SESSION *sess = SSL_get0_session(s);
    const char *sess_host = sess ? SSL_SESSION_get0_hostname(sess) : NULL;
    printf("  sni_cb: arg=%s servername=%s type=%d\n", (const char *)arg,
           name ? name : "(null)", SSL_get_servername_type(s));
    /* nginx reads the session's host name here (ssl_verify_client with SNI) */
    printf("  sni_cb: session=%s session hostname=%s\n", sess ? "yes" : "no", sess_host ? sess_host : "(null)");
    if (name == NULL || strcmp(name, "localhost") == 0)
        return SSL_TLSEXT_ERR_OK;
    if (strcmp(name, "wrong.example") == 0) {
        SSL_CTX *r = SSL_set_SSL_CTX(s, g_other);
        printf("  sni_cb: SSL_set_SSL_CTX returned the new ctx=%d, get_SSL_CTX matches=%d\n",
               r == g_other, SSL_get_SSL_CTX(s) == g_other);
        return SSL_TLSEXT_ERR_OK;
    }
    if (strcmp(name, "ignored.example") == 0)
        return SSL_TLSEXT_ERR_NOACK;
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

static void run(SSL_CTX *sctx, const char *sni, const char *host, int maxv)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    int ok;
    const char *n;

    printf("== SNI %s, expecting host %s (%s) ==\n", sni ? sni : "(none)", host,
           version_name(maxv));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    make_pair(cctx, sctx, &c, &s, 0);
    if (sni)
        printf("client: set_tlsext_host_name=%ld\n", (long)SSL_set_tlsext_host_name(c, sni));
    SSL_set1_host(c, host);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    if (ok) {
        print_peer_cert("client", c);
        print_verify_result("client", c);
        n = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
        printf("server: after handshake servername=%s\n", n ? n : "(null)");
        printf("server: SSL_get_SSL_CTX is other=%d\n", SSL_get_SSL_CTX(s) == g_other);
        n = SSL_get_servername(c, TLSEXT_NAMETYPE_host_name);
        printf("client: servername=%s\n", n ? n : "(null)");
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *sctx;

    test_init(argc, argv);
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    g_other = make_server_ctx("wronghost.pem", "wronghost.key");
    printf("set_tlsext_servername_callback=%ld\n",
           (long)SSL_CTX_set_tlsext_servername_callback(sctx, sni_cb));
    printf("set_tlsext_servername_arg=%ld\n",
           (long)SSL_CTX_set_tlsext_servername_arg(sctx, (void *)"myarg"));
    run(sctx, "localhost", "localhost", TLS1_3_VERSION);
    run(sctx, "wrong.example", "wrong.example", TLS1_3_VERSION);
    run(sctx, "wrong.example", "wrong.example", TLS1_2_VERSION);
    run(sctx, NULL, "localhost", TLS1_3_VERSION);
    run(sctx, "ignored.example", "localhost", TLS1_3_VERSION);
    run(sctx, "unknown.example", "localhost", TLS1_3_VERSION);
    run(sctx, "unknown.example", "localhost", TLS1_2_VERSION);
    SSL_CTX_free(sctx);
    SSL_CTX_free(g_other);
    return test_end();
}
