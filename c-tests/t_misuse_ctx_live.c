/* SSL_CTX setters while connections made from the context are live or in the middle of
 * their handshake, and SSL_set_SSL_CTX at odd moments (issue #10, misuse), TLS 1.3 and
 * TLS 1.2.  Each scenario changes one thing, then finishes the handshake and prints what
 * the connection used, and what the next connection from the same contexts uses:
 *   - cipher list / TLS 1.3 suites of the client context after its ClientHello;
 *   - options (SSL_OP_NO_TLSv1_3) of the server context mid-handshake;
 *   - the server context's certificate after SSL_new (before the ClientHello) and
 *     mid-handshake;
 *   - the client context's verify mode and certificate store after SSL_new;
 *   - SSL_CTX_flush_sessions / SSL_CTX_remove_session with a live connection;
 *   - new ticket keys (SSL_CTX_set_tlsext_ticket_keys) between two connections and
 *     mid-handshake;
 *   - SSL_set_SSL_CTX on a client before the handshake, on a server mid-handshake and
 *     after it, to a context of the other role, and to the context it already has. */
#include "common.h"

static SSL_CTX *cctx, *sctx;
static int g_version;

static void fresh(void)
{
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_max_proto_version(cctx, g_version);
    SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"live", 4);
}

static void done(void)
{
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* the client's ClientHello, then the server's answer */
static void half(SSL *c, SSL *s)
{
    print_result_quiet("client", "SSL_do_handshake (ClientHello)", c, SSL_do_handshake(c));
    print_result_quiet("server", "SSL_do_handshake (first flight)", s, SSL_do_handshake(s));
}

static void report(const char *what, SSL *c, SSL *s, int ok)
{
    X509 *own = SSL_get_certificate(s);

    printf("%s: handshake=%d\n", what, ok);
    if (!ok)
        return;
    print_session_info("client", c);
    print_peer_cert("client", c);
    print_verify_result("client", c);
    printf("server: SSL_get_certificate subject=%s reused=%d\n",
           own ? name_str(X509_get_subject_name(own)) : "(none)", SSL_session_reused(s));
}

static void finish(const char *what, SSL *c, SSL *s)
{
    char b[8];
    int ok = do_handshake(c, s, 0, NULL, NULL);

    report(what, c, s, ok);
    if (ok) {
        SSL_read(c, b, sizeof(b)); /* TLS 1.3 tickets */
        ERR_clear_error();
        exchange(c, "client", s, "server", "still working");
    }
}

/* a whole connection from the two contexts (optionally offering a session), ended with
 * close_notify so that its session stays resumable; returns the client's session */
static SSL_SESSION *next_connection(const char *what, SSL_SESSION *offer)
{
    SSL *c, *s;
    SSL_SESSION *sess;

    make_pair(cctx, sctx, &c, &s, 0);
    if (offer)
        SSL_set_session(c, offer);
    finish(what, c, s);
    sess = SSL_get1_session(c);
    SSL_shutdown(c);
    SSL_shutdown(s);
    ERR_clear_error();
    free_pair(c, s);
    return sess;
}

static void ciphers_mid_handshake(void)
{
    SSL *c, *s;

    printf("-- client cipher lists changed after the ClientHello --\n");
    fresh();
    make_pair(cctx, sctx, &c, &s, 0);
    half(c, s);
    {
        int rl = SSL_CTX_set_cipher_list(cctx, "ECDHE-RSA-AES128-GCM-SHA256");
        int rs = SSL_CTX_set_ciphersuites(cctx, "TLS_CHACHA20_POLY1305_SHA256");

        printf("set_cipher_list=%d set_ciphersuites=%d\n", rl, rs);
    }
    finish("this connection", c, s);
    free_pair(c, s);
    SSL_SESSION_free(next_connection("next connection", NULL));
    done();
}

static void options_mid_handshake(void)
{
    SSL *c, *s;

    printf("-- server options changed mid-handshake --\n");
    fresh();
    make_pair(cctx, sctx, &c, &s, 0);
    half(c, s);
    SSL_CTX_set_options(sctx, SSL_OP_NO_TLSv1_3);
    printf("server ctx options has NO_TLSv1_3=%d, the SSL's=%d\n",
           (SSL_CTX_get_options(sctx) & SSL_OP_NO_TLSv1_3) != 0, (SSL_get_options(s) & SSL_OP_NO_TLSv1_3) != 0);
    finish("this connection", c, s);
    free_pair(c, s);
    SSL_SESSION_free(next_connection("next connection", NULL));
    done();
}

static void use_wrong_cert(SSL_CTX *ctx)
{
    int rc = SSL_CTX_use_certificate_file(ctx, cpath("wronghost.pem"), SSL_FILETYPE_PEM);
    int rk = SSL_CTX_use_PrivateKey_file(ctx, cpath("wronghost.key"), SSL_FILETYPE_PEM);

    printf("use_certificate_file=%d use_PrivateKey_file=%d\n", rc, rk);
    print_err("use_certificate");
}

static void certificate_changes(void)
{
    SSL *c, *s;

    printf("-- server certificate changed after SSL_new --\n");
    fresh();
    make_pair(cctx, sctx, &c, &s, 0);
    use_wrong_cert(sctx);
    finish("this connection", c, s);
    free_pair(c, s);
    SSL_SESSION_free(next_connection("next connection", NULL));
    done();

    printf("-- server certificate changed mid-handshake --\n");
    fresh();
    make_pair(cctx, sctx, &c, &s, 0);
    half(c, s);
    use_wrong_cert(sctx);
    finish("this connection", c, s);
    free_pair(c, s);
    done();
}

static void verify_changes(void)
{
    SSL *c, *s;

    printf("-- client verify mode set to NONE after SSL_new (untrusted server) --\n");
    fresh();
    SSL_CTX_use_certificate_file(sctx, cpath("unknownca.pem"), SSL_FILETYPE_PEM);
    SSL_CTX_use_PrivateKey_file(sctx, cpath("unknownca.key"), SSL_FILETYPE_PEM);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_NONE, NULL);
    printf("ctx verify mode=%d, the SSL's=%d\n", SSL_CTX_get_verify_mode(cctx), SSL_get_verify_mode(c));
    finish("this connection", c, s);
    free_pair(c, s);
    SSL_SESSION_free(next_connection("next connection", NULL));
    done();

    printf("-- client certificate store replaced by an empty one mid-handshake --\n");
    fresh();
    make_pair(cctx, sctx, &c, &s, 0);
    half(c, s);
    SSL_CTX_set_cert_store(cctx, X509_STORE_new());
    finish("this connection", c, s);
    free_pair(c, s);
    SSL_SESSION_free(next_connection("next connection", NULL));
    done();
}

