/* The verify callback (SSL_CTX_set_verify with a callback): prints depth,
 * error code and string, preverify_ok and the current cert subject for each
 * call, and whether SSL_get_ex_data(X509_STORE_CTX,
 * SSL_get_ex_data_X509_STORE_CTX_idx()) finds the SSL being handshaked.
 * Cases: good chain; unknown CA with a callback that overrides every
 * failure (handshake succeeds, verify result keeps the code); expired cert
 * with a callback overriding only X509_V_ERR_CERT_HAS_EXPIRED; wrong host
 * with a pass-through callback (fails); leaf via an intermediate CA sent in
 * the chain (depth 2). */
#include "common.h"

static SSL *g_expect;
static int g_mode; /* 0 pass-through, 1 override all, 2 override expired */

static int verify_cb(int ok, X509_STORE_CTX *st)
{
    int depth = X509_STORE_CTX_get_error_depth(st);
    int err = X509_STORE_CTX_get_error(st);
    X509 *cur = X509_STORE_CTX_get_current_cert(st);
    SSL *ssl = X509_STORE_CTX_get_ex_data(st, SSL_get_ex_data_X509_STORE_CTX_idx());
    int ret = ok;

    if (g_mode == 1)
        ret = 1;
    else if (g_mode == 2 && err == X509_V_ERR_CERT_HAS_EXPIRED)
        ret = 1;
    printf("  verify_cb: depth=%d preverify_ok=%d err=%d (%s) subject=%s ssl_match=%d -> %d\n",
           depth, ok, err, X509_verify_cert_error_string(err),
           cur ? name_str(X509_get_subject_name(cur)) : "(none)", ssl == g_expect, ret);
    return ret;
}

static void run(const char *title, const char *cert, const char *key, int mode, int maxv)
{
    SSL_CTX *sctx = make_server_ctx(cert, key);
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    int ok;

    printf("== %s (%s) ==\n", title, version_name(maxv));
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, verify_cb);
    printf("get_verify_callback matches=%d get_verify_mode=%d\n",
           SSL_CTX_get_verify_callback(cctx) == verify_cb, SSL_CTX_get_verify_mode(cctx));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    g_mode = mode;
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set1_host(c, "localhost");
    g_expect = c;
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    print_verify_result("client", c);
    if (ok) {
        STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c);
        print_session_info("client", c);
        printf("client: peer chain length=%d\n", chain ? sk_X509_num(chain) : -1);
        chain = SSL_get0_verified_chain(c);
        printf("client: verified chain length=%d\n", chain ? sk_X509_num(chain) : -1);
        for (int i = 0; chain && i < sk_X509_num(chain); i++)
            printf("client:   [%d] %s\n", i,
                   name_str(X509_get_subject_name(sk_X509_value(chain, i))));
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run("good certificate", "server-rsa.pem", "server-rsa.key", 0, TLS1_3_VERSION);
    run("good certificate", "server-rsa.pem", "server-rsa.key", 0, TLS1_2_VERSION);
    run("unknown CA, override all", "unknownca.pem", "unknownca.key", 1, TLS1_3_VERSION);
    run("unknown CA, pass-through", "unknownca.pem", "unknownca.key", 0, TLS1_3_VERSION);
    run("expired, override expired only", "expired.pem", "expired.key", 2, TLS1_3_VERSION);
    run("expired, override expired only", "expired.pem", "expired.key", 2, TLS1_2_VERSION);
    run("wrong host, pass-through", "wronghost.pem", "wronghost.key", 0, TLS1_3_VERSION);
    run("wrong host, override all", "wronghost.pem", "wronghost.key", 1, TLS1_2_VERSION);
    run("intermediate CA chain", "server-int-chain.pem", "server-int.key", 0, TLS1_3_VERSION);
    run("leaf only, intermediate missing", "server-int.pem", "server-int.key", 0, TLS1_3_VERSION);
    return test_end();
}
