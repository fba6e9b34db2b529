/* SSL_state_string / SSL_state_string_long and SSL_get_state before the
 * handshake, after the first client step, after completion (TLS 1.3 and
 * TLS 1.2, both sides), and after a failed handshake. */
#include "common.h"

static void st(const char *who, SSL *s)
{
    printf("%s: state=\"%s\" long=\"%s\"\n", who, SSL_state_string(s), SSL_state_string_long(s));
}

static void run(int maxv)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;
    int r;

    printf("== %s ==\n", version_name(maxv));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    make_pair(cctx, sctx, &c, &s, 0);
    st("client", c);
    st("server", s);
    printf("client: get_state=%d (TLS_ST_BEFORE=%d)\n", (int)SSL_get_state(c), TLS_ST_BEFORE);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake", c, r);
    st("client", c);
    if (do_handshake(c, s, 0, NULL, NULL)) {
        st("client", c);
        st("server", s);
        printf("client: get_state=%d (TLS_ST_OK=%d)\n", (int)SSL_get_state(c), TLS_ST_OK);
        printf("server: get_state=%d\n", (int)SSL_get_state(s));
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;

    test_init(argc, argv);
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    printf("== failed handshake (unknown CA) ==\n");
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("unknownca.pem", "unknownca.key");
    make_pair(cctx, sctx, &c, &s, 0);
    do_handshake(c, s, 0, NULL, NULL);
    st("client", c);
    st("server", s);
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
