/* Callbacks that return garbage, and callbacks that call back into the library (issue
 * #10, misuse), TLS 1.3 and TLS 1.2 over BIO pairs:
 *   - ALPN select: 42, -1, SSL_TLSEXT_ERR_ALERT_WARNING, OK with a protocol the client
 *     did not offer (a pointer outside the list), OK with length 0, OK choosing nothing,
 *     NOACK (the baseline);
 *   - servername callback returning 42 (and -3);
 *   - client hello callback returning -5 once (suspends) then 7;
 *   - new-session callback returning 7 (the application keeps the reference, and frees
 *     it later);
 *   - verify callback returning 2 (and -1) for an untrusted chain;
 *   - ticket key callback (HMAC) returning 3 when sealing and opening;
 *   - re-entrant calls: SSL_get_* queries, SSL_set_* setters and SSL_CTX_* calls from
 *     the servername, ALPN, client hello, new-session and verify callbacks; SSL_write
 *     from the info callback at handshake done; SSL_shutdown from the servername
 *     callback.
 * SSL_free of the connection from its own callback is undefined in OpenSSL: not done. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/hmac.h>

static int g_alpn_mode, g_sni_ret, g_hello_calls, g_hello_first, g_verify_ret, g_info_write;
static int g_sni_shutdown;
static SSL_SESSION *g_kept[16];
static int g_nkept;
static const unsigned char g_h3[] = "h3";

static int alpn_cb(SSL *s, const unsigned char **out, unsigned char *outlen, const unsigned char *in,
                   unsigned int inlen, void *arg)
{
    (void)arg;
    printf("  alpn_cb: offered %u bytes, version=%s servername=%s\n", inlen, SSL_get_version(s),
           SSL_get_servername(s, TLSEXT_NAMETYPE_host_name) ? "set" : "none");
    switch (g_alpn_mode) {
    case 0:
        return SSL_TLSEXT_ERR_NOACK;
    case 1:
        *out = in + 1;
        *outlen = in[0];
        return 42;
    case 2:
        *out = in + 1;
        *outlen = in[0];
        return -1;
    case 3:
        *out = in + 1;
        *outlen = in[0];
        return SSL_TLSEXT_ERR_ALERT_WARNING;
    case 4: /* a protocol the client never offered, outside its list */
        *out = g_h3;
        *outlen = 2;
        return SSL_TLSEXT_ERR_OK;
    case 5:
        *out = in + 1;
        *outlen = 0;
        return SSL_TLSEXT_ERR_OK;
    default: /* OK without choosing anything */
        return SSL_TLSEXT_ERR_OK;
    }
}

static int sni_cb(SSL *s, int *al, void *arg)
{
    int r;

    (void)al;
    (void)arg;
    printf("  sni_cb: servername=%s is_server=%d\n", SSL_get_servername(s, TLSEXT_NAMETYPE_host_name),
           SSL_is_server(s));
    /* setters and context calls from inside the callback */
    SSL_set_verify_depth(s, 3);
    SSL_CTX_set_timeout(SSL_get_SSL_CTX(s), 600);
    printf("  sni_cb: verify_depth=%d ctx timeout=%ld\n", SSL_get_verify_depth(s),
           SSL_CTX_get_timeout(SSL_get_SSL_CTX(s)));
    if (g_sni_shutdown) {
        r = SSL_shutdown(s);
        printf("  sni_cb: SSL_shutdown ret=%d\n", r);
        print_err("  sni_cb");
    }
    return g_sni_ret;
}

static int hello_cb(SSL *s, int *al, void *arg)
{
    const unsigned char *p = NULL;
    size_t n;

    (void)al;
    (void)arg;
    g_hello_calls++;
    n = SSL_client_hello_get0_ciphers(s, &p);
    printf("  hello_cb: call %d, ciphers present=%d, isv2=%d\n", g_hello_calls, n > 0,
           SSL_client_hello_isv2(s));
    if (g_hello_calls == 1)
        return g_hello_first;
    return 7;
}