static void session_cache_live(void)
{
    SSL *c, *s;
    SSL_SESSION *sess;

    printf("-- server session cache flushed with a live connection --\n");
    fresh();
    SSL_CTX_set_options(sctx, SSL_OP_NO_TICKET); /* stateful: the cache decides */
    make_pair(cctx, sctx, &c, &s, 0);
    finish("live connection", c, s);
    printf("cache number=%ld\n", SSL_CTX_sess_number(sctx));
    SSL_CTX_flush_sessions(sctx, LONG_MAX);
    printf("after flush_sessions(LONG_MAX) number=%ld\n", SSL_CTX_sess_number(sctx));
    exchange(s, "server", c, "client", "live after the flush");
    sess = SSL_get1_session(c);
    SSL_shutdown(c);
    SSL_shutdown(s);
    ERR_clear_error();
    free_pair(c, s);
    SSL_SESSION_free(next_connection("offering the flushed session", sess));
    SSL_SESSION_free(sess);

    sess = next_connection("another", NULL);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_session(c, sess);
    half(c, s);
    {
        int rr = SSL_CTX_remove_session(sctx, sess);

        printf("remove_session mid-handshake=%d number=%ld\n", rr, SSL_CTX_sess_number(sctx));
    }
    print_err("remove_session");
    finish("resuming while its session is removed", c, s);
    SSL_shutdown(c);
    SSL_shutdown(s);
    ERR_clear_error();
    free_pair(c, s);
    SSL_SESSION_free(sess);
    done();
}

