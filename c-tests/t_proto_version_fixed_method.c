/* Version bounds under the fixed-version methods (TLSv1_2_method and its client/server
 * variants): OpenSSL reports 0 for both bounds, accepts any valid version in the setters
 * (SSL_CTX_, SSL_ and SSL_CONF's MinProtocol/MaxProtocol) and changes nothing, so the
 * method's version still decides the handshake. (Found by the config_diff fuzz target's
 * author: oxissl reported the method's version as both bounds.) */
/* The fixed-version methods are deprecated since 1.1.0 and still used. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

static void show(const char *who, SSL_CTX *ctx, SSL *s)
{
    printf("%s: ctx %s/%s", who, version_name((int)SSL_CTX_get_min_proto_version(ctx)),
           version_name((int)SSL_CTX_get_max_proto_version(ctx)));
    if (s != NULL)
        printf(", ssl %s/%s", version_name((int)SSL_get_min_proto_version(s)),
               version_name((int)SSL_get_max_proto_version(s)));
    printf("\n");
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    const SSL_METHOD *methods[] = {TLSv1_2_method(), TLSv1_2_client_method(), TLSv1_2_server_method()};
    const char *names[] = {"TLSv1_2_method", "TLSv1_2_client_method", "TLSv1_2_server_method"};
    for (int m = 0; m < 3; m++) {
        SSL_CTX *ctx = SSL_CTX_new(methods[m]);
        SSL *s = SSL_new(ctx);
        show(names[m], ctx, s);
        static const long vs[] = {TLS1_3_VERSION, TLS1_VERSION, 0, 0x0305, DTLS1_2_VERSION};
        for (int i = 0; i < 5; i++) {
            int a = (int)SSL_CTX_set_min_proto_version(ctx, vs[i]);
            int b = (int)SSL_CTX_set_max_proto_version(ctx, vs[i]);
            int c = (int)SSL_set_min_proto_version(s, vs[i]);
            int d = (int)SSL_set_max_proto_version(s, vs[i]);
            printf("  set 0x%lx: %d %d %d %d; ", vs[i], a, b, c, d);
            show("now", ctx, s);
            print_err("  queue");
        }
        SSL_CONF_CTX *cc = SSL_CONF_CTX_new();
        SSL_CONF_CTX_set_flags(cc, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_CLIENT | SSL_CONF_FLAG_SERVER);
        SSL_CONF_CTX_set_ssl_ctx(cc, ctx);
        printf("  MinProtocol TLSv1.3: %d, MaxProtocol TLSv1: %d; ", SSL_CONF_cmd(cc, "MinProtocol", "TLSv1.3"),
               SSL_CONF_cmd(cc, "MaxProtocol", "TLSv1"));
        show("now", ctx, NULL);
        SSL_CONF_CTX_free(cc);
        SSL_free(s);
        SSL_CTX_free(ctx);
    }

    /* The method still decides: a TLSv1_2_client_method context that was "set" to
     * TLS 1.3 only negotiates TLS 1.2 with a flexible server. */
    SSL_CTX *cctx = SSL_CTX_new(TLSv1_2_client_method());
    SSL_CTX_load_verify_locations(cctx, cpath("ca.pem"), NULL);
    SSL_CTX_set_min_proto_version(cctx, TLS1_3_VERSION);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;
    make_pair(cctx, sctx, &c, &s, 0);
    int ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake %s, version %s\n", ok ? "done" : "failed", SSL_get_version(c));
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
