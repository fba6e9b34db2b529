/* SSL_SESSION accessors: SSL_SESSION_new (every getter on a fresh session:
 * is_resumable 0, version, timeout...), set/get pairs (set1_id and its
 * 32-byte limit, set1_id_context and its limit, set_time, set_timeout,
 * set_protocol_version, set_cipher, set1_hostname, set1_alpn_selected,
 * set_max_early_data, set1_master_key and get_master_key with short
 * buffers), up_ref/free, SSL_SESSION_dup (a new object with the same
 * contents; ex_data pointers copied), SSL_SESSION_print; the getters on the
 * client's and the server's session after TLS 1.3 and TLS 1.2 handshakes
 * with SNI (accepted by a servername callback) and ALPN (ID and ID-context lengths, version, cipher, hostname,
 * ALPN, peer certificate, ticket, lifetime hint, master key length,
 * compression id, max early data); SSL_copy_session_id;
 * SSL_CTX_set_generate_session_id / SSL_set_generate_session_id with a
 * callback whose IDs the server uses (TLS 1.2, session IDs). */
#include "sess_impl.h"

static int g_plain_idx;


static int alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto((unsigned char **)out, outlen, (const unsigned char *)"\x02h2", 3,
                              in, inlen) != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    return SSL_TLSEXT_ERR_OK;
}

static void print_print(SSL_SESSION *s)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *data, *line, *save = NULL;
    long n;
    int r = SSL_SESSION_print(b, s);

    printf("  SSL_SESSION_print=%d\n", r);
    BIO_write(b, "", 1);
    n = BIO_get_mem_data(b, &data);
    if (n > 0) {
        for (line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
            if (strstr(line, "Protocol  :") || strstr(line, "Cipher    :")
                || strstr(line, "SSL-Session:"))
                printf("  print: %s\n", line);
    }
    BIO_free(b);
}

static void getters(const char *who, SSL_SESSION *s, long now)
{
    unsigned int idlen = 99, ctxlen = 99;
    const unsigned char *alpn = NULL, *tick = NULL;
    size_t alpnlen = 99, ticklen = 0;
    const SSL_CIPHER *ciph = SSL_SESSION_get0_cipher(s);
    const char *host = SSL_SESSION_get0_hostname(s);
    X509 *peer = SSL_SESSION_get0_peer(s);
    const unsigned char *ctx;

    SSL_SESSION_get_id(s, &idlen);
    ctx = SSL_SESSION_get0_id_context(s, &ctxlen);
    SSL_SESSION_get0_alpn_selected(s, &alpn, &alpnlen);
    printf("%s: is_resumable=%d protocol_version=%s cipher=%s\n", who,
           SSL_SESSION_is_resumable(s), version_name(SSL_SESSION_get_protocol_version(s)),
           ciph ? SSL_CIPHER_get_name(ciph) : "NULL");
    printf("%s: id_len=%u id_context_len=%u id_context=", who, idlen, ctxlen);
    print_escaped((const char *)ctx, ctxlen);
    printf("\n");
    printf("%s: timeout=%ld time is now=%d\n", who, SSL_SESSION_get_timeout(s),
           time_since(SSL_SESSION_get_time(s), now));
    printf("%s: hostname=%s alpn_len=%zu alpn=", who, host ? host : "NULL", alpnlen);
    print_escaped((const char *)alpn, alpn ? alpnlen : 0);
    printf("\n");
    SSL_SESSION_get0_ticket(s, &tick, &ticklen);
    printf("%s: has_ticket=%d ticket_len>0=%d ticket_lifetime_hint>0=%d\n", who,
           SSL_SESSION_has_ticket(s), ticklen > 0, SSL_SESSION_get_ticket_lifetime_hint(s) > 0);
    printf("%s: master_key_len=%zu max_early_data=%u compress_id=%u\n", who,
           SSL_SESSION_get_master_key(s, NULL, 0), SSL_SESSION_get_max_early_data(s),
           SSL_SESSION_get_compress_id(s));
    printf("%s: peer=%s\n", who, peer ? name_str(X509_get_subject_name(peer)) : "NULL");
}

