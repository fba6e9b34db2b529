/* SSL_SESSION serialization: i2d_SSL_SESSION / d2i_SSL_SESSION round trip
 * of the server's and the client's session after TLS 1.3 and TLS 1.2
 * handshakes (length query with NULL, the output pointer advanced by the
 * length, the input pointer advanced to the end; fields that survive:
 * version, cipher, ID, ID context, time, timeout, hostname, ALPN, peer
 * certificate, master key, ticket; re-encoding the decoded session gives
 * the same bytes); PEM_write_bio_SSL_SESSION / PEM_read_bio_SSL_SESSION
 * round trip (PEM header line); malformed DER (truncated, garbage, zero
 * length, a certificate instead of a session) and malformed PEM (no PEM,
 * another PEM type, bad base64, base64 of garbage) return NULL with an
 * error queued (first error printed).  Whether a decoded *client* session
 * is resumable is t_sess_client_der_resume's business; here only the
 * decoded server session's is_resumable is printed. */
#include "sess_impl.h"

static int sni_cb(SSL *ssl, int *al, void *arg)
{
    (void)ssl;
    (void)al;
    (void)arg;
    return SSL_TLSEXT_ERR_OK;
}

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

static int same_bytes(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
    return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

static void compare(const char *who, SSL_SESSION *o, SSL_SESSION *d, int print_resumable)
{
    const unsigned char *x, *y;
    unsigned int xl, yl;
    size_t xs, ys;
    unsigned char kx[256], ky[256];
    X509 *po = SSL_SESSION_get0_peer(o), *pd = SSL_SESSION_get0_peer(d);
    const char *ho = SSL_SESSION_get0_hostname(o), *hd = SSL_SESSION_get0_hostname(d);
    const SSL_CIPHER *cd = SSL_SESSION_get0_cipher(d);

    printf("%s decoded: version=%s cipher=%s\n", who,
           version_name(SSL_SESSION_get_protocol_version(d)),
           cd ? SSL_CIPHER_get_name(cd) : "NULL");
    printf("%s decoded: same version=%d same cipher=%d\n", who,
           SSL_SESSION_get_protocol_version(o) == SSL_SESSION_get_protocol_version(d),
           SSL_SESSION_get0_cipher(o) == cd);
    x = SSL_SESSION_get_id(o, &xl);
    y = SSL_SESSION_get_id(d, &yl);
    printf("%s decoded: id_len=%u same id=%d\n", who, yl, same_bytes(x, xl, y, yl));
    x = SSL_SESSION_get0_id_context(o, &xl);
    y = SSL_SESSION_get0_id_context(d, &yl);
    printf("%s decoded: id_context_len=%u same id_context=%d\n", who, yl,
           same_bytes(x, xl, y, yl));
    printf("%s decoded: same time=%d same timeout=%d\n", who,
           SSL_SESSION_get_time(o) == SSL_SESSION_get_time(d),
           SSL_SESSION_get_timeout(o) == SSL_SESSION_get_timeout(d));
    printf("%s decoded: hostname=%s same=%d\n", who, hd ? hd : "NULL",
           (ho == NULL && hd == NULL) || (ho && hd && strcmp(ho, hd) == 0));
    SSL_SESSION_get0_alpn_selected(o, &x, &xs);
    SSL_SESSION_get0_alpn_selected(d, &y, &ys);
    printf("%s decoded: alpn_len=%zu same alpn=%d\n", who, ys, same_bytes(x, xs, y, ys));
    printf("%s decoded: peer=%s same peer=%d\n", who,
           pd ? name_str(X509_get_subject_name(pd)) : "NULL",
           (po == NULL && pd == NULL) || (po && pd && X509_cmp(po, pd) == 0));
    xs = SSL_SESSION_get_master_key(o, kx, sizeof(kx));
    ys = SSL_SESSION_get_master_key(d, ky, sizeof(ky));
    printf("%s decoded: master_key_len=%zu same master key=%d\n", who, ys,
           same_bytes(kx, xs, ky, ys));
    SSL_SESSION_get0_ticket(o, &x, &xs);
    SSL_SESSION_get0_ticket(d, &y, &ys);
    printf("%s decoded: has_ticket=%d same ticket=%d same lifetime hint=%d max_early_data=%u\n",
           who, SSL_SESSION_has_ticket(d), same_bytes(x, xs, y, ys),
           SSL_SESSION_get_ticket_lifetime_hint(o) == SSL_SESSION_get_ticket_lifetime_hint(d),
           SSL_SESSION_get_max_early_data(d));
    if (print_resumable)
        printf("%s decoded: is_resumable=%d\n", who, SSL_SESSION_is_resumable(d));
}

static void der_round_trip(const char *who, SSL_SESSION *s, int print_resumable)
{
    int len = i2d_SSL_SESSION(s, NULL), len2, len3;
    unsigned char *buf, *p, *buf2, *p2;
    const unsigned char *q;
    SSL_SESSION *d;

    printf("%s: i2d_SSL_SESSION(NULL) > 0: %d\n", who, len > 0);
    if (len <= 0)
        return;
    buf = malloc((size_t)len);
    p = buf;
    len2 = i2d_SSL_SESSION(s, &p);
    printf("%s: i2d same length=%d pointer advanced=%d\n", who, len2 == len, p == buf + len);
    q = buf;
    d = d2i_SSL_SESSION(NULL, &q, len);
    printf("%s: d2i_SSL_SESSION ok=%d input consumed=%d\n", who, d != NULL, q == buf + len);
    if (d != NULL) {
        compare(who, s, d, print_resumable);
        len3 = i2d_SSL_SESSION(d, NULL);
        buf2 = malloc(len3 > 0 ? (size_t)len3 : 1);
        p2 = buf2;
        i2d_SSL_SESSION(d, &p2);
        printf("%s: re-encoding identical=%d\n", who, same_bytes(buf, (size_t)len, buf2,
                                                              len3 > 0 ? (size_t)len3 : 0));
        free(buf2);
        SSL_SESSION_free(d);
    }
    ERR_clear_error();
    free(buf);
}

static void pem_round_trip(const char *who, SSL_SESSION *s)
{
    BIO *b = BIO_new(BIO_s_mem());
    char line[128];
    SSL_SESSION *d;
    int r = PEM_write_bio_SSL_SESSION(b, s), n;

    printf("%s: PEM_write_bio_SSL_SESSION=%d\n", who, r);
    n = BIO_gets(b, line, sizeof(line));
    if (n > 0 && line[n - 1] == '\n')
        line[n - 1] = '\0';
    printf("%s: PEM first line: %s\n", who, n > 0 ? line : "(none)");
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_SSL_SESSION(b, s);
    d = PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL);
    printf("%s: PEM_read_bio_SSL_SESSION ok=%d\n", who, d != NULL);
    if (d != NULL) {
        const unsigned char *x, *y;
        unsigned int xl, yl;
        x = SSL_SESSION_get_id(s, &xl);
        y = SSL_SESSION_get_id(d, &yl);
        printf("%s: PEM decoded: same version=%d same cipher=%d same id=%d\n", who,
               SSL_SESSION_get_protocol_version(s) == SSL_SESSION_get_protocol_version(d),
               SSL_SESSION_get0_cipher(s) == SSL_SESSION_get0_cipher(d),
               same_bytes(x, xl, y, yl));
        SSL_SESSION_free(d);
    }
    BIO_free(b);
    ERR_clear_error();
}

