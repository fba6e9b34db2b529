/* Loading failures and their error queue: missing certificate / key /
 * chain / CA files, an empty file, a non-PEM file, PEM loaded as ASN1, a
 * key that does not match the certificate (SSL_CTX_use_PrivateKey_file and
 * SSL_CTX_check_private_key), check_private_key with no certificate or no
 * key, and the same on an SSL object.  Prints return values and the first
 * queued error (lib, reason, ERR_error_string_n). */
#include "common.h"

#define TRY(label, expr)                        \
    do {                                        \
        int r_ = (expr);                        \
        printf("%s ret=%d\n", label, r_);       \
        print_err(label);                       \
    } while (0)

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;

    test_init(argc, argv);
    ctx = SSL_CTX_new(TLS_server_method());
    TRY("use_certificate_file(missing)",
        SSL_CTX_use_certificate_file(ctx, cpath("missing.pem"), SSL_FILETYPE_PEM));
    TRY("use_certificate_chain_file(missing)",
        SSL_CTX_use_certificate_chain_file(ctx, cpath("missing.pem")));
    TRY("use_PrivateKey_file(missing)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("missing.key"), SSL_FILETYPE_PEM));
    TRY("load_verify_locations(missing)",
        SSL_CTX_load_verify_locations(ctx, cpath("missing.pem"), NULL));
    TRY("load_verify_file(missing)", SSL_CTX_load_verify_file(ctx, cpath("missing.pem")));
    TRY("use_certificate_file(empty)",
        SSL_CTX_use_certificate_file(ctx, cpath("empty.pem"), SSL_FILETYPE_PEM));
    TRY("use_certificate_chain_file(empty)",
        SSL_CTX_use_certificate_chain_file(ctx, cpath("empty.pem")));
    TRY("use_PrivateKey_file(empty)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("empty.pem"), SSL_FILETYPE_PEM));
    TRY("use_certificate_file(garbage)",
        SSL_CTX_use_certificate_file(ctx, cpath("garbage.pem"), SSL_FILETYPE_PEM));
    TRY("use_PrivateKey_file(garbage)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("garbage.pem"), SSL_FILETYPE_PEM));
    TRY("use_certificate_file(PEM as ASN1)",
        SSL_CTX_use_certificate_file(ctx, cpath("server-rsa.pem"), SSL_FILETYPE_ASN1));
    TRY("use_certificate_file(bad type 99)",
        SSL_CTX_use_certificate_file(ctx, cpath("server-rsa.pem"), 99));
    TRY("use_PrivateKey_file(cert file as key)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("server-rsa.pem"), SSL_FILETYPE_PEM));
    TRY("check_private_key(nothing loaded)", SSL_CTX_check_private_key(ctx));

    TRY("use_certificate_file(rsa)",
        SSL_CTX_use_certificate_file(ctx, cpath("server-rsa.pem"), SSL_FILETYPE_PEM));
    TRY("check_private_key(cert, no key)", SSL_CTX_check_private_key(ctx));
    TRY("use_PrivateKey_file(other rsa key)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("wronghost.key"), SSL_FILETYPE_PEM));
    TRY("check_private_key(after mismatch)", SSL_CTX_check_private_key(ctx));
    TRY("use_PrivateKey_file(matching key)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("server-rsa.key"), SSL_FILETYPE_PEM));
    TRY("check_private_key(matching)", SSL_CTX_check_private_key(ctx));
    SSL_CTX_free(ctx);

    /* key first, then a certificate that does not match it */
    ctx = SSL_CTX_new(TLS_server_method());
    TRY("use_PrivateKey_file(rsa key first)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("server-rsa.key"), SSL_FILETYPE_PEM));
    TRY("check_private_key(key, no cert)", SSL_CTX_check_private_key(ctx));
    TRY("use_certificate_file(non-matching rsa cert)",
        SSL_CTX_use_certificate_file(ctx, cpath("wronghost.pem"), SSL_FILETYPE_PEM));
    TRY("check_private_key(key replaced?)", SSL_CTX_check_private_key(ctx));
    SSL_CTX_free(ctx);

    /* different key types: RSA certificate, EC key */
    ctx = SSL_CTX_new(TLS_server_method());
    TRY("use_certificate_file(rsa)",
        SSL_CTX_use_certificate_file(ctx, cpath("server-rsa.pem"), SSL_FILETYPE_PEM));
    TRY("use_PrivateKey_file(p256 key)",
        SSL_CTX_use_PrivateKey_file(ctx, cpath("server-p256.key"), SSL_FILETYPE_PEM));
    TRY("check_private_key(rsa cert + p256 key)", SSL_CTX_check_private_key(ctx));

    /* on an SSL object */
    ssl = SSL_new(ctx);
    TRY("SSL_use_certificate_file(missing)",
        SSL_use_certificate_file(ssl, cpath("missing.pem"), SSL_FILETYPE_PEM));
    TRY("SSL_use_PrivateKey_file(missing)",
        SSL_use_PrivateKey_file(ssl, cpath("missing.key"), SSL_FILETYPE_PEM));
    TRY("SSL_use_certificate_file(p384)",
        SSL_use_certificate_file(ssl, cpath("server-p384.pem"), SSL_FILETYPE_PEM));
    TRY("SSL_use_PrivateKey_file(p256 key for p384 cert)",
        SSL_use_PrivateKey_file(ssl, cpath("server-p256.key"), SSL_FILETYPE_PEM));
    TRY("SSL_check_private_key", SSL_check_private_key(ssl));
    TRY("SSL_use_PrivateKey_file(p384 key)",
        SSL_use_PrivateKey_file(ssl, cpath("server-p384.key"), SSL_FILETYPE_PEM));
    TRY("SSL_check_private_key", SSL_check_private_key(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return test_end();
}