static void fresh_session(const SSL_CIPHER *ciph, long now)
{
    SSL_SESSION *n = SSL_SESSION_new(), *d;
    unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH + 1], key[600];
    unsigned char out[64];
    const unsigned char *got, *a;
    const char *h;
    unsigned int len;
    size_t klen, al;
    long r;

    printf("== SSL_SESSION_new ==\n");
    printf("new=%s\n", sess_name(n, "N"));
    getters("new", n, now);
    memset(id, 0xa5, sizeof(id));
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (unsigned char)i;

    r = SSL_SESSION_set1_id(n, id, 32);
    got = SSL_SESSION_get_id(n, &len);
    printf("set1_id(32)=%ld get_id len=%u equal=%d\n", r, len,
           len == 32 && memcmp(got, id, 32) == 0);
    r = SSL_SESSION_set1_id(n, id, 33);
    printf("set1_id(33)=%ld\n", r);
    print_err("set1_id(33)");
    SSL_SESSION_get_id(n, &len);
    printf("get_id len=%u\n", len);
    r = SSL_SESSION_set1_id(n, id, 0);
    SSL_SESSION_get_id(n, &len);
    printf("set1_id(0)=%ld get_id len=%u is_resumable=%d\n", r, len, SSL_SESSION_is_resumable(n));
    r = SSL_SESSION_set1_id(n, id, 8);
    SSL_SESSION_get_id(n, &len);
    printf("set1_id(8)=%ld get_id len=%u is_resumable=%d\n", r, len, SSL_SESSION_is_resumable(n));

    r = SSL_SESSION_set1_id_context(n, (const unsigned char *)"ctx-1", 5);
    got = SSL_SESSION_get0_id_context(n, &len);
    printf("set1_id_context(\"ctx-1\")=%ld get0_id_context len=%u value=", r, len);
    print_escaped((const char *)got, len);
    printf("\n");
    r = SSL_SESSION_set1_id_context(n, id, 33);
    printf("set1_id_context(33)=%ld\n", r);
    print_err("set1_id_context(33)");
    SSL_SESSION_get0_id_context(n, &len);
    printf("get0_id_context len=%u\n", len);

    r = SSL_SESSION_set_time(n, 1000000);
    printf("set_time(1000000)=%ld get_time=%ld\n", r, SSL_SESSION_get_time(n));
    r = SSL_SESSION_set_time(n, 0);
    printf("set_time(0)=%ld get_time=%ld\n", r, SSL_SESSION_get_time(n));
    r = SSL_SESSION_set_timeout(n, 600);
    printf("set_timeout(600)=%ld get_timeout=%ld\n", r, SSL_SESSION_get_timeout(n));
    r = SSL_SESSION_set_timeout(n, 0);
    printf("set_timeout(0)=%ld get_timeout=%ld\n", r, SSL_SESSION_get_timeout(n));
    SSL_SESSION_set_timeout(n, 600);
    r = SSL_SESSION_set_protocol_version(n, TLS1_2_VERSION);
    printf("set_protocol_version(TLS1_2)=%ld get=%s\n", r,
           version_name(SSL_SESSION_get_protocol_version(n)));
    r = SSL_SESSION_set_cipher(n, ciph);
    printf("set_cipher=%ld get0_cipher=%s\n", r,
           SSL_SESSION_get0_cipher(n) ? SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(n)) : "NULL");
    r = SSL_SESSION_set1_hostname(n, "example.com");
    h = SSL_SESSION_get0_hostname(n);
    printf("set1_hostname(\"example.com\")=%ld get0_hostname=%s\n", r, h ? h : "NULL");
    r = SSL_SESSION_set1_hostname(n, NULL);
    h = SSL_SESSION_get0_hostname(n);
    printf("set1_hostname(NULL)=%ld get0_hostname=%s\n", r, h ? h : "NULL");
    SSL_SESSION_set1_hostname(n, "example.com");
    a = NULL;
    al = 99;
    r = SSL_SESSION_set1_alpn_selected(n, (const unsigned char *)"h2", 2);
    SSL_SESSION_get0_alpn_selected(n, &a, &al);
    printf("set1_alpn_selected(\"h2\")=%ld get0_alpn_selected len=%zu value=", r, al);
    print_escaped((const char *)a, a ? al : 0);
    printf("\n");
    r = SSL_SESSION_set1_alpn_selected(n, NULL, 0);
    SSL_SESSION_get0_alpn_selected(n, &a, &al);
    printf("set1_alpn_selected(NULL, 0)=%ld get0_alpn_selected len=%zu null=%d\n", r, al,
           a == NULL);
    r = SSL_SESSION_set_max_early_data(n, 1024);
    printf("set_max_early_data(1024)=%ld get=%u\n", r, SSL_SESSION_get_max_early_data(n));
    r = SSL_SESSION_set1_master_key(n, key, 48);
    klen = SSL_SESSION_get_master_key(n, NULL, 0);
    printf("set1_master_key(48)=%ld get_master_key(NULL, 0)=%zu\n", r, klen);
    memset(out, 0, sizeof(out));
    klen = SSL_SESSION_get_master_key(n, out, 10);
    printf("get_master_key(buf, 10)=%zu equal=%d\n", klen, memcmp(out, key, 10) == 0);
    klen = SSL_SESSION_get_master_key(n, out, sizeof(out));
    printf("get_master_key(buf, 64)=%zu equal=%d\n", klen, memcmp(out, key, 48) == 0);
    r = SSL_SESSION_set1_master_key(n, key, 64);
    printf("set1_master_key(64)=%ld get_master_key(NULL, 0)=%zu\n", r,
           SSL_SESSION_get_master_key(n, NULL, 0));
    r = SSL_SESSION_set1_master_key(n, key, sizeof(key));
    printf("set1_master_key(600)=%ld get_master_key(NULL, 0)=%zu\n", r,
           SSL_SESSION_get_master_key(n, NULL, 0));
    print_err("set1_master_key(600)");
    SSL_SESSION_set1_master_key(n, key, 48);
    printf("is_resumable=%d\n", SSL_SESSION_is_resumable(n));
    print_print(n);

    printf("-- SSL_SESSION_dup\n");
    SSL_SESSION_set_ex_data(n, g_plain_idx, (void *)"plain data");
    d = SSL_SESSION_dup(n);
    printf("dup=%s distinct object=%d\n", sess_name(d, "N"), d != n);
    SSL_SESSION_get_id(d, &len);
    h = SSL_SESSION_get0_hostname(d);
    printf("dup: id_len=%u version=%s cipher=%s timeout=%ld time=%ld hostname=%s\n", len,
           version_name(SSL_SESSION_get_protocol_version(d)),
           SSL_SESSION_get0_cipher(d) ? SSL_CIPHER_get_name(SSL_SESSION_get0_cipher(d)) : "NULL",
           SSL_SESSION_get_timeout(d), SSL_SESSION_get_time(d), h ? h : "NULL");
    SSL_SESSION_get0_id_context(d, &len);
    printf("dup: id_context_len=%u master_key_len=%zu max_early_data=%u is_resumable=%d\n", len,
           SSL_SESSION_get_master_key(d, NULL, 0), SSL_SESSION_get_max_early_data(d),
           SSL_SESSION_is_resumable(d));
    printf("dup: ex_data without dup callback copied=%d\n",
           SSL_SESSION_get_ex_data(d, g_plain_idx) != NULL);

    printf("-- up_ref/free\n");
    printf("up_ref=%d\n", SSL_SESSION_up_ref(n));
    sess_free(n);
    sess_free(n);
    sess_free(d);
    SSL_SESSION_free(NULL);
    printf("SSL_SESSION_free(NULL) ok\n");
}

