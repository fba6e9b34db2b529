/*
 * Smoke test of include/openssl/ssl.h (run by tools/check-header.sh): compiled against
 * oxissl's header with -Wall -Wextra -Werror, linked against oxissl's libssl.so.3 and
 * run. It uses the header's constants and its macros over SSL_ctrl(), SSL_CTX_ctrl() and
 * CRYPTO_get_ex_new_index() the way applications do.
 */
#include <openssl/ssl.h>
#include <openssl/err.h>

#include <stdio.h>
#include <string.h>

static int failures;

#define EXPECT(cond)                                                                      \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "smoke.c:%d: expected %s\n", __LINE__, #cond);               \
            failures++;                                                                   \
        }                                                                                 \
    } while (0)

static int verify_cb(int preverify_ok, X509_STORE_CTX *ctx)
{
    (void)ctx;
    return preverify_ok;
}

static void keylog_cb(const SSL *ssl, const char *line)
{
    (void)ssl;
    (void)line;
}

int main(void)
{
    SSL_verify_cb vcb = verify_cb;
    SSL_CTX_keylog_cb_func kcb = keylog_cb;
    const SSL_METHOD *method;
    SSL_CTX *ctx;
    SSL *ssl;
    int idx;

    EXPECT(SSL_library_init() == 1);
    SSL_load_error_strings();
    OpenSSL_add_ssl_algorithms();

    method = TLS_client_method();
    EXPECT(method != NULL);
    ctx = SSL_CTX_new(method);
    EXPECT(ctx != NULL);
    if (ctx == NULL)
        return 1;

    EXPECT(SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1);
    EXPECT(SSL_CTX_get_min_proto_version(ctx) == TLS1_2_VERSION);
    EXPECT(SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1);
    EXPECT((SSL_CTX_set_mode(ctx, SSL_MODE_AUTO_RETRY | SSL_MODE_ENABLE_PARTIAL_WRITE)
            & SSL_MODE_ENABLE_PARTIAL_WRITE) != 0);
    EXPECT((SSL_CTX_get_mode(ctx) & SSL_MODE_AUTO_RETRY) != 0);
    (void)SSL_CTX_clear_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE);
    EXPECT((SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION) & SSL_OP_NO_COMPRESSION) != 0);
    (void)SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, vcb);
    EXPECT(SSL_CTX_get_verify_callback(ctx) == vcb);
    SSL_CTX_set_keylog_callback(ctx, kcb);

    idx = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL);
    EXPECT(idx >= 0);
    EXPECT(SSL_CTX_get_ex_new_index(0, NULL, NULL, NULL, NULL) >= 0);

    ssl = SSL_new(ctx);
    EXPECT(ssl != NULL);
    if (ssl != NULL) {
        EXPECT(SSL_set_tlsext_host_name(ssl, "example.com") == 1);
        EXPECT(SSL_set_ex_data(ssl, idx, ctx) == 1);
        EXPECT(SSL_get_ex_data(ssl, idx) == ctx);
        EXPECT(SSL_set_app_data(ssl, ctx) == 1);
        EXPECT(SSL_get_app_data(ssl) == ctx);
        EXPECT(SSL_get_error(ssl, 1) == SSL_ERROR_NONE);
        EXPECT(SSL_get_shutdown(ssl) == 0);
        SSL_set_shutdown(ssl, SSL_SENT_SHUTDOWN);
        EXPECT((SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) != 0);
        SSL_free(ssl);
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();

    if (failures == 0)
        printf("smoke: ok\n");
    return failures == 0 ? 0 : 1;
}
