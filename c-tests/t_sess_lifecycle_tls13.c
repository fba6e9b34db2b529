/* SSL_SESSION life cycle, TLS 1.3, client and server in one process over a
 * BIO pair.  Every session is labelled when first seen (ex_data) and the
 * label's free callback shows when it dies; new-session callbacks on both
 * contexts (client cache mode SSL_SESS_CACHE_CLIENT|NO_INTERNAL_STORE, as
 * curl does) label and print each new session and return 0.
 *
 * Steps: full handshake (session before/after the tickets arrive, how many
 * new-session callbacks), SSL_get1_session, SSL_shutdown + SSL_free, second
 * connection with SSL_set_session (resumed, which session SSL_get_session
 * returns before and after the new tickets, when the offered session, whose
 * last reference is the SSL's, is released), SSL_set_session(ssl, NULL),
 * SSL_set_session replacing a session the SSL holds the last reference to
 * (freed inside the call), SSL_free without SSL_shutdown (OpenSSL removes
 * the session: remove callback, no longer resumable; offering it gives a
 * full handshake and it is dropped while the ClientHello is built), and a
 * session the server cannot accept (another server SSL_CTX, other ticket
 * keys): not resumed, and the offered session is freed during the client's
 * handshake step that reads the ServerHello (every step printed).
 * Reusing one ticket twice is t_sess_tls13_ticket_reuse. */
#include "sess_impl.h"

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx, *sctx2;
    SSL *c, *s;
    SSL_SESSION *first, *second, *third;
    long prev;

    test_init(argc, argv);
    sess_init();
    sctx = sess_server_ctx();
    sctx2 = sess_server_ctx();
    cctx = sess_client_ctx(TLS1_3_VERSION);
    prev = SSL_CTX_set_session_cache_mode(cctx, SSL_SESS_CACHE_CLIENT
                                                    | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    printf("client: set_session_cache_mode previous=0x%lx now=0x%lx\n", prev,
           SSL_CTX_get_session_cache_mode(cctx));
    printf("server: session_cache_mode=0x%lx num_tickets=%zu\n",
           SSL_CTX_get_session_cache_mode(sctx), SSL_CTX_get_num_tickets(sctx));
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
    printf("-- server sends application data, client reads it (tickets arrive)\n");
    pump(c, s);
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    show_pair(c, s);
    printf("version=%s\n", SSL_get_version(c));
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
    printf("client: before handshake session=%s same as offered=%d\n", cur_name(c),
           SSL_get_session(c) == first);
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n",
           sess_label(first));
    SSL_SESSION_free(first);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    show_pair(c, s);
    printf("client: session same object as offered=%d\n", SSL_get_session(c) == first);
    printf("-- client reads application data (new tickets arrive)\n");
    pump(c, s);
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    show_pair(c, s);
    second = SSL_get1_session(c);
    printf("client: SSL_get1_session=%s\n", sess_name(second, "C"));
    sess_close_pair(c, s);

    printf("== SSL_set_session(ssl, NULL) and replacing a session ==\n");
    c = SSL_new(cctx);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(second), SSL_set_session(c, second));
    printf("client: session=%s\n", cur_name(c));
    printf("client: SSL_set_session(NULL)=%d\n", SSL_set_session(c, NULL));
    printf("client: session=%s\n", cur_name(c));
    printf("client: SSL_set_session(%s)=%d\n", sess_label(second), SSL_set_session(c, second));
    printf("-- SSL_SESSION_free(%s): the SSL now holds the only reference\n", sess_label(second));
    SSL_SESSION_free(second);
    printf("client: session=%s resumable=%d\n", cur_name(c),
           SSL_SESSION_is_resumable(SSL_get_session(c)));
    third = SSL_SESSION_new();
    printf("client: SSL_SESSION_new=%s\n", sess_name(third, "N"));
    printf("-- SSL_set_session(%s) replacing %s\n", sess_label(third), cur_name(c));
    printf("client: SSL_set_session returned %d\n", SSL_set_session(c, third));
    printf("client: session=%s\n", cur_name(c));
    sess_free(third);
    printf("-- SSL_free(client) (never connected)\n");
    SSL_free(c);

    printf("== connection 3: full handshake, SSL_free without SSL_shutdown ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    first = SSL_get1_session(c);
    printf("client: SSL_get1_session=%s resumable=%d\n", sess_name(first, "C"),
           SSL_SESSION_is_resumable(first));
    sess_free_pair(c, s);
    printf("kept session %s resumable=%d\n", sess_label(first), SSL_SESSION_is_resumable(first));

    printf("== connection 4: offering the non-resumable session ==\n");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(first), SSL_set_session(c, first));
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n",
           sess_label(first));
    SSL_SESSION_free(first);
    printf("handshake ok=%d\n", do_handshake(c, s, 1, NULL, NULL));
    pump(c, s);
    show_pair(c, s);
    first = SSL_get1_session(c);
    printf("client: SSL_get1_session=%s resumable=%d\n", sess_name(first, "C"),
           SSL_SESSION_is_resumable(first));
    sess_close_pair(c, s);

    printf("== connection 5: offered to a server SSL_CTX that cannot decrypt it ==\n");
    make_pair(cctx, sctx2, &c, &s, 0);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(first), SSL_set_session(c, first));
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n",
           sess_label(first));
    SSL_SESSION_free(first);
    printf("handshake ok=%d\n", do_handshake(c, s, 1, NULL, NULL));
    show_pair(c, s);
    pump(c, s);
    printf("new-session callbacks so far: client=%d server=%d\n", g_new_client, g_new_server);
    show_pair(c, s);
    sess_close_pair(c, s);

    free_ctx(cctx, "client");
    free_ctx(sctx, "server");
    free_ctx(sctx2, "server 2");
    return test_end();
}
