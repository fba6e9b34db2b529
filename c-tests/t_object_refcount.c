/* Object lifetimes: SSL_CTX_new/SSL_CTX_up_ref/SSL_CTX_free,
 * SSL_new/SSL_up_ref/SSL_free, an SSL keeping its SSL_CTX alive after the
 * application dropped it, *_free(NULL), SSL_get_SSL_CTX, methods
 * (TLS_method/TLS_client_method/TLS_server_method) and SSL_is_server.
 * Lifetimes are observed through ex_data free callbacks. */
#include "common.h"

static int g_ctx_idx, g_ssl_idx;

static void free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    (void)argp;
    if (ptr != NULL)
        printf("  freed: %s (argl=%ld)\n", (const char *)ptr, argl);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx, *ctx2;
    SSL *ssl;

    test_init(argc, argv);
    g_ctx_idx = SSL_CTX_get_ex_new_index(1, NULL, NULL, NULL, free_cb);
    g_ssl_idx = SSL_get_ex_new_index(2, NULL, NULL, NULL, free_cb);
    printf("indexes valid=%d\n", g_ctx_idx >= 0 && g_ssl_idx >= 0);

    SSL_CTX_free(NULL);
    SSL_free(NULL);
    printf("free(NULL) ok\n");

    printf("-- SSL_CTX up_ref --\n");
    ctx = SSL_CTX_new(TLS_method());
    SSL_CTX_set_ex_data(ctx, g_ctx_idx, (void *)"ctx A");
    printf("SSL_CTX_up_ref=%d\n", SSL_CTX_up_ref(ctx));
    printf("first SSL_CTX_free\n");
    SSL_CTX_free(ctx);
    printf("ex_data still there=%d\n", SSL_CTX_get_ex_data(ctx, g_ctx_idx) != NULL);
    printf("second SSL_CTX_free\n");
    SSL_CTX_free(ctx);

    printf("-- SSL keeps its SSL_CTX alive --\n");
    ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_ex_data(ctx, g_ctx_idx, (void *)"ctx B");
    ssl = SSL_new(ctx);
    SSL_set_ex_data(ssl, g_ssl_idx, (void *)"ssl B");
    printf("get_SSL_CTX matches=%d is_server=%d\n", SSL_get_SSL_CTX(ssl) == ctx, SSL_is_server(ssl));
    printf("SSL_CTX_free (ssl still alive)\n");
    SSL_CTX_free(ctx);
    printf("SSL_up_ref=%d\n", SSL_up_ref(ssl));
    printf("first SSL_free\n");
    SSL_free(ssl);
    printf("ssl ex_data still there=%d\n", SSL_get_ex_data(ssl, g_ssl_idx) != NULL);
    printf("second SSL_free\n");
    SSL_free(ssl);

    printf("-- methods --\n");
    ctx = SSL_CTX_new(TLS_server_method());
    ssl = SSL_new(ctx);
    printf("server method: is_server=%d\n", SSL_is_server(ssl));
    SSL_set_connect_state(ssl);
    printf("after set_connect_state: is_server=%d\n", SSL_is_server(ssl));
    SSL_set_accept_state(ssl);
    printf("after set_accept_state: is_server=%d\n", SSL_is_server(ssl));
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    ctx = SSL_CTX_new(TLS_method());
    ssl = SSL_new(ctx);
    printf("generic method: is_server=%d\n", SSL_is_server(ssl));
    printf("SSL_get_ssl_method is TLS_method=%d\n", SSL_get_ssl_method(ssl) == TLS_method());
    printf("SSL_CTX_get_ssl_method is TLS_method=%d\n", SSL_CTX_get_ssl_method(ctx) == TLS_method());

    printf("-- SSL_set_SSL_CTX moves the reference --\n");
    ctx2 = SSL_CTX_new(TLS_method());
    SSL_CTX_set_ex_data(ctx2, g_ctx_idx, (void *)"ctx D");
    SSL_CTX_set_ex_data(ctx, g_ctx_idx, (void *)"ctx C");
    printf("SSL_set_SSL_CTX returned ctx2=%d\n", SSL_set_SSL_CTX(ssl, ctx2) == ctx2);
    printf("free ctx C (ssl now uses D)\n");
    SSL_CTX_free(ctx);
    printf("free ctx D (ssl still uses it)\n");
    SSL_CTX_free(ctx2);
    printf("free ssl\n");
    SSL_free(ssl);
    printf("done\n");
    return test_end();
}