static void ticket_keys(void)
{
    unsigned char keys[80];
    SSL_SESSION *sess, *sess2;
    SSL *c, *s;

    printf("-- ticket keys replaced --\n");
    fresh();
    memset(keys, 'A', sizeof(keys));
    printf("set_tlsext_ticket_keys=%ld\n", SSL_CTX_set_tlsext_ticket_keys(sctx, keys, sizeof(keys)));
    sess = next_connection("first", NULL);
    sess2 = next_connection("same keys", sess);
    SSL_SESSION_free(sess2);
    SSL_SESSION_free(sess);
    sess = next_connection("another", NULL);
    memset(keys, 'B', sizeof(keys));
    printf("set_tlsext_ticket_keys=%ld\n", SSL_CTX_set_tlsext_ticket_keys(sctx, keys, sizeof(keys)));
    sess2 = next_connection("new keys", sess);
    SSL_SESSION_free(sess);

    printf("-- ticket keys replaced mid-handshake (resumption offered) --\n");
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_session(c, sess2);
    print_result_quiet("client", "SSL_do_handshake (ClientHello)", c, SSL_do_handshake(c));
    memset(keys, 'C', sizeof(keys));
    printf("set_tlsext_ticket_keys=%ld\n", SSL_CTX_set_tlsext_ticket_keys(sctx, keys, sizeof(keys)));
    finish("this connection", c, s);
    SSL_shutdown(c);
    SSL_shutdown(s);
    ERR_clear_error();
    free_pair(c, s);
    SSL_SESSION_free(sess2);
    done();
}

static void set_ssl_ctx(void)
{
    SSL_CTX *other, *client_role, *r;
    SSL *c, *s;

    printf("-- SSL_set_SSL_CTX --\n");
    fresh();
    other = make_server_ctx("wronghost.pem", "wronghost.key");
    client_role = make_client_ctx(SSL_VERIFY_NONE);

    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_set_SSL_CTX(c, client_role);
    printf("client before the handshake: returned new=%d get=new %d\n", r == client_role,
           SSL_get_SSL_CTX(c) == client_role);
    finish("client switched to a VERIFY_NONE context", c, s);
    free_pair(c, s);

    make_pair(cctx, sctx, &c, &s, 0);
    half(c, s);
    r = SSL_set_SSL_CTX(s, other);
    printf("server mid-handshake: returned new=%d\n", r == other);
    finish("server switched mid-handshake", c, s);
    r = SSL_set_SSL_CTX(s, sctx);
    printf("server after the handshake (back): returned=%d\n", r == sctx);
    {
        X509 *own = SSL_get_certificate(s);
        printf("server: SSL_get_certificate subject=%s\n", own ? name_str(X509_get_subject_name(own)) : "(none)");
    }
    exchange(s, "server", c, "client", "after switching back");
    free_pair(c, s);

    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_set_SSL_CTX(s, client_role);
    printf("server to a client-method context: returned new=%d\n", r == client_role);
    print_err("set_SSL_CTX");
    finish("server with a client-method context", c, s);
    free_pair(c, s);

    make_pair(cctx, sctx, &c, &s, 0);
    r = SSL_set_SSL_CTX(s, sctx);
    printf("server to its own context: returned same=%d\n", r == sctx);
    finish("server set to its own context", c, s);
    free_pair(c, s);

    SSL_CTX_free(other);
    SSL_CTX_free(client_role);
    done();
}

int main(int argc, char **argv)
{
    static const int versions[] = {TLS1_3_VERSION, TLS1_2_VERSION};
    size_t i;

    test_init(argc, argv);
    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        g_version = versions[i];
        printf("== %s ==\n", version_name(g_version));
        ciphers_mid_handshake();
        options_mid_handshake();
        certificate_changes();
        verify_changes();
        session_cache_live();
        ticket_keys();
        set_ssl_ctx();
    }
    return test_end();
}
