/* OCSP stapling through the status callbacks, as nginx (ssl_stapling), curl
 * (--cert-status) and s_client -status use them, TLS 1.2 and TLS 1.3:
 * the server's callback (SSL_CTX_set_tlsext_status_cb) hands a response with
 * SSL_set_tlsext_status_ocsp_resp, or declines (SSL_TLSEXT_ERR_NOACK, or OK
 * without a response), or fails (ALERT_FATAL); the client asks with
 * SSL_set_tlsext_status_type and its callback reads the response with
 * SSL_get_tlsext_status_ocsp_resp and accepts (1) or rejects (0) it.  Also:
 * the callback and type getters, and the certificate iteration servers use to
 * find a staple per certificate (SSL_CTX_set_current_cert FIRST/NEXT,
 * SSL_CTX_select_current_cert).  The last case, a client that does not ask,
 * differs on purpose (see known-diffs). */
#include "common.h"

#include <openssl/pem.h>
#include <openssl/tls1.h>

static const unsigned char RESPONSE[] = {0x30, 0x03, 0x0a, 0x01, 0x00, 0x42, 0x17};
static int g_server_mode;  /* 0 staple, 1 NOACK, 2 OK without response, 3 fatal */
static int g_client_accept = 1;

static int server_status_cb(SSL *s, void *arg)
{
    X509 *cert = SSL_get_certificate(s);
    printf("  server status cb: arg=%s cert=%s mode=%d\n", (const char *)arg,
           cert ? name_str(X509_get_subject_name(cert)) : "(none)", g_server_mode);
    switch (g_server_mode) {
    case 0: {
        unsigned char *copy = OPENSSL_memdup(RESPONSE, sizeof(RESPONSE));
        printf("  server: SSL_set_tlsext_status_ocsp_resp=%ld\n",
               SSL_set_tlsext_status_ocsp_resp(s, copy, sizeof(RESPONSE)));
        return SSL_TLSEXT_ERR_OK;
    }
    case 1: return SSL_TLSEXT_ERR_NOACK;
    case 2: return SSL_TLSEXT_ERR_OK;
    default: return SSL_TLSEXT_ERR_ALERT_FATAL;
    }
}

static void print_resp(const char *who, SSL *s)
{
    const unsigned char *p = NULL;
    long n = SSL_get_tlsext_status_ocsp_resp(s, &p);
    printf("  %s: SSL_get_tlsext_status_ocsp_resp=%ld", who, n);
    for (long i = 0; p != NULL && i < n; i++)
        printf("%s%02x", i ? "" : " ", p[i]);
    printf("\n");
}

static int client_status_cb(SSL *s, void *arg)
{
    printf("  client status cb: arg=%s\n", (const char *)arg);
    print_resp("client", s);
    return g_client_accept;
}

static void connect_case(SSL_CTX *cctx, SSL_CTX *sctx, int ask, const char *what)
{
    SSL *c, *s;
    int ok;

    printf("== %s\n", what);
    make_pair(cctx, sctx, &c, &s, 0);
    if (ask)
        printf("  client: SSL_set_tlsext_status_type=%ld\n", SSL_set_tlsext_status_type(c, TLSEXT_STATUSTYPE_ocsp));
    printf("  client: status type=%ld\n", SSL_get_tlsext_status_type(c));
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("  handshake ok=%d\n", ok);
    if (ok)
        print_resp("client after handshake", c);
    else {
        print_err("client");
        print_err("server");
    }
    free_pair(c, s);
}

static void run(int version, const char *name)
{
    SSL_CTX *sctx, *cctx;
    int (*cb)(SSL *, void *) = NULL;
    void *arg = NULL;

    printf("#### %s\n", name);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    printf("server: set status cb=%ld arg=%ld\n", SSL_CTX_set_tlsext_status_cb(sctx, server_status_cb),
           SSL_CTX_set_tlsext_status_arg(sctx, "server-arg"));
    SSL_CTX_get_tlsext_status_cb(sctx, &cb);
    SSL_CTX_get_tlsext_status_arg(sctx, &arg);
    printf("server: get status cb is ours=%d arg=%s\n", cb == server_status_cb, (const char *)arg);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_tlsext_status_cb(cctx, client_status_cb);
    SSL_CTX_set_tlsext_status_arg(cctx, "client-arg");
    printf("client: ctx status type=%ld\n", SSL_CTX_get_tlsext_status_type(cctx));

    g_server_mode = 0;
    connect_case(cctx, sctx, 1, "server staples, client accepts");
    g_server_mode = 1;
    connect_case(cctx, sctx, 1, "server declines (NOACK)");
    g_server_mode = 2;
    connect_case(cctx, sctx, 1, "server answers OK without a response");
    g_server_mode = 0;
    g_client_accept = 0;
    connect_case(cctx, sctx, 1, "client rejects the response");
    g_client_accept = 1;
    g_server_mode = 3;
    connect_case(cctx, sctx, 1, "server callback fails");
    g_server_mode = 0;
    connect_case(cctx, sctx, 0, "client does not ask");
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* Walks a context's certificates as nginx does to load a staple per certificate. */
static void iterate_certs(void)
{
    SSL_CTX *ctx = make_server_ctx("server-p256.pem", "server-p256.key");
    X509 *first;

    printf("#### certificate iteration\n");
    if (SSL_CTX_use_certificate_chain_file(ctx, cpath("server-rsa.pem")) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, cpath("server-rsa.key"), SSL_FILETYPE_PEM) != 1)
        die("RSA certificate");
    for (int k = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST); k;
         k = SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT)) {
        EVP_PKEY *pk = X509_get0_pubkey(SSL_CTX_get0_certificate(ctx));
        printf("  certificate with a %s key\n", OBJ_nid2sn(EVP_PKEY_get_base_id(pk)));
    }
    printf("  past the last: current is the %s one\n",
           OBJ_nid2sn(EVP_PKEY_get_base_id(X509_get0_pubkey(SSL_CTX_get0_certificate(ctx)))));
    SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_FIRST);
    first = SSL_CTX_get0_certificate(ctx);
    SSL_CTX_set_current_cert(ctx, SSL_CERT_SET_NEXT);
    long r = SSL_CTX_select_current_cert(ctx, first);
    printf("  select_current_cert(first)=%ld, same=%d\n", r, SSL_CTX_get0_certificate(ctx) == first);
    BIO *b = BIO_new_file(cpath("ca.pem"), "r");
    X509 *other = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (other == NULL)
        die("ca.pem");
    printf("  select_current_cert(unknown)=%ld\n", SSL_CTX_select_current_cert(ctx, other));
    print_err("ctx");
    X509_free(other);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_2_VERSION, "TLS 1.2");
    run(TLS1_3_VERSION, "TLS 1.3");
    iterate_certs();
    return test_end();
}
