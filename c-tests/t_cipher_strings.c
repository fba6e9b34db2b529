/* SSL_CTX_set_cipher_list / SSL_set_cipher_list (TLS 1.2 and below) and
 * SSL_CTX_set_ciphersuites / SSL_set_ciphersuites (TLS 1.3) accepting or
 * refusing typical strings; return values and the first error.  Strings
 * that would select only suites rustls lacks (eNULL, aNULL, CCM, ...) are
 * deliberately not used. */
#include "common.h"

int main(int argc, char **argv)
{
    static const char *lists[] = {
        "HIGH:!aNULL", "ECDHE+AESGCM", "DEFAULT", "ALL", "HIGH:!aNULL:!MD5:!RC4",
        "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-RSA-AES256-GCM-SHA384:bogus", "TLS_AES_128_GCM_SHA256", "bogus", "",
        "!ALL", "@SECLEVEL=2:HIGH", "RC4-MD5", "ECDHE-RSA-AES128-GCM-SHA256:!AESGCM", NULL
    };
    static const char *suites[] = {
        "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_GCM_SHA256:bogus", "", "bogus",
        "ECDHE-RSA-AES128-GCM-SHA256", "HIGH", NULL
    };
    SSL_CTX *ctx;
    SSL *ssl;

    test_init(argc, argv);
    printf("OSSL_default_cipher_list: %s\nOSSL_default_ciphersuites: %s\n", OSSL_default_cipher_list(), OSSL_default_ciphersuites());
    ctx = SSL_CTX_new(TLS_method());
    ssl = SSL_new(ctx);
    for (int i = 0; lists[i]; i++) {
        int r = SSL_CTX_set_cipher_list(ctx, lists[i]);
        printf("SSL_CTX_set_cipher_list(\"%s\")=%d\n", lists[i], r);
        print_err("  ctx");
        r = SSL_set_cipher_list(ssl, lists[i]);
        printf("SSL_set_cipher_list(\"%s\")=%d\n", lists[i], r);
        print_err("  ssl");
    }
    for (int i = 0; suites[i]; i++) {
        int r = SSL_CTX_set_ciphersuites(ctx, suites[i]);
        printf("SSL_CTX_set_ciphersuites(\"%s\")=%d\n", suites[i], r);
        print_err("  ctx");
        r = SSL_set_ciphersuites(ssl, suites[i]);
        printf("SSL_set_ciphersuites(\"%s\")=%d\n", suites[i], r);
        print_err("  ssl");
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return test_end();
}
