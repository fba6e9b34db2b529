/* Older and all-in-one ways to configure keys and verification that long-lived
 * programs still call: SSL_CTX_use_RSAPrivateKey (RSA object, PKCS#1 DER, file;
 * an EC key refused), SSL_use_RSAPrivateKey_file on a connection,
 * SSL_CTX_use_cert_and_key (override or not, mismatched key), then a handshake
 * with the RSA certificate; SSL_CTX_set_purpose/set_trust (a client that wants
 * an SSL *client* certificate from the server fails verification with
 * OpenSSL's error), SSL_get_default_timeout, and setters that take effect
 * silently (no error left on the queue). */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

static unsigned char *file_der_rsa(long *len)
{
    BIO *b = BIO_new_file(cpath("server-rsa.key"), "r");
    EVP_PKEY *pk = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;
    unsigned char *der = NULL;
    BIO_free(b);
    if (pk == NULL)
        die("server-rsa.key");
    *len = i2d_RSAPrivateKey(EVP_PKEY_get0_RSA(pk), &der);
    EVP_PKEY_free(pk);
    return der;
}

static SSL_CTX *rsa_cert_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, cpath("server-rsa.pem")) != 1)
        die("server-rsa.pem");
    return ctx;
}

static void handshake_with(SSL_CTX *sctx, const char *what)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    make_pair(cctx, sctx, &c, &s, 0);
    printf("%s: handshake ok=%d\n", what, do_handshake(c, s, 0, NULL, NULL));
    free_pair(c, s);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx, *cctx;
    SSL *ssl;
    long len;
    unsigned char *der;

    test_init(argc, argv);

    printf("== SSL_CTX_use_RSAPrivateKey_file ==\n");
    ctx = rsa_cert_ctx();
    printf("PEM: %d\n", SSL_CTX_use_RSAPrivateKey_file(ctx, cpath("server-rsa.key"), SSL_FILETYPE_PEM));
    printf("check_private_key: %d\n", SSL_CTX_check_private_key(ctx));
    print_err("ctx");
    handshake_with(ctx, "RSA key from a file");
    printf("an EC key: %d\n", SSL_CTX_use_RSAPrivateKey_file(ctx, cpath("server-p256.key"), SSL_FILETYPE_PEM) != 0);
    ERR_clear_error();
    printf("missing file: %d\n", SSL_CTX_use_RSAPrivateKey_file(ctx, cpath("nope.key"), SSL_FILETYPE_PEM));
    ERR_clear_error();
    SSL_CTX_free(ctx);

    printf("== SSL_CTX_use_RSAPrivateKey_ASN1 and SSL_CTX_use_RSAPrivateKey ==\n");
    der = file_der_rsa(&len);
    ctx = rsa_cert_ctx();
    printf("ASN1: %d", SSL_CTX_use_RSAPrivateKey_ASN1(ctx, der, len));
    printf(", check: %d\n", SSL_CTX_check_private_key(ctx));
    printf("ASN1 truncated: %d\n", SSL_CTX_use_RSAPrivateKey_ASN1(ctx, der, len / 2));
    ERR_clear_error();
    SSL_CTX_free(ctx);
    ctx = rsa_cert_ctx();
    {
        const unsigned char *p = der;
        RSA *rsa = d2i_RSAPrivateKey(NULL, &p, len);
        printf("RSA object: %d", SSL_CTX_use_RSAPrivateKey(ctx, rsa));
        printf(", check: %d\n", SSL_CTX_check_private_key(ctx));
        RSA_free(rsa);
    }
    handshake_with(ctx, "RSA object");
    SSL_CTX_free(ctx);
    OPENSSL_free(der);

    printf("== SSL_use_RSAPrivateKey_file on a connection ==\n");
    ctx = rsa_cert_ctx();
    ssl = SSL_new(ctx);
    printf("SSL_use_RSAPrivateKey_file: %d", SSL_use_RSAPrivateKey_file(ssl, cpath("server-rsa.key"), SSL_FILETYPE_PEM));
    printf(", SSL_check_private_key: %d\n", SSL_check_private_key(ssl));
    printf("SSL_get_default_timeout: %ld\n", SSL_get_default_timeout(ssl));
    SSL_set_default_read_buffer_len(ssl, 4096);
    SSL_CTX_set_default_read_buffer_len(ctx, 4096);
    print_err("after the read buffer hints");
    SSL_free(ssl);
    SSL_CTX_free(ctx);

    printf("== SSL_CTX_use_cert_and_key ==\n");
    {
        BIO *b = BIO_new_file(cpath("server-rsa.pem"), "r");
        X509 *rsa_cert = PEM_read_bio_X509(b, NULL, NULL, NULL);
        BIO_free(b);
        b = BIO_new_file(cpath("server-rsa.key"), "r");
        EVP_PKEY *rsa_key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
        BIO_free(b);
        b = BIO_new_file(cpath("server-p256.key"), "r");
        EVP_PKEY *ec_key = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
        BIO_free(b);
        if (rsa_cert == NULL || rsa_key == NULL || ec_key == NULL)
            die("keys");
        ctx = SSL_CTX_new(TLS_server_method());
        printf("first: %d\n", SSL_CTX_use_cert_and_key(ctx, rsa_cert, rsa_key, NULL, 0));
        printf("again without override: %d\n", SSL_CTX_use_cert_and_key(ctx, rsa_cert, rsa_key, NULL, 0));
        print_err("ctx");
        printf("again with override: %d\n", SSL_CTX_use_cert_and_key(ctx, rsa_cert, rsa_key, NULL, 1));
        printf("check: %d\n", SSL_CTX_check_private_key(ctx));
        handshake_with(ctx, "use_cert_and_key");
        printf("mismatched key: %d\n", SSL_CTX_use_cert_and_key(ctx, rsa_cert, ec_key, NULL, 1));
        ERR_clear_error();
        SSL_CTX_free(ctx);
        X509_free(rsa_cert);
        EVP_PKEY_free(rsa_key);
        EVP_PKEY_free(ec_key);
    }

    printf("== SSL_CTX_set_purpose / set_trust ==\n");
    ctx = make_server_ctx("server-p256.pem", "server-p256.key");
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    printf("set_purpose(SSL_CLIENT): %d", SSL_CTX_set_purpose(cctx, X509_PURPOSE_SSL_CLIENT));
    printf(", set_trust(SSL_CLIENT): %d\n", SSL_CTX_set_trust(cctx, X509_TRUST_SSL_CLIENT));
    printf("set_purpose(999): %d\n", SSL_CTX_set_purpose(cctx, 999));
    print_err("client ctx");
    {
        SSL *c, *s;
        make_pair(cctx, ctx, &c, &s, 0);
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        print_verify_result("client", c);
        print_err("client");
        print_err("server");
        free_pair(c, s);
    }
    SSL_CTX_free(cctx);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    ssl = SSL_new(cctx);
    printf("SSL_set_purpose(SSL_SERVER): %d", SSL_set_purpose(ssl, X509_PURPOSE_SSL_SERVER));
    printf(", SSL_set_trust(SSL_SERVER): %d\n", SSL_set_trust(ssl, X509_TRUST_SSL_SERVER));
    SSL_free(ssl);
    SSL_CTX_free(cctx);
    SSL_CTX_free(ctx);
    return test_end();
}
