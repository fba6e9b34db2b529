/* SSL_CTX_add_session / SSL_CTX_remove_session / SSL_has_matching_session_id
 * on a server's internal cache (TLS 1.2 with session IDs, server
 * SSL_OP_NO_TICKET), with a remove callback that prints the session's
 * label: return values, sess_number, whether the remove callback runs (also
 * for a session that is not in the cache), is_resumable after removal, a
 * removed session added back, a session made with SSL_SESSION_new and
 * SSL_SESSION_set1_id, a session without an ID; SSL_CTX_remove_session of
 * a client session on the client's context (not cached there); and the
 * TLS 1.3 server quirk: with a remove callback installed, OpenSSL stores
 * TLS 1.3 sessions in the internal cache (without one it does not). */
#include "sess_impl.h"

static SSL_CTX *g_cctx, *g_sctx;

static SSL_SESSION *conn(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, SSL_SESSION **srv)
{
    SSL *c, *s;
    SSL_SESSION *ret;
    int ok;

    make_pair(cctx, sctx, &c, &s, 0);
    if (offer != NULL) {
        printf("client: offering %s\n", sess_label(offer));
        if (SSL_set_session(c, offer) != 1)
            printf("client: SSL_set_session failed\n");
    }
    ok = do_handshake(c, s, 0, NULL, NULL);
    pump(c, s);
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
    return ret;
}

static void number(void)
{
    printf("server: sess_number=%ld\n", SSL_CTX_sess_number(g_sctx));
}

static void matching(SSL *s, const unsigned char *id, unsigned int len, const char *what)
{
    printf("server: SSL_has_matching_session_id(%s, len %u)=%d\n", what, len,
           SSL_has_matching_session_id(s, id, len));
}

int main(int argc, char **argv)
{
    SSL_SESSION *c1, *c2, *c3, *s1, *n1, *n2;
    SSL *c, *s;
    const unsigned char *id;
    unsigned int idlen;
    unsigned char unknown[SSL_MAX_SSL_SESSION_ID_LENGTH + 1];

    test_init(argc, argv);
    sess_init();
    g_cctx = sess_client_ctx(TLS1_2_VERSION);
    g_sctx = sess_server_ctx();
    SSL_CTX_set_options(g_sctx, SSL_OP_NO_TICKET);
    install_new_cb(g_sctx);
    install_remove_cb(g_sctx);
    install_remove_cb(g_cctx);
    memset(unknown, 0x5a, sizeof(unknown));

    printf("== a cached server session ==\n");
    make_pair(g_cctx, g_sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    c1 = SSL_get1_session(c);
    s1 = SSL_get1_session(s);
    printf("client: session=%s server: session=%s\n", sess_name(c1, "C"), sess_name(s1, "S"));
    number();
    id = SSL_SESSION_get_id(s1, &idlen);
    matching(s, id, idlen, "its id");
    matching(s, unknown, idlen, "unknown id");
    matching(s, id, SSL_MAX_SSL_SESSION_ID_LENGTH + 1, "its id, too long");
    matching(s, id, 0, "empty");
    printf("server: SSL_CTX_add_session(%s) already cached=%d\n", sess_label(s1),
           SSL_CTX_add_session(g_sctx, s1));
    number();
    printf("-- SSL_CTX_remove_session(%s)\n", sess_label(s1));
    printf("returned %d\n", SSL_CTX_remove_session(g_sctx, s1));
    number();
    printf("server: %s resumable=%d\n", sess_label(s1), SSL_SESSION_is_resumable(s1));
    matching(s, id, idlen, "its id");
    printf("-- SSL_CTX_remove_session(%s) again\n", sess_label(s1));
    printf("returned %d\n", SSL_CTX_remove_session(g_sctx, s1));
    printf("-- SSL_CTX_add_session(%s) back\n", sess_label(s1));
    printf("returned %d\n", SSL_CTX_add_session(g_sctx, s1));
    number();
    matching(s, id, idlen, "its id");
    printf("server: %s resumable=%d\n", sess_label(s1), SSL_SESSION_is_resumable(s1));
    sess_shutdown(c, "client");
    sess_shutdown(s, "server");
    SSL_free(c);
    SSL_free(s);
    printf("-- offering %s (its server session was removed and added back)\n", sess_label(c1));
    c2 = conn(g_cctx, g_sctx, c1, NULL);
    number();

    printf("== sessions made with SSL_SESSION_new ==\n");
    n1 = SSL_SESSION_new();
    printf("SSL_SESSION_new=%s\n", sess_name(n1, "N"));
    printf("set1_id=%d\n", SSL_SESSION_set1_id(n1, (const unsigned char *)"0123456789abcdef", 16));
    printf("SSL_CTX_add_session(%s)=%d\n", sess_label(n1), SSL_CTX_add_session(g_sctx, n1));
    number();
    printf("SSL_CTX_add_session(%s) again=%d\n", sess_label(n1), SSL_CTX_add_session(g_sctx, n1));
    number();
    printf("-- SSL_CTX_remove_session(%s)\n", sess_label(n1));
    printf("returned %d\n", SSL_CTX_remove_session(g_sctx, n1));
    number();
    n2 = SSL_SESSION_new();
    printf("SSL_SESSION_new=%s (no id)\n", sess_name(n2, "N"));
    printf("-- SSL_CTX_remove_session(%s)\n", sess_label(n2));
    printf("returned %d\n", SSL_CTX_remove_session(g_sctx, n2));
    printf("-- SSL_CTX_add_session(%s)\n", sess_label(n2));
    printf("returned %d\n", SSL_CTX_add_session(g_sctx, n2));
    number();
    printf("-- SSL_CTX_remove_session(%s)\n", sess_label(n2));
    printf("returned %d\n", SSL_CTX_remove_session(g_sctx, n2));
    number();

    printf("== a client session removed from the client context ==\n");
    printf("client: %s resumable=%d client sess_number=%ld\n", sess_label(c2),
           SSL_SESSION_is_resumable(c2), SSL_CTX_sess_number(g_cctx));
    printf("-- SSL_CTX_remove_session(client ctx, %s)\n", sess_label(c2));
    printf("returned %d\n", SSL_CTX_remove_session(g_cctx, c2));
    printf("client: %s resumable=%d\n", sess_label(c2), SSL_SESSION_is_resumable(c2));
    c3 = conn(g_cctx, g_sctx, c2, NULL);

    sess_free(c1);
    sess_free(c2);
    sess_free(c3);
    sess_free(s1);
    sess_free(n1);
    sess_free(n2);
    SSL_CTX_free(g_cctx);
    free_ctx(g_sctx, "server");

    printf("== TLS 1.3 server: internal cache without and with a remove callback ==\n");
    g_cctx = sess_client_ctx(TLS1_3_VERSION);
    g_sctx = sess_server_ctx();
    install_new_cb(g_sctx);
    c1 = conn(g_cctx, g_sctx, NULL, NULL);
    printf("no remove callback: ");
    number();
    sess_free(c1);
    free_ctx(g_sctx, "server");
    g_sctx = sess_server_ctx();
    install_new_cb(g_sctx);
    install_remove_cb(g_sctx);
    c1 = conn(g_cctx, g_sctx, NULL, NULL);
    printf("remove callback: ");
    number();
    c2 = conn(g_cctx, g_sctx, c1, NULL);
    printf("remove callback, after a resumption: ");
    number();
    sess_free(c1);
    sess_free(c2);
    SSL_CTX_free(g_cctx);
    free_ctx(g_sctx, "server");
    return test_end();
}
