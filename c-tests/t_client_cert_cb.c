/* Two client-side hooks: SSL_CTX_set_client_cert_cb (a client without a
 * certificate is asked for one when the server requests it; the pair it
 * returns is used and then owned by the library) and
 * SSL_CTX_set_cert_verify_callback (the application verifies the server's
 * chain in place of X509_verify_cert, on the store context the library set
 * up).  TLS 1.2 and 1.3 where the outcome is the same; the callback declining
 * is shown at TLS 1.3 (at TLS 1.2 the server's alert differs, see
 * t_client_cert). */
#include "common.h"

#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

static int g_cert_mode; /* 1: hand over client.pem/key, 0: decline */
static int g_cert_calls;

static int client_cert_cb(SSL *ssl, X509 **x509, EVP_PKEY **pkey)
{
    BIO *b;
    (void)ssl;
    g_cert_calls++;
    printf("  client_cert_cb: call %d, mode %d\n", g_cert_calls, g_cert_mode);
    if (!g_cert_mode)
        return 0;
    b = BIO_new_file(cpath("client.pem"), "r");
    *x509 = PEM_read_bio_X509(b, NULL, NULL, NULL);
    BIO_free(b);
    b = BIO_new_file(cpath("client.key"), "r");
    *pkey = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
    BIO_free(b);
    return *x509 != NULL && *pkey != NULL;
}

static int g_verify_mode; /* 0: X509_verify_cert, 1: refuse, 2: accept anything */

static int cert_verify_cb(X509_STORE_CTX *ctx, void *arg)
{
    SSL *ssl = X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx());
    X509 *leaf = X509_STORE_CTX_get0_cert(ctx);
    printf("  cert_verify_cb: arg=%s ssl=%s leaf=%s mode=%d\n", (const char *)arg, ssl ? "yes" : "no",
           leaf ? name_str(X509_get_subject_name(leaf)) : "(none)", g_verify_mode);
    switch (g_verify_mode) {
    case 0: return X509_verify_cert(ctx);
    case 1: X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION); return 0;
    default: return 1;
    }
}

static void connect_case(SSL_CTX *cctx, SSL_CTX *sctx, const char *what)
{
    SSL *c, *s;
    int ok;
    X509 *peer;

    printf("== %s\n", what);
    g_cert_calls = 0;
    make_pair(cctx, sctx, &c, &s, 0);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("  handshake ok=%d client_cert_cb calls=%d\n", ok, g_cert_calls);
    print_verify_result("client", c);
    peer = SSL_get1_peer_certificate(s);
    printf("  server: peer certificate %s\n", peer ? name_str(X509_get_subject_name(peer)) : "(none)");
    X509_free(peer);
    if (!ok) {
        print_err("client");
        print_err("server");
    }
    free_pair(c, s);
}

static void run(int version, const char *name)
{
    SSL_CTX *sctx, *cctx, *other;

    printf("#### %s\n", name);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    if (SSL_CTX_load_verify_locations(sctx, cpath("ca.pem"), NULL) != 1)
        die("ca.pem");
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_client_cert_cb(cctx, client_cert_cb);
    printf("get_client_cert_cb is ours: %d\n", SSL_CTX_get_client_cert_cb(cctx) == client_cert_cb);

    g_cert_mode = 1;
    connect_case(cctx, sctx, "callback hands over a certificate");
    if (version == TLS1_3_VERSION) {
        g_cert_mode = 0;
        connect_case(cctx, sctx, "callback declines");
        g_cert_mode = 1;
    }
    if (SSL_CTX_use_certificate_file(cctx, cpath("client.pem"), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(cctx, cpath("client.key"), SSL_FILETYPE_PEM) != 1)
        die("client.pem");
    connect_case(cctx, sctx, "client has its own certificate: no callback");
    SSL_CTX_free(cctx);

    /* The application's chain verification. */
    SSL_CTX_set_verify(sctx, SSL_VERIFY_NONE, NULL);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_cert_verify_callback(cctx, cert_verify_cb, "verify-arg");
    g_verify_mode = 0;
    connect_case(cctx, sctx, "cert_verify_callback runs X509_verify_cert");
    g_verify_mode = 1;
    connect_case(cctx, sctx, "cert_verify_callback refuses");
    other = make_server_ctx("unknownca.pem", "unknownca.key");
    g_verify_mode = 0;
    connect_case(cctx, other, "unknown CA, X509_verify_cert");
    g_verify_mode = 2;
    connect_case(cctx, other, "unknown CA, the callback accepts anyway");
    SSL_CTX_free(other);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_2_VERSION, "TLS 1.2");
    run(TLS1_3_VERSION, "TLS 1.3");
    return test_end();
}