static int new_session_cb(SSL *s, SSL_SESSION *sess)
{
    printf("  new_session_cb: server=%d resumable=%d\n", SSL_is_server(s), SSL_SESSION_is_resumable(sess));
    if (g_nkept < (int)(sizeof(g_kept) / sizeof(g_kept[0])))
        g_kept[g_nkept++] = sess; /* returning non-zero: the reference is ours */
    return 7;
}

static int verify_cb(int ok, X509_STORE_CTX *x)
{
    SSL *s = X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());

    printf("  verify_cb: ok=%d depth=%d err=%d server=%d\n", ok, X509_STORE_CTX_get_error_depth(x),
           X509_STORE_CTX_get_error(x), s ? SSL_is_server(s) : -1);
    return ok ? 1 : g_verify_ret;
}

static unsigned char g_key_name[16] = "misuse-key-0001";

static int ticket_cb(SSL *s, unsigned char *name, unsigned char *iv, EVP_CIPHER_CTX *ectx,
                     HMAC_CTX *hctx, int enc)
{
    static const unsigned char aes[32] = "0123456789abcdef0123456789abcde";
    static const unsigned char mac[32] = "fedcba9876543210fedcba987654321";

    (void)s;
    if (enc) {
        memcpy(name, g_key_name, 16);
        memset(iv, 'i', 16);
        EVP_EncryptInit_ex(ectx, EVP_aes_256_cbc(), NULL, aes, iv);
        HMAC_Init_ex(hctx, mac, 32, EVP_sha256(), NULL);
        printf("  ticket_cb: seal -> 3\n");
        return 3;
    }
    if (memcmp(name, g_key_name, 16) != 0) {
        printf("  ticket_cb: open unknown key -> 0\n");
        return 0;
    }
    EVP_DecryptInit_ex(ectx, EVP_aes_256_cbc(), NULL, aes, iv);
    HMAC_Init_ex(hctx, mac, 32, EVP_sha256(), NULL);
    printf("  ticket_cb: open -> 3\n");
    return 3;
}

static void info_cb(const SSL *cs, int where, int ret)
{
    SSL *s = (SSL *)cs;
    int r;

    (void)ret;
    if (!(where & SSL_CB_HANDSHAKE_DONE) || !SSL_is_server(s) || !g_info_write)
        return;
    g_info_write = 0; /* the first handshake done only */
    printf("  info_cb: handshake done, version=%s cipher=%s shutdown=%d pending=%d\n", SSL_get_version(s),
           SSL_CIPHER_get_name(SSL_get_current_cipher(s)), SSL_get_shutdown(s), SSL_pending(s));
    SSL_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE);
    printf("  info_cb: ctx sessions=%ld\n", SSL_CTX_sess_number(SSL_get_SSL_CTX(s)));
    r = SSL_write(s, "from the info callback", 22);
    printf("  info_cb: SSL_write ret=%d\n", r);
    print_err("  info_cb");
}

static void handshake(const char *what, SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, SSL_SESSION **got)
{
    SSL *c, *s;
    char buf[64];
    const unsigned char *alpn = NULL;
    unsigned int alpnlen = 0;
    int ok, r;

    printf("%s:\n", what);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_tlsext_host_name(c, "localhost");
    if (offer)
        SSL_set_session(c, offer);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("  handshake=%d\n", ok);
    if (ok) {
        SSL_get0_alpn_selected(c, &alpn, &alpnlen);
        printf("  client: alpn=");
        if (alpn)
            print_escaped((const char *)alpn, alpnlen);
        else
            printf("none");
        printf(" reused=%d verify_result=%ld\n", SSL_session_reused(c), SSL_get_verify_result(c));
        r = SSL_read(c, buf, sizeof(buf) - 1);
        if (r > 0) {
            printf("  client: read ");
            print_escaped(buf, (size_t)r);
            printf("\n");
        } else {
            print_result_quiet("  client", "SSL_read", c, r);
        }
        exchange(c, "  client", s, "  server", "ping");
        if (got)
            *got = SSL_get1_session(c);
        SSL_shutdown(c);
        SSL_shutdown(s);
    }
    ERR_clear_error();
    free_pair(c, s);
}

