/* The server's internal session cache and the SSL_CTX_sess_* statistics
 * after sequences of full and resumed handshakes (each connection offers
 * the client session of the previous one, connections are closed with
 * SSL_shutdown):
 *   TLS 1.2 with session IDs (server SSL_OP_NO_TICKET), TLS 1.2 with
 *   tickets, TLS 1.3 (stateless tickets), TLS 1.3 with SSL_OP_NO_TICKET
 *   (stateful tickets);
 *   SSL_CTX_set_session_cache_mode return values and the modes
 *   SSL_SESS_CACHE_OFF, SERVER|NO_INTERNAL_LOOKUP, SERVER|NO_INTERNAL_STORE
 *   (with session IDs and with tickets);
 *   SSL_CTX_set_session_id_context mismatch (not resumed, no error) for
 *   session IDs, tickets and TLS 1.3; with TLS 1.2 connection 3 offers
 *   connection 1's session again with the original context back (resumed);
 *   with TLS 1.3 it offers connection 2's session under the same context
 *   (resumed; no TLS 1.3 ticket is offered twice here).
 * Prints whether each end reports reuse, whether the server's session is
 * the object it cached in the first connection, and every statistic of
 * both contexts. */
#include "sess_impl.h"

struct scen {
    const char *title;
    int version;
    long server_opts;
    long server_mode; /* -1: keep the default */
    int conns;
    const char *sid_ctx[4]; /* server SSL_CTX sid_ctx per connection, NULL: unset */
    int offer_first;        /* offer connection 1's session, not the previous one */
};

static void run(const struct scen *sc)
{
    SSL_CTX *cctx = sess_client_ctx(sc->version), *sctx = sess_server_ctx();
    SSL_SESSION *sess = NULL, *srv_first = NULL;
    SSL *c, *s;

    printf("== %s ==\n", sc->title);
    SSL_CTX_set_options(sctx, (uint64_t)sc->server_opts);
    if (sc->server_mode >= 0) {
        long prev = SSL_CTX_set_session_cache_mode(sctx, sc->server_mode);
        printf("server: set_session_cache_mode(0x%lx) previous=0x%lx now=0x%lx\n",
               sc->server_mode, prev, SSL_CTX_get_session_cache_mode(sctx));
    }
    for (int i = 0; i < sc->conns; i++) {
        SSL_SESSION *next;

        if (sc->sid_ctx[i] != NULL)
            printf("server: set_session_id_context(\"%s\")=%d\n", sc->sid_ctx[i],
                   SSL_CTX_set_session_id_context(sctx, (const unsigned char *)sc->sid_ctx[i],
                                                  (unsigned int)strlen(sc->sid_ctx[i])));
        printf("-- connection %d%s\n", i + 1,
               !sess ? "" : sc->offer_first ? " (offering the session of connection 1)"
                                            : " (offering the previous session)");
        make_pair(cctx, sctx, &c, &s, 0);
        if (sess != NULL && SSL_set_session(c, sess) != 1)
            printf("client: SSL_set_session failed\n");
        printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
        pump(c, s);
        printf("version=%s reused: client=%d server=%d\n", SSL_get_version(c),
               SSL_session_reused(c), SSL_session_reused(s));
        if (srv_first == NULL)
            srv_first = SSL_get1_session(s);
        else
            printf("server: session is the one of connection 1: %d\n",
                   SSL_get_session(s) == srv_first);
        next = SSL_get1_session(c);
        printf("client: session resumable=%d same object as offered=%d\n",
               SSL_SESSION_is_resumable(next), next == sess);
        if (sess == NULL || !sc->offer_first) {
            SSL_SESSION_free(sess);
            sess = next;
        } else {
            SSL_SESSION_free(next);
        }
        sess_shutdown(c, "client");
        sess_shutdown(s, "server");
        SSL_free(c);
        SSL_free(s);
        stats("server", sctx);
        stats("client", cctx);
    }
    SSL_SESSION_free(sess);
    SSL_SESSION_free(srv_first);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    static const struct scen scens[] = {
        { "TLS 1.2, session IDs (server SSL_OP_NO_TICKET)", TLS1_2_VERSION, SSL_OP_NO_TICKET,
          -1, 3, { NULL } },
        { "TLS 1.2, tickets", TLS1_2_VERSION, 0, -1, 3, { NULL } },
        { "TLS 1.3, stateless tickets", TLS1_3_VERSION, 0, -1, 3, { NULL } },
        { "TLS 1.3, stateful tickets (server SSL_OP_NO_TICKET)", TLS1_3_VERSION,
          SSL_OP_NO_TICKET, -1, 3, { NULL } },
        { "TLS 1.2, session IDs, SSL_SESS_CACHE_OFF", TLS1_2_VERSION, SSL_OP_NO_TICKET,
          SSL_SESS_CACHE_OFF, 2, { NULL } },
        { "TLS 1.2, tickets, SSL_SESS_CACHE_OFF", TLS1_2_VERSION, 0, SSL_SESS_CACHE_OFF, 2,
          { NULL } },
        { "TLS 1.3, SSL_SESS_CACHE_OFF", TLS1_3_VERSION, 0, SSL_SESS_CACHE_OFF, 2, { NULL } },
        { "TLS 1.3 stateful, SSL_SESS_CACHE_OFF", TLS1_3_VERSION, SSL_OP_NO_TICKET,
          SSL_SESS_CACHE_OFF, 2, { NULL } },
        { "TLS 1.2, session IDs, SERVER|NO_INTERNAL_LOOKUP", TLS1_2_VERSION, SSL_OP_NO_TICKET,
          SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_LOOKUP, 2, { NULL } },
        { "TLS 1.2, session IDs, SERVER|NO_INTERNAL_STORE", TLS1_2_VERSION, SSL_OP_NO_TICKET,
          SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL_STORE, 2, { NULL } },
        { "TLS 1.2, tickets, SERVER|NO_INTERNAL", TLS1_2_VERSION, 0,
          SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL, 2, { NULL } },
        { "TLS 1.2, session IDs, session id context one/two/one", TLS1_2_VERSION,
          SSL_OP_NO_TICKET, -1, 3, { "one", "two", "one" }, 1 },
        { "TLS 1.2, tickets, session id context one/two/one", TLS1_2_VERSION, 0, -1, 3,
          { "one", "two", "one" }, 1 },
        { "TLS 1.3, session id context one/two/two", TLS1_3_VERSION, 0, -1, 3,
          { "one", "two", NULL }, 0 },
    };

    test_init(argc, argv);
    sess_init();
    for (size_t i = 0; i < sizeof(scens) / sizeof(scens[0]); i++)
        run(&scens[i]);
    return test_end();
}