static int sni_cb(SSL *ssl, int *al, void *arg)
{
    (void)ssl;
    (void)al;
    (void)arg;
    return SSL_TLSEXT_ERR_OK;
}

static void handshake_sessions(int version, long now)
{
    SSL_CTX *cctx = sess_client_ctx(version), *sctx = sess_server_ctx();
    SSL *c, *s, *c2;
    SSL_SESSION *cs, *ss;

    printf("== sessions after a %s handshake (SNI localhost accepted by a servername callback, ALPN h2) ==\n", version_name(version));
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"api-test", 8);
    SSL_CTX_set_alpn_protos(cctx, (const unsigned char *)"\x02h2\x08http/1.1", 12);
    SSL_CTX_set_alpn_select_cb(sctx, alpn_select, NULL);
    SSL_CTX_set_tlsext_servername_callback(sctx, sni_cb);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_tlsext_host_name(c, "localhost");
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    cs = SSL_get_session(c);
    ss = SSL_get_session(s);
    getters("client", cs, now);
    print_print(cs);
    getters("server", ss, now);

    c2 = SSL_new(cctx);
    printf("SSL_copy_session_id=%d\n", SSL_copy_session_id(c2, c));
    printf("copy has the same session=%d\n", SSL_get_session(c2) == cs);
    SSL_free(c2);
    sess_close_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    long now;
    SSL_CTX *ctx;
    SSL *ssl;
    const SSL_CIPHER *ciph;

    test_init(argc, argv);
    sess_init();
    g_plain_idx = SSL_SESSION_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    now = (long)time(NULL);
    ctx = SSL_CTX_new(TLS_method());
    ssl = SSL_new(ctx);
    ciph = SSL_CIPHER_find(ssl, (const unsigned char *)"\x13\x02");
    printf("SSL_CIPHER_find(0x1302)=%s\n", ciph ? SSL_CIPHER_get_name(ciph) : "NULL");
    fresh_session(ciph, now);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    handshake_sessions(TLS1_3_VERSION, (long)time(NULL));
    handshake_sessions(TLS1_2_VERSION, (long)time(NULL));
    return test_end();
}
