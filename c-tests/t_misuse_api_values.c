/* Return values and errors of API misuse that the misuse sweep (tools/misuse/) found
 * answered differently from OpenSSL 3.0 (each a regression test of its fix):
 *   - SSL_SESSION_set1_alpn_selected / _set1_ticket_appdata with a length of INT_MAX or
 *     more (a negative int turned size_t): OpenSSL's copy refuses it (0, nothing queued,
 *     old value gone); oxissl read 2 GiB past the buffer or aborted;
 *   - control commands OpenSSL does not know (SSL_ctrl, SSL_CTX_ctrl and the callback
 *     variants): 0 with nothing queued (a queued error turns the next SSL_get_error into
 *     SSL_ERROR_SSL), while a known unimplemented one still names itself;
 *   - SSL_CTX_set1_param / SSL_set1_param(NULL): 1, nothing changed;
 *   - *_use_PrivateKey_ASN1 with a key type that is not the key's: refused; negative
 *     lengths in the *_ASN1 loaders: libcrypto's own error;
 *   - SSL_SESSION_set_cipher(s, NULL): 1, the session has no cipher;
 *   - SSL_SESSION_set_timeout with a negative timeout: 0, timeout kept;
 *   - SSL_client_version before a handshake: the method's version (TLS_ANY_VERSION);
 *   - SSL_dup_CA_list(NULL): an empty list;
 *   - SSL_export_keying_material before the handshake: -1 whatever the other arguments;
 *   - SSL_get_all_async_fds / SSL_get_changed_async_fds without async jobs: 0;
 *   - SSL_get_error(NULL, 1): SSL_ERROR_NONE;
 *   - SSL_read_early_data on a client with NULL readbytes: "should not have been called";
 *   - SSL_CTX_set0_ctlog_store and SSL_COMP_set0_compression_methods take ownership
 *     (valgrind: the store and the stack leaked);
 *   - SSL_select_next_proto with a server list length past the list, which ends right
 *     before an inaccessible page: OpenSSL stops at the first match and reads no further;
 *     oxissl read the whole declared length and faulted. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/ct.h>
#include <sys/mman.h>
#include <unistd.h>

#define TRY(label, expr)                                \
    do {                                                \
        long r_ = (long)(expr);                         \
        printf("%s ret=%ld\n", label, r_);              \
        print_err(label);                               \
    } while (0)
#define TRYP(label, expr)                               \
    do {                                                \
        const void *p_ = (const void *)(expr);          \
        printf("%s ret=%s\n", label, p_ ? "non-NULL" : "NULL"); \
        print_err(label);                               \
    } while (0)

static unsigned char *read_der(const char *name, const char *type, long *len)
{
    BIO *b = BIO_new_file(cpath(name), "r");
    char *nm = NULL, *hdr = NULL;
    unsigned char *data = NULL;

    if (b == NULL || !PEM_read_bio(b, &nm, &hdr, &data, len))
        die("read %s", name);
    if (type && strcmp(nm, type) != 0)
        die("%s is a %s", name, nm);
    OPENSSL_free(nm);
    OPENSSL_free(hdr);
    BIO_free(b);
    return data;
}

static void session_lengths(void)
{
    SSL_SESSION *s = SSL_SESSION_new();
    const unsigned char *alpn = NULL;
    size_t len = 99;
    void *data = NULL;
    unsigned char *buf = OPENSSL_zalloc(64);

    printf("== session setters with huge lengths ==\n");
    TRY("set1_alpn_selected(h2, 2)", SSL_SESSION_set1_alpn_selected(s, (const unsigned char *)"h2", 2));
    TRY("set1_alpn_selected(buf, INT_MAX)", SSL_SESSION_set1_alpn_selected(s, buf, INT_MAX));
    TRY("set1_alpn_selected(buf, (size_t)-1)", SSL_SESSION_set1_alpn_selected(s, buf, (size_t)-1));
    SSL_SESSION_get0_alpn_selected(s, &alpn, &len);
    printf("alpn after: %s len=%zu\n", alpn ? "non-NULL" : "NULL", len);
    TRY("set1_alpn_selected(NULL, SIZE_MAX)", SSL_SESSION_set1_alpn_selected(s, NULL, SIZE_MAX));
    TRY("set1_ticket_appdata(app, 3)", SSL_SESSION_set1_ticket_appdata(s, "app", 3));
    TRY("set1_ticket_appdata(buf, INT_MAX)", SSL_SESSION_set1_ticket_appdata(s, buf, INT_MAX));
    TRY("set1_ticket_appdata(buf, (size_t)INT_MIN)", SSL_SESSION_set1_ticket_appdata(s, buf, (size_t)(long)INT_MIN));
    len = 99;
    TRY("get0_ticket_appdata", SSL_SESSION_get0_ticket_appdata(s, &data, &len));
    printf("appdata after: %s len=%zu\n", data ? "non-NULL" : "NULL", len);
    TRY("set1_ticket_appdata(NULL, SIZE_MAX)", SSL_SESSION_set1_ticket_appdata(s, NULL, SIZE_MAX));

    printf("== session cipher and timeout ==\n");
    TRY("set_cipher(NULL)", SSL_SESSION_set_cipher(s, NULL));
    TRYP("get0_cipher", SSL_SESSION_get0_cipher(s));
    TRY("set_timeout(300)", SSL_SESSION_set_timeout(s, 300));
    TRY("set_timeout(-1)", SSL_SESSION_set_timeout(s, -1));
    TRY("set_timeout(LONG_MIN)", SSL_SESSION_set_timeout(s, LONG_MIN));
    TRY("get_timeout", SSL_SESSION_get_timeout(s));
    OPENSSL_free(buf);
    SSL_SESSION_free(s);
}

static void unknown_ctrls(SSL_CTX *ctx, SSL *ssl)
{
    static const int cmds[] = {0, -1, INT_MIN, INT_MAX, 1000, 139};
    char label[96];
    size_t i;

    printf("== control commands OpenSSL does not know ==\n");
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
        snprintf(label, sizeof(label), "SSL_CTX_ctrl(%d)", cmds[i]);
        TRY(label, SSL_CTX_ctrl(ctx, cmds[i], 0, NULL));
        snprintf(label, sizeof(label), "SSL_ctrl(%d)", cmds[i]);
        TRY(label, SSL_ctrl(ssl, cmds[i], 0, NULL));
        snprintf(label, sizeof(label), "SSL_CTX_callback_ctrl(%d)", cmds[i]);
        TRY(label, SSL_CTX_callback_ctrl(ctx, cmds[i], NULL));
        snprintf(label, sizeof(label), "SSL_callback_ctrl(%d)", cmds[i]);
        TRY(label, SSL_callback_ctrl(ssl, cmds[i], NULL));
    }
    /* a context-only command on a connection: OpenSSL's SSL_callback_ctrl has no case */
    TRY("SSL_callback_ctrl(SET_TLSEXT_SERVERNAME_CB)",
        SSL_callback_ctrl(ssl, SSL_CTRL_SET_TLSEXT_SERVERNAME_CB, NULL));
    /* an unknown command must not leave anything that SSL_get_error would read */
    SSL_ctrl(ssl, 1000, 0, NULL);
    printf("SSL_get_error(-1) after an unknown ctrl: %s\n", ssl_error_name(SSL_get_error(ssl, -1)));
    ERR_clear_error();
}

