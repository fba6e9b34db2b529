/* The client context's session cache mode decides whether the client's
 * new-session callback runs and whether the client's internal cache keeps
 * sessions (TLS 1.3 and TLS 1.2 with tickets; the client context has a
 * new-session callback returning 0 and a remove callback):
 *   default mode (SSL_SESS_CACHE_SERVER): no client callback at all;
 *   SSL_SESS_CACHE_CLIENT: callback per new session, the sessions are also
 *     stored in the client context (sess_number), so they survive SSL_free
 *     and die at SSL_CTX_free; a TLS 1.3 resumption removes the used
 *     session from that cache (remove callback);
 *   SSL_SESS_CACHE_CLIENT|SSL_SESS_CACHE_NO_INTERNAL_STORE: callback, no
 *     storing. */
#include "sess_impl.h"

static void run(int version, long mode, const char *mode_name)
{
    SSL_CTX *cctx = sess_client_ctx(version), *sctx = sess_server_ctx();
    SSL_SESSION *sess;
    SSL *c, *s;
    int ok;

    printf("== %s, client cache mode %s ==\n", version_name(version), mode_name);
    if (mode >= 0)
        SSL_CTX_set_session_cache_mode(cctx, mode);
    printf("client: session_cache_mode=0x%lx\n", SSL_CTX_get_session_cache_mode(cctx));
    install_new_cb(cctx);
    install_remove_cb(cctx);
    g_new_client = 0;

    printf("-- connection 1\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    sess = SSL_get1_session(c);
    printf("client: session=%s new-session callbacks=%d client sess_number=%ld\n",
           sess_name(sess, "C"), g_new_client, SSL_CTX_sess_number(cctx));
    sess_close_pair(c, s);
    printf("client sess_number=%ld\n", SSL_CTX_sess_number(cctx));

    printf("-- connection 2, offering %s\n", sess_label(sess));
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_session(c, sess);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused=%d\n", ok, SSL_session_reused(c));
    pump(c, s);
    printf("client: session=%s new-session callbacks=%d client sess_number=%ld\n", cur_name(c),
           g_new_client, SSL_CTX_sess_number(cctx));
    /* with the default mode a used TLS 1.3 ticket stays resumable in
     * OpenSSL: that is t_sess_tls13_ticket_reuse's business */
    if (version != TLS1_3_VERSION || mode >= 0)
        printf("client: offered %s resumable=%d\n", sess_label(sess),
               SSL_SESSION_is_resumable(sess));
    sess_close_pair(c, s);
    sess_free(sess);
    free_ctx(cctx, "client");
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    sess_init();
    for (int v = 0; v < 2; v++) {
        int version = v == 0 ? TLS1_3_VERSION : TLS1_2_VERSION;
        run(version, -1, "default");
        run(version, SSL_SESS_CACHE_CLIENT, "CLIENT");
        run(version, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE,
            "CLIENT|NO_INTERNAL_STORE");
    }
    return test_end();
}
