/* A client new-session callback that keeps the session (returns 1, as curl
 * and Python do) and frees it later: client cache mode
 * SSL_SESS_CACHE_CLIENT|SSL_SESS_CACHE_NO_INTERNAL_STORE.  TLS 1.3: every
 * ticket's session is kept (the library's replacing them does not free
 * them), the last one resumes, the resumed connection's new ticket is kept
 * too, and each kept session dies exactly when the application frees it.
 * TLS 1.2: one session kept, resumption with it (no callback on
 * resumption), freed by the application after the SSL. */
#include "sess_impl.h"

static SSL_SESSION *g_kept[16];
static int g_nkept;

static int keep_cb(SSL *ssl, SSL_SESSION *sess)
{
    const char *n = sess_name(sess, side_prefix(ssl));
    if (g_nkept >= 16) {
        ev("  [new_cb %s: not kept, returns 0]", n);
        return 0;
    }
    g_kept[g_nkept++] = sess;
    ev("  [new_cb %s: kept as #%d resumable=%d, returns 1]", n, g_nkept,
       SSL_SESSION_is_resumable(sess));
    return 1;
}

static void run(int version)
{
    SSL_CTX *cctx = sess_client_ctx(version), *sctx = sess_server_ctx();
    SSL *c, *s;
    int first, ok;

    printf("== %s ==\n", version_name(version));
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(cctx, keep_cb);
    g_nkept = 0;

    printf("-- connection 1\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    printf("client: session=%s\n", cur_name(c));
    pump(c, s);
    printf("client: session=%s, kept=%d\n", cur_name(c), g_nkept);
    sess_close_pair(c, s);
    for (int i = 0; i < g_nkept; i++)
        printf("kept #%d %s resumable=%d\n", i + 1, sess_label(g_kept[i]),
               SSL_SESSION_is_resumable(g_kept[i]));

    first = g_nkept;
    printf("-- connection 2, offering the last kept session %s\n", sess_label(g_kept[first - 1]));
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: SSL_set_session=%d\n", SSL_set_session(c, g_kept[first - 1]));
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused=%d\n", ok, SSL_session_reused(c));
    pump(c, s);
    printf("client: session=%s, kept=%d\n", cur_name(c), g_nkept);
    for (int i = 0; i < g_nkept; i++)
        printf("kept #%d %s resumable=%d\n", i + 1, sess_label(g_kept[i]),
               SSL_SESSION_is_resumable(g_kept[i]));
    printf("-- application frees kept #1 while connection 2 is open\n");
    sess_free(g_kept[0]);
    g_kept[0] = NULL;
    sess_close_pair(c, s);
    for (int i = 1; i < g_nkept; i++) {
        printf("-- application frees kept #%d\n", i + 1);
        sess_free(g_kept[i]);
    }
    SSL_CTX_free(cctx);
    free_ctx(sctx, "server");
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    sess_init();
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    return test_end();
}