static void handshake(int version)
{
    SSL_CTX *cctx = sess_client_ctx(version), *sctx = sess_server_ctx();
    SSL *c, *s;

    printf("== %s ==\n", version_name(version));
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"ser-test", 8);
    SSL_CTX_set_alpn_protos(cctx, (const unsigned char *)"\x02h2", 3);
    SSL_CTX_set_alpn_select_cb(sctx, alpn_select, NULL);
    SSL_CTX_set_tlsext_servername_callback(sctx, sni_cb);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_tlsext_host_name(c, "localhost");
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    der_round_trip("server", SSL_get_session(s), 1);
    der_round_trip("client", SSL_get_session(c), 0);
    pem_round_trip("server", SSL_get_session(s));
    pem_round_trip("client", SSL_get_session(c));
    sess_close_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void bad_der(const char *what, const unsigned char *der, long len)
{
    const unsigned char *p = der;
    SSL_SESSION *d;

    ERR_clear_error();
    d = d2i_SSL_SESSION(NULL, &p, len);
    printf("d2i %s: %s pointer unchanged=%d\n", what, d ? "decoded" : "NULL", p == der);
    print_err("  d2i");
    SSL_SESSION_free(d);
}

static void bad_pem(const char *what, const char *text)
{
    BIO *b = BIO_new_mem_buf(text, -1);
    SSL_SESSION *d;

    ERR_clear_error();
    d = PEM_read_bio_SSL_SESSION(b, NULL, NULL, NULL);
    printf("PEM %s: %s\n", what, d ? "decoded" : "NULL");
    print_err("  PEM");
    SSL_SESSION_free(d);
    BIO_free(b);
}

static void malformed(void)
{
    SSL_CTX *cctx = sess_client_ctx(TLS1_2_VERSION), *sctx = sess_server_ctx();
    SSL *c, *s;
    unsigned char *der, *p, garbage[64];
    int len;
    BIO *b;
    X509 *x;
    unsigned char *xder = NULL;
    int xlen;

    printf("== malformed input ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    len = i2d_SSL_SESSION(SSL_get_session(c), NULL);
    der = malloc((size_t)len);
    p = der;
    i2d_SSL_SESSION(SSL_get_session(c), &p);
    sess_close_pair(c, s);

    bad_der("truncated to half", der, len / 2);
    bad_der("missing last byte", der, len - 1);
    memset(garbage, 0x41, sizeof(garbage));
    bad_der("garbage", garbage, sizeof(garbage));
    bad_der("zero length", der, 0);
    bad_der("empty SEQUENCE", (const unsigned char *)"\x30\x00", 2);
    b = BIO_new_file(cpath("server-p256.pem"), "r");
    x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    xlen = x ? i2d_X509(x, &xder) : 0;
    if (xlen > 0)
        bad_der("a certificate", xder, xlen);
    OPENSSL_free(xder);
    X509_free(x);
    free(der);

    bad_pem("no PEM at all", "this is not PEM\n");
    bad_pem("empty", "");
    bad_pem("other type",
            "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n");
    bad_pem("bad base64",
            "-----BEGIN SSL SESSION PARAMETERS-----\n!!!!notbase64!!!!\n"
            "-----END SSL SESSION PARAMETERS-----\n");
    bad_pem("base64 of garbage",
            "-----BEGIN SSL SESSION PARAMETERS-----\nQUFBQUFBQUFBQUFB\n"
            "-----END SSL SESSION PARAMETERS-----\n");
    bad_pem("no end line", "-----BEGIN SSL SESSION PARAMETERS-----\nMAA=\n");
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    sess_init();
    handshake(TLS1_3_VERSION);
    handshake(TLS1_2_VERSION);
    malformed();
    return test_end();
}
