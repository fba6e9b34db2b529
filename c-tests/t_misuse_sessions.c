/* Sessions used where they do not belong (issue #10, misuse), TLS 1.2 and 1.3:
 *   - SSL_set_session on a server SSL (its own earlier session, a client's session);
 *   - a client session from another SSL_CTX: SSL_set_session on a client of a second
 *     context, SSL_CTX_add_session into that context's cache (twice), and a server
 *     session added to another server context's cache (other session ID context);
 *   - a TLS 1.3 session offered by a client limited to TLS 1.2;
 *   - SSL_set_session on a connected client, and SSL_set_session(NULL) then.
 * Prints return values, SSL_session_reused, cache sizes, and whether
 * SSL_get_session returns the object that was set. */
#include "common.h"

/* Ends both sides with close_notify (without it SSL_free marks the session not
 * resumable, OpenSSL's "bad session" rule) and frees them. */
static void bye(SSL *c, SSL *s)
{
    SSL_shutdown(c);
    SSL_shutdown(s);
    ERR_clear_error();
    free_pair(c, s);
}

static SSL_CTX *server_ctx(const char *sid_ctx)
{
    SSL_CTX *s = make_server_ctx("server-rsa.pem", "server-rsa.key");

    SSL_CTX_set_session_id_context(s, (const unsigned char *)sid_ctx, (unsigned)strlen(sid_ctx));
    return s;
}

/* Connects (BIO pair), reads the TLS 1.3 tickets on the client, prints reuse; returns 1
 * when the handshake completed.  *cs / *ss get the two SSLs (the caller frees). */
static int connect_pair(const char *what, SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer,
                        SSL **cs, SSL **ss)
{
    char b[8];
    int ok;

    make_pair(cctx, sctx, cs, ss, 0);
    if (offer != NULL)
        printf("%s: SSL_set_session ret=%d\n", what, SSL_set_session(*cs, offer));
    ok = do_handshake(*cs, *ss, 0, NULL, NULL);
    SSL_read(*cs, b, sizeof(b));
    ERR_clear_error();
    printf("%s: handshake=%d client reused=%d server reused=%d version=%s\n", what, ok,
           SSL_session_reused(*cs), SSL_session_reused(*ss), SSL_get_version(*cs));
    return ok;
}

static void run(int v)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER), *cctx2 = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = server_ctx("one"), *sctx2 = server_ctx("two");
    SSL_CTX *c12 = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    SSL_SESSION *csess, *ssess, *got;
    int r;

    printf("== %s ==\n", version_name(v));
    SSL_CTX_set_max_proto_version(cctx, v);
    SSL_CTX_set_max_proto_version(cctx2, v);
    SSL_CTX_set_max_proto_version(c12, TLS1_2_VERSION);

    connect_pair("first", cctx, sctx, NULL, &c, &s);
    csess = SSL_get1_session(c);
    ssess = SSL_get1_session(s);
    bye(c, s);

    /* SSL_set_session on a server */
    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_set_session(s, ssess);
    printf("server: SSL_set_session(own session) ret=%d same=%d\n", r, SSL_get_session(s) == ssess);
    print_err("server");
    do_handshake(c, s, 0, NULL, NULL);
    printf("server: after handshake reused=%d same=%d\n", SSL_session_reused(s), SSL_get_session(s) == ssess);
    bye(c, s);
    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_set_session(s, csess);
    printf("server: SSL_set_session(client session) ret=%d same=%d\n", r, SSL_get_session(s) == csess);
    print_err("server");
    SSL_set_session(c, csess);
    do_handshake(c, s, 0, NULL, NULL);
    printf("server: after handshake client reused=%d server reused=%d same=%d\n",
           SSL_session_reused(c), SSL_session_reused(s), SSL_get_session(s) == csess);
    bye(c, s);

    /* a client session in another client context */
    SSL_SESSION_free(csess);
    connect_pair("fresh", cctx, sctx, NULL, &c, &s);
    csess = SSL_get1_session(c);
    bye(c, s);
    connect_pair("other client ctx", cctx2, sctx, csess, &c, &s);
    bye(c, s);
    r = SSL_CTX_add_session(cctx2, csess);
    printf("SSL_CTX_add_session(other client ctx) ret=%d number=%ld\n", r, SSL_CTX_sess_number(cctx2));
    print_err("add_session");
    r = SSL_CTX_add_session(cctx2, csess);
    printf("SSL_CTX_add_session again ret=%d number=%ld\n", r, SSL_CTX_sess_number(cctx2));
    print_err("add_session");
    r = SSL_CTX_remove_session(cctx2, csess);
    printf("SSL_CTX_remove_session ret=%d number=%ld\n", r, SSL_CTX_sess_number(cctx2));
    print_err("remove_session");

    /* a server session in another server context (other session ID context) */
    SSL_SESSION_free(csess);
    SSL_SESSION_free(ssess);
    connect_pair("fresh", cctx, sctx, NULL, &c, &s);
    csess = SSL_get1_session(c);
    ssess = SSL_get1_session(s);
    bye(c, s);
    r = SSL_CTX_add_session(sctx2, ssess);
    printf("SSL_CTX_add_session(other server ctx) ret=%d number=%ld\n", r, SSL_CTX_sess_number(sctx2));
    print_err("add_session");
    if (connect_pair("offer to the other server", cctx, sctx2, csess, &c, &s) == 0)
        print_err("offer to the other server");
    bye(c, s);

    /* a session of a version the client no longer allows */
    SSL_SESSION_free(csess);
    connect_pair("fresh", cctx, sctx, NULL, &c, &s);
    csess = SSL_get1_session(c);
    bye(c, s);
    if (connect_pair("offer to a TLS 1.2-only client", c12, sctx, csess, &c, &s) == 0)
        print_err("TLS 1.2-only client");
    bye(c, s);

    /* SSL_set_session on a connected client */
    connect_pair("connected", cctx, sctx, NULL, &c, &s);
    got = SSL_get_session(c);
    r = SSL_set_session(c, csess);
    printf("connected: SSL_set_session ret=%d same=%d reused=%d\n", r, SSL_get_session(c) == csess,
           SSL_session_reused(c));
    print_err("connected");
    exchange(c, "client", s, "server", "after set_session");
    r = SSL_set_session(c, NULL);
    printf("connected: SSL_set_session(NULL) ret=%d session=%s\n", r, SSL_get_session(c) ? "non-NULL" : "NULL");
    print_err("connected");
    exchange(s, "server", c, "client", "after set_session(NULL)");
    (void)got;
    bye(c, s);

    SSL_SESSION_free(csess);
    SSL_SESSION_free(ssess);
    SSL_CTX_free(cctx);
    SSL_CTX_free(cctx2);
    SSL_CTX_free(c12);
    SSL_CTX_free(sctx);
    SSL_CTX_free(sctx2);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    return test_end();
}
