/* SSL_CTX_set_session_ticket_cb with SSL_SESSION_set1/get0_ticket_appdata, as
 * stunnel uses them: the generate callback puts application data in each
 * session before its ticket is sealed; the decrypt callback sees the session a
 * presented ticket carries (with that data) and answers USE, USE_RENEW or
 * IGNORE (then no ticket is issued at all).  TLS 1.3 and TLS 1.2 (where a
 * client offering the extension empty is reported as SSL_TICKET_EMPTY); every
 * callback call is printed.  Each ticket is offered once (TLS 1.3 tickets are
 * single-use in oxissl). */
#include "common.h"

static int g_gen_count;
static int g_answer; /* what the decrypt callback returns */

static int gen_cb(SSL *s, void *arg)
{
    char data[32];
    SSL_SESSION *sess = SSL_get_session(s);
    snprintf(data, sizeof(data), "appdata-%d", ++g_gen_count);
    printf("  gen_cb: arg=%s session=%s set1_ticket_appdata(%s)=%d\n", (const char *)arg, sess ? "yes" : "no", data,
           sess ? SSL_SESSION_set1_ticket_appdata(sess, data, strlen(data)) : -1);
    return 1;
}

static SSL_TICKET_RETURN dec_cb(SSL *s, SSL_SESSION *ss, const unsigned char *keyname, size_t keyname_len,
                                SSL_TICKET_STATUS status, void *arg)
{
    void *data = NULL;
    size_t len = 0;
    (void)s;
    (void)keyname;
    if (ss != NULL)
        SSL_SESSION_get0_ticket_appdata(ss, &data, &len);
    printf("  dec_cb: arg=%s status=%d session=%s appdata=%.*s keyname_len=%zu -> %d\n", (const char *)arg, status,
           ss ? "yes" : "no", (int)len, data ? (const char *)data : "", keyname_len,
           status == SSL_TICKET_SUCCESS || status == SSL_TICKET_SUCCESS_RENEW ? g_answer : SSL_TICKET_RETURN_IGNORE_RENEW);
    if (status == SSL_TICKET_SUCCESS || status == SSL_TICKET_SUCCESS_RENEW)
        return g_answer;
    return SSL_TICKET_RETURN_IGNORE_RENEW;
}

static SSL_SESSION *connect_once(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, const char *what)
{
    SSL *c, *s;
    SSL_SESSION *got;
    char b[4];

    printf("== %s\n", what);
    make_pair(cctx, sctx, &c, &s, 0);
    if (offer != NULL && SSL_set_session(c, offer) != 1)
        die("SSL_set_session");
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake failed");
    if (SSL_write(s, "x", 1) != 1 || SSL_read(c, b, sizeof(b)) != 1)
        die("exchange");
    printf("  reused: client=%d server=%d\n", SSL_session_reused(c), SSL_session_reused(s));
    got = SSL_get1_session(c);
    SSL_shutdown(c);
    SSL_shutdown(s);
    SSL_free(c);
    SSL_free(s);
    return got;
}

static void run(int version, const char *name)
{
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_SESSION *t, *x;

    printf("#### %s\n", name);
    printf("set_session_ticket_cb=%d\n", SSL_CTX_set_session_ticket_cb(sctx, gen_cb, dec_cb, "cb-arg"));
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    g_gen_count = 0;

    g_answer = SSL_TICKET_RETURN_USE;
    t = connect_once(cctx, sctx, NULL, "full handshake");
    x = connect_once(cctx, sctx, t, "ticket offered, callback answers USE");
    SSL_SESSION_free(t);
    SSL_SESSION_free(x);
    t = connect_once(cctx, sctx, NULL, "full handshake");
    g_answer = SSL_TICKET_RETURN_USE_RENEW;
    x = connect_once(cctx, sctx, t, "ticket offered, callback answers USE_RENEW");
    SSL_SESSION_free(t);
    SSL_SESSION_free(x);
    t = connect_once(cctx, sctx, NULL, "full handshake");
    g_answer = SSL_TICKET_RETURN_IGNORE;
    x = connect_once(cctx, sctx, t, "ticket offered, callback answers IGNORE");
    SSL_SESSION_free(t);
    SSL_SESSION_free(x);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, "TLS 1.3");
    run(TLS1_2_VERSION, "TLS 1.2");
    return test_end();
}