static SSL_CTX *client_ctx(int v)
{
    SSL_CTX *c = make_client_ctx(SSL_VERIFY_PEER);

    SSL_CTX_set_max_proto_version(c, v);
    SSL_CTX_set_alpn_protos(c, (const unsigned char *)"\x02h2\x08http/1.1", 12);
    return c;
}

static void run(int v)
{
    static const char *alpn_names[] = {"NOACK", "42", "-1", "ALERT_WARNING", "OK with \"h3\" (not offered)",
                                       "OK with length 0", "OK choosing nothing"};
    SSL_CTX *cctx = client_ctx(v), *sctx;
    SSL_SESSION *sess = NULL;
    char what[96];
    int i;

    printf("== %s ==\n", version_name(v));
    for (i = 0; i < 7; i++) {
        sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
        SSL_CTX_set_alpn_select_cb(sctx, alpn_cb, NULL);
        g_alpn_mode = i;
        snprintf(what, sizeof(what), "ALPN select returns %s", alpn_names[i]);
        handshake(what, cctx, sctx, NULL, NULL);
        SSL_CTX_free(sctx);
    }

    for (i = 0; i < 3; i++) {
        static const int rets[] = {42, -3, SSL_TLSEXT_ERR_OK};
        sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
        SSL_CTX_set_tlsext_servername_callback(sctx, sni_cb);
        g_sni_ret = rets[i];
        g_sni_shutdown = i == 2;
        snprintf(what, sizeof(what), "servername callback returns %d%s", rets[i],
                 g_sni_shutdown ? " after SSL_shutdown" : "");
        handshake(what, cctx, sctx, NULL, NULL);
        SSL_CTX_free(sctx);
    }
    g_sni_shutdown = 0;

    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_client_hello_cb(sctx, hello_cb, NULL);
    g_hello_calls = 0;
    g_hello_first = -5;
    {
        SSL *c, *s;
        int r, k;

        printf("client hello callback returns -5, then 7:\n");
        make_pair(cctx, sctx, &c, &s, 0);
        r = SSL_do_handshake(c);
        print_result("  client", "SSL_do_handshake", c, r);
        for (k = 0; k < 2; k++) {
            r = SSL_do_handshake(s);
            print_result("  server", "SSL_do_handshake", s, r);
        }
        printf("  handshake=%d\n", do_handshake(c, s, 0, NULL, NULL));
        exchange(c, "  client", s, "  server", "after the suspension");
        free_pair(c, s);
    }
    SSL_CTX_free(sctx);

    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_sess_set_new_cb(cctx, new_session_cb);
    SSL_CTX_sess_set_new_cb(sctx, new_session_cb);
    handshake("new-session callbacks return 7", cctx, sctx, NULL, NULL);
    SSL_CTX_sess_set_new_cb(cctx, NULL);
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_OFF);
    printf("  sessions kept by the callbacks: %d\n", g_nkept);
    while (g_nkept > 0)
        SSL_SESSION_free(g_kept[--g_nkept]);
    SSL_CTX_free(sctx);

    for (i = 0; i < 2; i++) {
        static const int rets[] = {2, -1};
        SSL_CTX *vc = client_ctx(v);

        sctx = make_server_ctx("unknownca.pem", "unknownca.key");
        SSL_CTX_set_verify(vc, SSL_VERIFY_PEER, verify_cb);
        g_verify_ret = rets[i];
        snprintf(what, sizeof(what), "verify callback returns %d (untrusted chain)", rets[i]);
        handshake(what, vc, sctx, NULL, NULL);
        SSL_CTX_free(sctx);
        SSL_CTX_free(vc);
    }

    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_tlsext_ticket_key_cb(sctx, ticket_cb);
    handshake("ticket key callback returns 3 (seal)", cctx, sctx, NULL, &sess);
    handshake("ticket key callback returns 3 (open)", cctx, sctx, sess, NULL);
    SSL_SESSION_free(sess);
    SSL_CTX_free(sctx);

    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_info_callback(sctx, info_cb);
    g_info_write = 1;
    handshake("SSL_write from the info callback at handshake done", cctx, sctx, NULL, NULL);
    SSL_CTX_free(sctx);

    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    return test_end();
}
