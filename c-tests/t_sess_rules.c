/* The seed's NOTES (one SSL_SESSION belongs to one SSL_CTX) and other
 * misuse of SSL_set_session, none of which may crash:
 *   a session from another client SSL_CTX (same settings: TLS 1.3 and
 *   TLS 1.2; a context limited to TLS 1.2 offered a TLS 1.3 session: not
 *   offered, dropped while the ClientHello is built);
 *   SSL_set_session on a server SSL (return value, what the server does
 *   with it, when it is released);
 *   SSL_set_session after the first SSL_do_handshake step (ClientHello
 *   already sent), TLS 1.3 and TLS 1.2 (every step printed);
 *   SSL_set_session on an established connection (returns 1; the
 *   connection's own session is removed: no longer resumable; the
 *   connection is not used afterwards, OpenSSL has swapped its keys);
 *   SSL_set_session twice with the same session;
 *   a session whose time was moved a year into the past on the client
 *   (TLS 1.3, TLS 1.2 ticket, TLS 1.2 session ID);
 *   an empty SSL_SESSION_new session offered. */
#include "sess_impl.h"

static SSL_CTX *g_sctx, *g_sctx_noticket;

/* full handshake on cctx against sctx; returns the client's session */
static SSL_SESSION *get_session(SSL_CTX *cctx, SSL_CTX *sctx)
{
    SSL *c, *s;
    SSL_SESSION *r;

    make_pair(cctx, sctx, &c, &s, 0);
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    pump(c, s);
    r = SSL_get1_session(c);
    sess_name(r, "C");
    sess_shutdown(c, "client");
    sess_shutdown(s, "server");
    SSL_free(c);
    SSL_free(s);
    return r;
}

/* offers sess (our reference dropped right after SSL_set_session) */
static void offer(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *sess, int verbose)
{
    SSL *c, *s;
    int ok;

    make_pair(cctx, sctx, &c, &s, 0);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(sess), SSL_set_session(c, sess));
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n",
           sess_label(sess));
    SSL_SESSION_free(sess);
    ok = do_handshake(c, s, verbose, NULL, NULL);
    printf("handshake ok=%d version=%s reused: client=%d server=%d\n", ok, SSL_get_version(c),
           SSL_session_reused(c), SSL_session_reused(s));
    sess_close_pair(c, s);
}

