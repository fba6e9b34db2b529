/* SSL_SESSION life cycle, TLS 1.2 (session IDs and tickets, OpenSSL's
 * defaults), client and server in one process over a BIO pair.  Sessions
 * are labelled when first seen (ex_data) and the label's free callback
 * shows when each dies; new-session callbacks on both contexts (client
 * cache mode SSL_SESS_CACHE_CLIENT|NO_INTERNAL_STORE) label and print each
 * new session and return 0; the client context has a remove callback.
 *
 * Steps: full handshake (one new-session callback per end at the end of
 * the handshake), SSL_get1_session, SSL_shutdown + SSL_free; second and
 * third connections with SSL_set_session of the same session (resumed
 * twice, the client keeps the very same SSL_SESSION object, no new-session
 * callback on resumption; in the third the SSL holds the last reference,
 * so the session dies in SSL_free); SSL_set_session(ssl, NULL) and
 * replacing a session (freed inside the call); SSL_free without
 * SSL_shutdown (the session is removed: remove callback, not resumable;
 * offering it gives a full handshake); a session the server cannot accept
 * (another server SSL_CTX): not resumed, and the offered session is freed
 * during the client's handshake step that reads the ServerHello (every
 * step printed). */
#include "sess_impl.h"

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx, *sctx2;
    SSL *c, *s;
    SSL_SESSION *first, *other;

    test_init(argc, argv);
    sess_init();
    sctx = sess_server_ctx();
    sctx2 = sess_server_ctx();
    cctx = sess_client_ctx(TLS1_2_VERSION);
    SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    install_new_cb(cctx);
    install_remove_cb(cctx);
    install_new_cb(sctx);
    install_new_cb(sctx2);

    printf("== connection 1: full handshake ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: before handshake session=%s\n", cur_name(c));
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    show_pair(c, s);
    pump(c, s);
    printf("new-session callbacks after application data: client=%d server=%d\n",
           g_new_client, g_new_server);
    printf("version=%s has_ticket=%d\n", SSL_get_version(c),
           SSL_SESSION_has_ticket(SSL_get_session(c)));
    printf("client ctx sess_number=%ld server ctx sess_number=%ld\n",
           SSL_CTX_sess_number(cctx), SSL_CTX_sess_number(sctx));
    first = SSL_get1_session(c);
    printf("client: SSL_get1_session=%s same as SSL_get_session=%d\n",
           sess_name(first, "C"), first == SSL_get_session(c));
    sess_close_pair(c, s);
    printf("kept session %s resumable=%d\n", sess_label(first), SSL_SESSION_is_resumable(first));

    printf("== connection 2: SSL_set_session(kept session) ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: SSL_set_session=%d\n", SSL_set_session(c, first));
    printf("client: before handshake session=%s\n", cur_name(c));
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    show_pair(c, s);
    printf("client: session same object as offered=%d\n", SSL_get_session(c) == first);
    pump(c, s);
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    printf("client: session same object as offered=%d\n", SSL_get_session(c) == first);
    sess_close_pair(c, s);
    printf("kept session %s resumable=%d\n", sess_label(first), SSL_SESSION_is_resumable(first));

    printf("== connection 3: the same session again, the SSL holds the last reference ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: SSL_set_session=%d\n", SSL_set_session(c, first));
    printf("-- SSL_SESSION_free(%s)\n", sess_label(first));
    SSL_SESSION_free(first);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    show_pair(c, s);
    printf("client: session same object as offered=%d\n", SSL_get_session(c) == first);
    pump(c, s);
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    first = SSL_get1_session(c);
    sess_close_pair(c, s);

    printf("== SSL_set_session(ssl, NULL) and replacing a session ==\n");
    c = SSL_new(cctx);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(first), SSL_set_session(c, first));
    printf("client: SSL_set_session(NULL)=%d\n", SSL_set_session(c, NULL));
    printf("client: session=%s\n", cur_name(c));
    printf("client: SSL_set_session(%s)=%d\n", sess_label(first), SSL_set_session(c, first));
    printf("-- SSL_SESSION_free(%s): the SSL now holds the only reference\n", sess_label(first));
    SSL_SESSION_free(first);
    other = SSL_SESSION_new();
    printf("client: SSL_SESSION_new=%s\n", sess_name(other, "N"));
    printf("-- SSL_set_session(%s) replacing %s\n", sess_label(other), cur_name(c));
    printf("client: SSL_set_session returned %d\n", SSL_set_session(c, other));
    printf("client: session=%s\n", cur_name(c));
    sess_free(other);
    printf("-- SSL_free(client) (never connected)\n");
    SSL_free(c);

    printf("== connection 4: full handshake, SSL_free without SSL_shutdown ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    first = SSL_get1_session(c);
    printf("client: SSL_get1_session=%s resumable=%d\n", sess_name(first, "C"),
           SSL_SESSION_is_resumable(first));
    printf("server: session=%s\n", cur_name(s));
    printf("server ctx sess_number=%ld\n", SSL_CTX_sess_number(sctx));
    sess_free_pair(c, s);
    printf("kept session %s resumable=%d\n", sess_label(first), SSL_SESSION_is_resumable(first));
    printf("server ctx sess_number=%ld\n", SSL_CTX_sess_number(sctx));

    printf("== connection 5: offering the non-resumable session ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(first), SSL_set_session(c, first));
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n",
           sess_label(first));
    SSL_SESSION_free(first);
    printf("handshake ok=%d\n", do_handshake(c, s, 1, NULL, NULL));
    show_pair(c, s);
    first = SSL_get1_session(c);
    sess_close_pair(c, s);

    printf("== connection 6: offered to a server SSL_CTX that cannot accept it ==\n");
    make_pair(cctx, sctx2, &c, &s, 0);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(first), SSL_set_session(c, first));
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n",
           sess_label(first));
    SSL_SESSION_free(first);
    printf("handshake ok=%d\n", do_handshake(c, s, 1, NULL, NULL));
    show_pair(c, s);
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    sess_close_pair(c, s);

    free_ctx(cctx, "client");
    free_ctx(sctx, "server");
    free_ctx(sctx2, "server 2");
    return test_end();
}
