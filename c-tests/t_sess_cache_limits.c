/* Limits of the server's internal session cache (TLS 1.2 with session
 * IDs, server SSL_OP_NO_TICKET; server new-session and remove callbacks
 * label and print sessions, the free callback shows when they die):
 *   SSL_CTX_sess_set_cache_size / get_cache_size (default, previous value),
 *   a cache of size 2 and five connections (OpenSSL 3.0 evicts the oldest
 *   session while sess_number >= size after inserting the new one, so it
 *   keeps one session: remove callback, sess_cache_full), an evicted
 *   session is not resumed;
 *   SSL_CTX_set_timeout / get_timeout (default, previous value), the
 *   timeout of new sessions, a cached session moved into the past with
 *   SSL_SESSION_set_time is not resumed (sess_timeouts, removed from the
 *   cache), SSL_SESSION_set_timeout extending a session moved into the past
 *   (resumed), SSL_CTX_flush_sessions with the current time and with a time
 *   in the future. */
#include "sess_impl.h"

static SSL_CTX *g_cctx, *g_sctx;

/* one connection; offers `offer` (may be NULL); returns the client's session */
static SSL_SESSION *conn(SSL_SESSION *offer, SSL_SESSION **srv)
{
    SSL *c, *s;
    SSL_SESSION *ret;
    int ok;

    make_pair(g_cctx, g_sctx, &c, &s, 0);
    if (offer != NULL)
        printf("client: offering %s\n", sess_label(offer));
    if (offer != NULL && SSL_set_session(c, offer) != 1)
        printf("client: SSL_set_session failed\n");
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused: client=%d server=%d\n", ok, SSL_session_reused(c),
           SSL_session_reused(s));
    ret = SSL_get1_session(c);
    printf("client: session=%s server: session=%s\n", sess_name(ret, "C"), cur_name(s));
    if (srv != NULL)
        *srv = SSL_get1_session(s);
    sess_shutdown(c, "client");
    sess_shutdown(s, "server");
    SSL_free(c);
    SSL_free(s);
    printf("server: sess_number=%ld cache_full=%ld timeouts=%ld hits=%ld misses=%ld\n",
           SSL_CTX_sess_number(g_sctx), SSL_CTX_sess_cache_full(g_sctx),
           SSL_CTX_sess_timeouts(g_sctx), SSL_CTX_sess_hits(g_sctx), SSL_CTX_sess_misses(g_sctx));
    return ret;
}

static void new_ctxs(void)
{
    g_cctx = sess_client_ctx(TLS1_2_VERSION);
    g_sctx = sess_server_ctx();
    SSL_CTX_set_options(g_sctx, SSL_OP_NO_TICKET);
    install_new_cb(g_sctx);
    install_remove_cb(g_sctx);
}

static void free_ctxs(void)
{
    SSL_CTX_free(g_cctx);
    free_ctx(g_sctx, "server");
}

int main(int argc, char **argv)
{
    SSL_SESSION *k[6], *srv[6];
    long now;

    test_init(argc, argv);
    sess_init();

    printf("== cache size ==\n");
    new_ctxs();
    printf("server: sess_get_cache_size default=%ld\n", SSL_CTX_sess_get_cache_size(g_sctx));
    printf("server: sess_set_cache_size(2) previous=%ld\n", SSL_CTX_sess_set_cache_size(g_sctx, 2));
    printf("server: sess_get_cache_size=%ld\n", SSL_CTX_sess_get_cache_size(g_sctx));
    for (int i = 0; i < 3; i++) {
        printf("-- connection %d\n", i + 1);
        k[i] = conn(NULL, NULL);
    }
    printf("-- connection 4\n");
    k[3] = conn(k[0], NULL);
    printf("-- connection 5\n");
    k[4] = conn(k[2], NULL);
    for (int i = 0; i < 5; i++)
        sess_free(k[i]);
    free_ctxs();

    printf("== timeouts ==\n");
    new_ctxs();
    now = (long)time(NULL);
    printf("server: get_timeout default=%ld\n", SSL_CTX_get_timeout(g_sctx));
    printf("client: get_timeout default=%ld\n", SSL_CTX_get_timeout(g_cctx));
    printf("server: set_timeout(100) previous=%ld\n", SSL_CTX_set_timeout(g_sctx, 100));
    printf("server: get_timeout=%ld\n", SSL_CTX_get_timeout(g_sctx));
    printf("-- connection 1\n");
    k[0] = conn(NULL, &srv[0]);
    printf("server session %s: timeout=%ld time is now=%d\n", sess_label(srv[0]),
           SSL_SESSION_get_timeout(srv[0]), time_since(SSL_SESSION_get_time(srv[0]), now));
    printf("client session %s: timeout=%ld time is now=%d\n", sess_label(k[0]),
           SSL_SESSION_get_timeout(k[0]), time_since(SSL_SESSION_get_time(k[0]), now));
    printf("server: SSL_SESSION_set_time(%s, now - 1000) returned the time=%d\n",
           sess_label(srv[0]), SSL_SESSION_set_time(srv[0], now - 1000) == now - 1000);
    printf("server: get_time is now - 1000: %d\n", SSL_SESSION_get_time(srv[0]) == now - 1000);
    printf("server: %s resumable=%d\n", sess_label(srv[0]), SSL_SESSION_is_resumable(srv[0]));
    printf("-- connection 2\n");
    k[1] = conn(k[0], &srv[1]);
    printf("server: %s resumable=%d\n", sess_label(srv[0]), SSL_SESSION_is_resumable(srv[0]));
    sess_free(srv[0]);
    printf("-- connection 3\n");
    k[2] = conn(NULL, &srv[2]);
    printf("server: SSL_SESSION_set_time(%s, now - 1000) returned the time=%d\n",
           sess_label(srv[2]), SSL_SESSION_set_time(srv[2], now - 1000) == now - 1000);
    printf("server: SSL_SESSION_set_timeout(%s, 5000)=%ld\n", sess_label(srv[2]),
           SSL_SESSION_set_timeout(srv[2], 5000));
    printf("server: get_timeout=%ld\n", SSL_SESSION_get_timeout(srv[2]));
    printf("-- connection 4\n");
    k[3] = conn(k[2], NULL);
    printf("server: sess_number=%ld\n", SSL_CTX_sess_number(g_sctx));
    printf("server: SSL_SESSION_set_time(%s, now - 1000)\n", sess_label(srv[1]));
    SSL_SESSION_set_time(srv[1], now - 1000);
    printf("-- SSL_CTX_flush_sessions(server, now)\n");
    collect_begin();
    SSL_CTX_flush_sessions(g_sctx, now);
    collect_end();
    printf("server: sess_number=%ld %s resumable=%d %s resumable=%d\n",
           SSL_CTX_sess_number(g_sctx), sess_label(srv[1]), SSL_SESSION_is_resumable(srv[1]),
           sess_label(srv[2]), SSL_SESSION_is_resumable(srv[2]));
    printf("-- SSL_CTX_flush_sessions(server, now + 100000)\n");
    collect_begin();
    SSL_CTX_flush_sessions(g_sctx, now + 100000);
    collect_end();
    printf("server: sess_number=%ld %s resumable=%d\n", SSL_CTX_sess_number(g_sctx),
           sess_label(srv[2]), SSL_SESSION_is_resumable(srv[2]));
    printf("-- connection 5\n");
    k[4] = conn(k[2], NULL);
    sess_free(srv[1]);
    sess_free(srv[2]);
    for (int i = 0; i < 5; i++)
        sess_free(k[i]);
    free_ctxs();
    return test_end();
}