static void keys_asn1(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL *ssl = SSL_new(ctx);
    long certlen, keylen;
    unsigned char *cert = read_der("server-rsa.pem", "CERTIFICATE", &certlen);
    unsigned char *key = read_der("server-rsa.key", NULL, &keylen);
    EVP_PKEY *pk;
    const unsigned char *p;
    unsigned char *trad = NULL;
    int tradlen;

    /* the key as "traditional" DER (PKCS#1 for RSA), what *_PrivateKey_ASN1 read */
    p = key;
    pk = d2i_AutoPrivateKey(NULL, &p, keylen);
    if (pk == NULL)
        die("key");
    tradlen = i2d_PrivateKey(pk, &trad);
    EVP_PKEY_free(pk);

    printf("== *_ASN1 loaders ==\n");
    TRY("SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_RSA)", SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_RSA, ctx, trad, tradlen));
    TRY("SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_EC)", SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_EC, ctx, trad, tradlen));
    TRY("SSL_CTX_use_PrivateKey_ASN1(-1)", SSL_CTX_use_PrivateKey_ASN1(-1, ctx, trad, tradlen));
    TRY("SSL_use_PrivateKey_ASN1(EVP_PKEY_ED25519)", SSL_use_PrivateKey_ASN1(EVP_PKEY_ED25519, ssl, trad, tradlen));
    TRY("SSL_use_PrivateKey_ASN1(EVP_PKEY_RSA)", SSL_use_PrivateKey_ASN1(EVP_PKEY_RSA, ssl, trad, tradlen));
    TRY("SSL_CTX_use_PrivateKey_ASN1(len -1)", SSL_CTX_use_PrivateKey_ASN1(EVP_PKEY_RSA, ctx, trad, -1));
    TRY("SSL_use_PrivateKey_ASN1(len -1)", SSL_use_PrivateKey_ASN1(EVP_PKEY_RSA, ssl, trad, -1));
    TRY("SSL_CTX_use_RSAPrivateKey_ASN1(len -1)", SSL_CTX_use_RSAPrivateKey_ASN1(ctx, trad, -1));
    TRY("SSL_use_RSAPrivateKey_ASN1(len LONG_MIN)", SSL_use_RSAPrivateKey_ASN1(ssl, trad, LONG_MIN));
    TRY("SSL_CTX_use_certificate_ASN1(len -1)", SSL_CTX_use_certificate_ASN1(ctx, -1, cert));
    TRY("SSL_use_certificate_ASN1(len INT_MIN)", SSL_use_certificate_ASN1(ssl, cert, INT_MIN));
    TRY("SSL_CTX_use_certificate_ASN1", SSL_CTX_use_certificate_ASN1(ctx, (int)certlen, cert));
    OPENSSL_free(trad);
    OPENSSL_free(cert);
    OPENSSL_free(key);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
}