static void foreign_ctx(void)
{
    SSL_CTX *c1 = sess_client_ctx(0), *c2 = sess_client_ctx(0), *c12 = sess_client_ctx(0);
    SSL_SESSION *x;

    SSL_CTX_set_max_proto_version(c12, TLS1_2_VERSION);
    printf("== a session of another client SSL_CTX ==\n");
    printf("-- TLS 1.3 session of ctx 1 offered by an SSL of ctx 2\n");
    x = get_session(c1, g_sctx);
    offer(c2, g_sctx, x, 0);
    printf("-- TLS 1.2 session of ctx 1 (limited to TLS 1.2) offered by an SSL of ctx 2 "
           "(limited to TLS 1.2)\n");
    SSL_CTX_set_max_proto_version(c1, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(c2, TLS1_2_VERSION);
    x = get_session(c1, g_sctx);
    offer(c2, g_sctx, x, 0);
    printf("-- TLS 1.3 session offered by an SSL of a ctx limited to TLS 1.2\n");
    SSL_CTX_set_max_proto_version(c1, 0);
    x = get_session(c1, g_sctx);
    printf("version of %s=%s\n", sess_label(x), version_name(SSL_SESSION_get_protocol_version(x)));
    offer(c12, g_sctx, x, 1);
    SSL_CTX_free(c1);
    SSL_CTX_free(c2);
    SSL_CTX_free(c12);
}

static void server_ssl(void)
{
    SSL_CTX *cctx = sess_client_ctx(0);
    SSL_SESSION *x = get_session(cctx, g_sctx);
    SSL *c, *s;
    int ok;

    printf("== SSL_set_session on a server SSL ==\n");
    make_pair(cctx, g_sctx, &c, &s, 0);
    printf("server: SSL_set_session(%s)=%d\n", sess_label(x), SSL_set_session(s, x));
    print_err("server");
    printf("server: SSL_get_session is %s: %d\n", sess_label(x), SSL_get_session(s) == x);
    printf("-- SSL_SESSION_free(%s): the server SSL holds the only reference\n", sess_label(x));
    SSL_SESSION_free(x);
    ok = do_handshake(c, s, 1, NULL, NULL);
    printf("handshake ok=%d reused: client=%d server=%d\n", ok, SSL_session_reused(c),
           SSL_session_reused(s));
    printf("server: session=%s\n", cur_name(s));
    sess_close_pair(c, s);
    SSL_CTX_free(cctx);
}

static void after_start(int version)
{
    SSL_CTX *cctx = sess_client_ctx(version);
    SSL_SESSION *x = get_session(cctx, g_sctx);
    SSL *c, *s;
    int r, ok;

    printf("== SSL_set_session after the first handshake step, %s ==\n", version_name(version));
    make_pair(cctx, g_sctx, &c, &s, 0);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake", c, r);
    printf("client: session before=%s\n", cur_name(c));
    printf("client: SSL_set_session(%s)=%d\n", sess_label(x), SSL_set_session(c, x));
    print_err("client");
    printf("client: session now=%s\n", cur_name(c));
    printf("-- SSL_SESSION_free(%s): the client SSL holds the only reference\n", sess_label(x));
    SSL_SESSION_free(x);
    ok = do_handshake(c, s, 1, NULL, NULL);
    printf("handshake ok=%d reused: client=%d server=%d\n", ok, SSL_session_reused(c),
           SSL_session_reused(s));
    if (ok)
        printf("client: session=%s resumable=%d\n", cur_name(c),
               SSL_SESSION_is_resumable(SSL_get_session(c)));
    sess_close_pair(c, s);
    SSL_CTX_free(cctx);
}

static void established(int version)
{
    SSL_CTX *cctx = sess_client_ctx(version);
    SSL_SESSION *x = get_session(cctx, g_sctx), *own;
    SSL *c, *s;

    printf("== SSL_set_session on an established connection, %s ==\n", version_name(version));
    make_pair(cctx, g_sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    own = SSL_get1_session(c);
    printf("client: own session=%s resumable=%d\n", sess_name(own, "C"),
           SSL_SESSION_is_resumable(own));
    printf("client: SSL_set_session(%s)=%d\n", sess_label(x), SSL_set_session(c, x));
    printf("client: session now=%s, own %s resumable=%d\n", cur_name(c), sess_label(own),
           SSL_SESSION_is_resumable(own));
    /* the connection is not used any more: OpenSSL has swapped its keys */
    sess_free_pair(c, s);
    ERR_clear_error();
    sess_free(x);
    sess_free(own);
    SSL_CTX_free(cctx);
}

static void expired(int version, SSL_CTX *sctx, const char *title)
{
    SSL_CTX *cctx = sess_client_ctx(version);
    SSL_SESSION *x = get_session(cctx, sctx);
    long t = (long)time(NULL) - 365L * 86400;

    printf("== client session moved a year into the past, %s ==\n", title);
    printf("SSL_SESSION_set_time(%s, now - 1 year) returned the time=%d\n", sess_label(x),
           SSL_SESSION_set_time(x, t) == t);
    printf("%s: resumable=%d timeout=%ld\n", sess_label(x), SSL_SESSION_is_resumable(x),
           SSL_SESSION_get_timeout(x));
    offer(cctx, sctx, x, 0);
    SSL_CTX_free(cctx);
}

static void twice_and_empty(void)
{
    SSL_CTX *cctx = sess_client_ctx(0);
    SSL_SESSION *x = get_session(cctx, g_sctx), *n;
    SSL *c, *s;
    int ok;

    printf("== SSL_set_session twice with the same session ==\n");
    make_pair(cctx, g_sctx, &c, &s, 0);
    printf("client: SSL_set_session(%s)=%d\n", sess_label(x), SSL_set_session(c, x));
    printf("client: SSL_set_session(%s)=%d\n", sess_label(x), SSL_set_session(c, x));
    sess_free(x);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused=%d\n", ok, SSL_session_reused(c));
    pump(c, s);
    sess_close_pair(c, s);

    printf("== an empty SSL_SESSION_new session offered ==\n");
    n = SSL_SESSION_new();
    sess_name(n, "N");
    offer(cctx, g_sctx, n, 1);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    sess_init();
    g_sctx = sess_server_ctx();
    g_sctx_noticket = sess_server_ctx();
    SSL_CTX_set_options(g_sctx_noticket, SSL_OP_NO_TICKET);
    foreign_ctx();
    server_ssl();
    after_start(TLS1_3_VERSION);
    after_start(TLS1_2_VERSION);
    established(TLS1_3_VERSION);
    established(TLS1_2_VERSION);
    twice_and_empty();
    expired(TLS1_3_VERSION, g_sctx, "TLS 1.3");
    expired(TLS1_2_VERSION, g_sctx, "TLS 1.2 ticket");
    expired(TLS1_2_VERSION, g_sctx_noticket, "TLS 1.2 session ID");
    free_ctx(g_sctx, "server");
    free_ctx(g_sctx_noticket, "server (no tickets)");
    return test_end();
}
