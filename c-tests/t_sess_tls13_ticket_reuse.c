/* One TLS 1.3 ticket offered on two consecutive connections.  The client
 * context keeps OpenSSL's default session cache mode (no
 * SSL_SESS_CACHE_CLIENT), so OpenSSL does not remove the session after a
 * resumption: the stateless ticket stays resumable and the server accepts
 * it twice.  (With SSL_SESS_CACHE_CLIENT OpenSSL's client drops the ticket
 * after one use; see t_sess_lifecycle_tls13.)  oxissl deliberately makes
 * TLS 1.3 tickets single-use, so this program isolates that difference. */
#include "sess_impl.h"

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    SSL_SESSION *t;

    test_init(argc, argv);
    sess_init();
    sctx = sess_server_ctx();
    cctx = sess_client_ctx(TLS1_3_VERSION);
    printf("client: session_cache_mode=0x%lx\n", SSL_CTX_get_session_cache_mode(cctx));

    printf("== connection 1: full handshake ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    t = SSL_get1_session(c);
    printf("client: kept %s resumable=%d\n", sess_name(t, "C"), SSL_SESSION_is_resumable(t));
    sess_close_pair(c, s);

    for (int i = 2; i <= 3; i++) {
        printf("== connection %d: offering %s ==\n", i, sess_label(t));
        make_pair(cctx, sctx, &c, &s, 0);
        printf("client: SSL_set_session=%d\n", SSL_set_session(c, t));
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        printf("client: reused=%d server: reused=%d\n", SSL_session_reused(c),
               SSL_session_reused(s));
        pump(c, s);
        printf("client: %s resumable=%d\n", sess_label(t), SSL_SESSION_is_resumable(t));
        sess_close_pair(c, s);
    }
    stats("server", sctx);
    sess_free(t);
    free_ctx(cctx, "client");
    free_ctx(sctx, "server");
    return test_end();
}