static void connection_values(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL_CTX *ctx12 = SSL_CTX_new(TLSv1_2_client_method());
    SSL *ssl = SSL_new(ctx), *ssl12 = SSL_new(ctx12);
    STACK_OF(X509_NAME) *names;
    unsigned char out[32];
    size_t n = 77;
    int fds[4];

    SSL_set_bio(ssl, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
    SSL_set_connect_state(ssl);

    printf("== connection values ==\n");
    TRY("SSL_CTX_set1_param(NULL)", SSL_CTX_set1_param(ctx, NULL));
    TRY("SSL_set1_param(NULL)", SSL_set1_param(ssl, NULL));
    TRY("SSL_client_version (TLS_method)", SSL_client_version(ssl));
    TRY("SSL_client_version (TLSv1_2_client_method)", SSL_client_version(ssl12));
    names = SSL_dup_CA_list(NULL);
    printf("SSL_dup_CA_list(NULL) ret=%s num=%d\n", names ? "non-NULL" : "NULL", sk_X509_NAME_num(names));
    print_err("SSL_dup_CA_list(NULL)");
    sk_X509_NAME_pop_free(names, X509_NAME_free);
    TRY("export_keying_material before handshake", SSL_export_keying_material(ssl, out, sizeof(out), "EXPERIMENTAL", 12, NULL, 0, 0));
    TRY("export_keying_material before handshake, out NULL", SSL_export_keying_material(ssl, NULL, sizeof(out), "EXPERIMENTAL", 12, NULL, 0, 0));
    TRY("export_keying_material before handshake, olen 0", SSL_export_keying_material(ssl, out, 0, "EXPERIMENTAL", 12, NULL, 0, 0));
    TRY("export_keying_material before handshake, label NULL", SSL_export_keying_material(ssl, out, sizeof(out), NULL, 12, NULL, 0, 0));
    TRY("SSL_get_all_async_fds", SSL_get_all_async_fds(ssl, fds, &n));
    printf("numfds=%zu\n", n);
    TRY("SSL_get_changed_async_fds", SSL_get_changed_async_fds(ssl, fds, &n, fds + 2, &n));
    TRY("SSL_get_error(NULL, 1)", SSL_get_error(NULL, 1));
    TRY("SSL_get_error(NULL, 42)", SSL_get_error(NULL, 42));
    TRY("SSL_read_early_data(client, readbytes NULL)", SSL_read_early_data(ssl, out, sizeof(out), NULL));
    SSL_free(ssl);
    SSL_free(ssl12);
    SSL_CTX_free(ctx);
    SSL_CTX_free(ctx12);
}

static void set0_ownership(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    STACK_OF(SSL_COMP) *old;

    printf("== set0 functions take the object ==\n");
    SSL_CTX_set0_ctlog_store(ctx, CTLOG_STORE_new());
    printf("SSL_CTX_set0_ctlog_store done\n");
    ERR_clear_error();
    /* the process-wide list: put the old one back (OpenSSL), free what comes back */
    old = SSL_COMP_set0_compression_methods(sk_SSL_COMP_new_null());
    ERR_clear_error();
    sk_SSL_COMP_free(SSL_COMP_set0_compression_methods(old));
    ERR_clear_error();
    printf("SSL_COMP_set0_compression_methods done\n");
    SSL_CTX_free(ctx);
}

static void next_proto_past_the_list(void)
{
    static const unsigned char list[] = "\x02h2\x08http/1.1";
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    unsigned char *server, *out = NULL, outlen = 0;
    int r;

    if (m == MAP_FAILED || mprotect(m + page, page, PROT_NONE) != 0)
        die("mmap");
    server = m + page - 12; /* the 12 bytes end where the page does */
    memcpy(server, list, 12);
    printf("== SSL_select_next_proto, server length past the list ==\n");
    r = SSL_select_next_proto(&out, &outlen, server, 12 + 4096, (const unsigned char *)"\x08http/1.1", 9);
    printf("ret=%d out=", r);
    if (out)
        print_escaped((const char *)out, outlen);
    else
        printf("NULL");
    printf("\n");
    munmap(m, 2 * page);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;

    test_init(argc, argv);
    ctx = SSL_CTX_new(TLS_method());
    ssl = SSL_new(ctx);
    session_lengths();
    unknown_ctrls(ctx, ssl);
    keys_asn1();
    connection_values();
    set0_ownership();
    next_proto_past_the_list();
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return test_end();
}
