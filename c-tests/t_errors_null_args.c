/* NULL / missing arguments that OpenSSL 3.0 checks.  Only cases the system
 * library handles cleanly are used.  Left out on purpose:
 *   - crash (SIGSEGV) in OpenSSL 3.0.19: SSL_CTX_set_ciphersuites(ctx, NULL),
 *     SSL_CIPHER_description(NULL, ..), SSL_CIPHER_get_id(NULL),
 *     SSL_get_error(NULL, ..), SSL_shutdown(NULL), SSL_get_verify_result(NULL),
 *     SSL_get_servername(NULL, ..), SSL_get_version(NULL),
 *     SSL_get_current_cipher(NULL), SSL_up_ref(NULL), SSL_CTX_up_ref(NULL),
 *     SSL_set_min_proto_version(NULL, ..);
 *   - NULL file names (SSL_CTX_use_certificate_file / _PrivateKey_file /
 *     _chain_file, SSL_load_client_CA_file): they reach fopen(NULL), which
 *     glibc answers with EFAULT ("system library::Bad address") but
 *     valgrind reports as an invalid syscall parameter.
 * Prints return values and the first queued error. */
#include "common.h"

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

int main(int argc, char **argv)
{
    SSL_CTX *ctx, *r;
    SSL *ssl;
    unsigned char *out = NULL;
    unsigned char outlen = 0;
    char buf[64];

    test_init(argc, argv);
    /* create a valid SSL_CTX first: before libssl is initialised (which
     * SSL_CTX_new(valid method) does) the SSL error strings are not loaded
     * and ERR_error_string_n prints "reason(196)" */
    ctx = SSL_CTX_new(TLS_method());
    ssl = SSL_new(ctx);
    TRYP("SSL_CTX_new(NULL)", SSL_CTX_new(NULL));
    TRYP("SSL_new(NULL)", SSL_new(NULL));
    TRY("SSL_CTX_use_certificate(ctx, NULL)", SSL_CTX_use_certificate(ctx, NULL));
    TRY("SSL_CTX_use_PrivateKey(ctx, NULL)", SSL_CTX_use_PrivateKey(ctx, NULL));
    TRY("SSL_use_certificate(ssl, NULL)", SSL_use_certificate(ssl, NULL));
    TRY("SSL_use_PrivateKey(ssl, NULL)", SSL_use_PrivateKey(ssl, NULL));
    TRY("SSL_CTX_load_verify_locations(ctx, NULL, NULL)",
        SSL_CTX_load_verify_locations(ctx, NULL, NULL));
    TRY("SSL_CTX_set_cipher_list(ctx, NULL)", SSL_CTX_set_cipher_list(ctx, NULL));
    TRY("SSL_set_cipher_list(ssl, NULL)", SSL_set_cipher_list(ssl, NULL));
    TRY("SSL_CTX_check_private_key(NULL)", SSL_CTX_check_private_key(NULL));
    TRY("SSL_check_private_key(NULL)", SSL_check_private_key(NULL));
    TRY("SSL_set1_host(ssl, NULL)", SSL_set1_host(ssl, NULL));
    TRY("SSL_add1_host(ssl, NULL)", SSL_add1_host(ssl, NULL));
    TRY("SSL_set_tlsext_host_name(ssl, NULL)", SSL_set_tlsext_host_name(ssl, NULL));
    TRY("SSL_CTX_set_alpn_protos(ctx, NULL, 0)", SSL_CTX_set_alpn_protos(ctx, NULL, 0));
    TRY("SSL_set_alpn_protos(ssl, NULL, 0)", SSL_set_alpn_protos(ssl, NULL, 0));
    TRY("SSL_CTX_add_client_CA(ctx, NULL)", SSL_CTX_add_client_CA(ctx, NULL));
    TRYP("SSL_load_client_CA_file(missing)", SSL_load_client_CA_file(cpath("missing.pem")));
    SSL_CTX_set_client_CA_list(ctx, NULL);
    printf("SSL_CTX_set_client_CA_list(ctx, NULL) -> list size %d\n",
           sk_X509_NAME_num(SSL_CTX_get_client_CA_list(ctx)));
    TRY("SSL_set_session(ssl, NULL)", SSL_set_session(ssl, NULL));
    TRYP("SSL_get1_peer_certificate(NULL)", SSL_get1_peer_certificate(NULL));
    printf("SSL_CIPHER_get_name(NULL)=%s\n", SSL_CIPHER_get_name(NULL));
    printf("SSL_CIPHER_standard_name(NULL)=%s\n", SSL_CIPHER_standard_name(NULL));
    printf("SSL_CIPHER_get_version(NULL)=%s\n", SSL_CIPHER_get_version(NULL));
    printf("SSL_CIPHER_get_bits(NULL, NULL)=%d\n", SSL_CIPHER_get_bits(NULL, NULL));
    TRY("SSL_select_next_proto(server list NULL/0)",
        SSL_select_next_proto(&out, &outlen, NULL, 0, (const unsigned char *)"\x02h2", 3));
    printf("  out=");
    if (out)
        print_escaped((const char *)out, outlen);
    else
        printf("NULL");
    printf("\n");
    TRY("SSL_CTX_set_min_proto_version(NULL, 0)", SSL_CTX_set_min_proto_version(NULL, 0));
    r = SSL_set_SSL_CTX(ssl, NULL);
    printf("SSL_set_SSL_CTX(ssl, NULL) returns the original ctx=%d\n", r == ctx);
    ERR_clear_error();
    TRYP("SSL_get_ex_data(ssl, -1)", SSL_get_ex_data(ssl, -1));
    TRYP("SSL_get_ex_data(ssl, 1000)", SSL_get_ex_data(ssl, 1000));

    /* I/O without BIOs / without a role */
    TRY("SSL_do_handshake (no connect/accept state)", SSL_do_handshake(ssl));
    TRY("SSL_read (no state)", SSL_read(ssl, buf, sizeof(buf)));
    TRY("SSL_write (no state)", SSL_write(ssl, "x", 1));
    TRY("SSL_peek (no state)", SSL_peek(ssl, buf, sizeof(buf)));
    TRY("SSL_shutdown (no state)", SSL_shutdown(ssl));
    TRY("SSL_get_fd (no BIO)", SSL_get_fd(ssl));
    TRYP("SSL_get_rbio (no BIO)", SSL_get_rbio(ssl));
    {
        int rr;
        SSL_set_connect_state(ssl);
        rr = SSL_do_handshake(ssl);
        print_result("client", "SSL_do_handshake (no BIO)", ssl, rr);
        rr = SSL_connect(ssl);
        print_result("client", "SSL_connect (no BIO)", ssl, rr);
        rr = SSL_shutdown(ssl);
        print_result("client", "SSL_shutdown (in init)", ssl, rr);
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return test_end();
}
