/* Encrypted private key (PEM password "secret"): SSL_CTX_set_default_passwd_cb
 * + _userdata (the callback prints rwflag, whether size is positive and
 * its userdata), the getters, a callback supplying the wrong password
 * (load fails, first error printed), a callback returning -1, the key
 * loaded on an SSL object with SSL_set_default_passwd_cb, and a handshake
 * with the decrypted key. */
#include "common.h"

static int g_calls;

static int pw_cb(char *buf, int size, int rwflag, void *u)
{
    const char *pw = (const char *)u;
    int n = (int)strlen(pw);
    g_calls++;
    printf("  pw_cb: rwflag=%d size_positive=%d userdata=%s\n", rwflag, size > 0, pw);
    if (strcmp(pw, "fail") == 0)
        return -1;
    if (n > size)
        n = size;
    memcpy(buf, pw, (size_t)n);
    return n;
}

static void load(const char *title, const char *pw)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    int r;

    printf("== %s ==\n", title);
    g_calls = 0;
    SSL_CTX_set_default_passwd_cb(ctx, pw_cb);
    SSL_CTX_set_default_passwd_cb_userdata(ctx, (void *)pw);
    printf("get cb matches=%d userdata matches=%d\n",
           SSL_CTX_get_default_passwd_cb(ctx) == pw_cb,
           SSL_CTX_get_default_passwd_cb_userdata(ctx) == (void *)pw);
    r = SSL_CTX_use_certificate_chain_file(ctx, cpath("server-rsa.pem"));
    printf("use_certificate_chain_file=%d\n", r);
    r = SSL_CTX_use_PrivateKey_file(ctx, cpath("server-rsa-enc.key"), SSL_FILETYPE_PEM);
    printf("use_PrivateKey_file(encrypted)=%d callback calls=%d\n", r, g_calls);
    print_err("load");
    if (r == 1) {
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
        SSL *c, *s;
        printf("check_private_key=%d\n", SSL_CTX_check_private_key(ctx));
        make_pair(cctx, ctx, &c, &s, 0);
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        free_pair(c, s);
        SSL_CTX_free(cctx);
    }
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *ctx;
    SSL *ssl;
    int r;

    test_init(argc, argv);
    load("right password", "secret");
    load("wrong password", "wrong");
    load("callback fails", "fail");

    printf("== per-SSL callback ==\n");
    ctx = SSL_CTX_new(TLS_server_method());
    ssl = SSL_new(ctx);
    g_calls = 0;
    SSL_set_default_passwd_cb(ssl, pw_cb);
    SSL_set_default_passwd_cb_userdata(ssl, (void *)"secret");
    printf("SSL get cb matches=%d\n", SSL_get_default_passwd_cb(ssl) == pw_cb);
    SSL_use_certificate_file(ssl, cpath("server-rsa.pem"), SSL_FILETYPE_PEM);
    r = SSL_use_PrivateKey_file(ssl, cpath("server-rsa-enc.key"), SSL_FILETYPE_PEM);
    printf("SSL_use_PrivateKey_file(encrypted)=%d callback calls=%d\n", r, g_calls);
    printf("SSL_check_private_key=%d\n", SSL_check_private_key(ssl));
    print_err("ssl");
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return test_end();
}
