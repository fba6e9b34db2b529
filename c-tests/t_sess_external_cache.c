/* A server-side external session cache: server cache mode
 * SSL_SESS_CACHE_SERVER|SSL_SESS_CACHE_NO_INTERNAL, server SSL_OP_NO_TICKET,
 * and new/get/remove callbacks keeping DER (i2d_SSL_SESSION) keyed by
 * session ID; the get callback returns d2i_SSL_SESSION with *copy = 0.
 * TLS 1.2 (session IDs): full handshake, two resumptions, the entry
 * removed through SSL_CTX_remove_session of a copy of the client's session
 * (remove callback), then the client's session is offered again (get
 * callback finds nothing: full handshake, sess_misses).  TLS 1.3 with stateful tickets (the ticket is the
 * session ID): full handshake (one entry per ticket), two resumptions, each
 * with a fresh ticket.  Prints every callback invocation (entry numbers,
 * ID lengths, session labels), when the decoded sessions die, reuse on
 * both ends, and the server's sess_number / sess_hits / sess_cb_hits /
 * sess_misses. */
#include "sess_impl.h"

struct ent {
    unsigned char id[SSL_MAX_SSL_SESSION_ID_LENGTH];
    unsigned int idlen;
    unsigned char *der;
    long derlen;
    int num;
};

static struct ent g_store[32];
static int g_nstore, g_nextnum;

static int find(const unsigned char *id, unsigned int len)
{
    for (int i = 0; i < g_nstore; i++)
        if (g_store[i].idlen == len && memcmp(g_store[i].id, id, len) == 0)
            return i;
    return -1;
}

static int ext_new_cb(SSL *ssl, SSL_SESSION *sess)
{
    unsigned int idlen;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    int len = i2d_SSL_SESSION(sess, NULL);
    unsigned char *p;
    struct ent *e;

    (void)ssl;
    if (g_nstore >= 32 || idlen > SSL_MAX_SSL_SESSION_ID_LENGTH || len <= 0) {
        ev("  [ext new %s: not stored (id_len=%u der_len>0=%d)]", sess_name(sess, "S"), idlen,
           len > 0);
        return 0;
    }
    e = &g_store[g_nstore++];
    memcpy(e->id, id, idlen);
    e->idlen = idlen;
    e->der = malloc((size_t)len);
    if (e->der == NULL)
        die("malloc");
    p = e->der;
    e->derlen = i2d_SSL_SESSION(sess, &p);
    e->num = ++g_nextnum;
    ev("  [ext new %s: stored as #%d id_len=%u der ok=%d resumable=%d]", sess_name(sess, "S"),
       e->num, idlen, e->derlen == len && p == e->der + len, SSL_SESSION_is_resumable(sess));
    return 0;
}

static SSL_SESSION *ext_get_cb(SSL *ssl, const unsigned char *id, int len, int *copy)
{
    int i = find(id, (unsigned int)len);
    const unsigned char *p;
    SSL_SESSION *s;

    (void)ssl;
    if (i < 0) {
        ev("  [ext get: id_len=%d not found]", len);
        return NULL;
    }
    p = g_store[i].der;
    s = d2i_SSL_SESSION(NULL, &p, g_store[i].derlen);
    ev("  [ext get: id_len=%d found #%d, decoded %s resumable=%d, copy was %d]", len,
       g_store[i].num, sess_name(s, "D"), s ? SSL_SESSION_is_resumable(s) : -1, *copy);
    *copy = 0;
    return s;
}

static void ext_remove_cb(SSL_CTX *ctx, SSL_SESSION *sess)
{
    unsigned int idlen;
    const unsigned char *id = SSL_SESSION_get_id(sess, &idlen);
    const char *l = sess_label(sess);
    int i = find(id, idlen);

    (void)ctx;
    if (i < 0) {
        ev("  [ext remove %s: id_len=%u not stored]", l ? l : "(unlabelled)", idlen);
        return;
    }
    ev("  [ext remove %s: #%d deleted]", l ? l : "(unlabelled)", g_store[i].num);
    free(g_store[i].der);
    g_store[i] = g_store[--g_nstore];
}

static SSL_CTX *g_cctx, *g_sctx;

static SSL_SESSION *conn(SSL_SESSION *offer)
{
    SSL *c, *s;
    SSL_SESSION *ret;
    int ok;

    make_pair(g_cctx, g_sctx, &c, &s, 0);
    if (offer != NULL) {
        printf("client: offering %s\n", sess_label(offer));
        if (SSL_set_session(c, offer) != 1)
            printf("client: SSL_set_session failed\n");
    }
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused: client=%d server=%d\n", ok, SSL_session_reused(c),
           SSL_session_reused(s));
    printf("server: session=%s\n", cur_name(s));
    pump(c, s);
    ret = SSL_get1_session(c);
    printf("client: session=%s\n", sess_name(ret, "C"));
    sess_shutdown(c, "client");
    sess_shutdown(s, "server");
    printf("-- SSL_free(client), SSL_free(server)\n");
    SSL_free(c);
    SSL_free(s);
    printf("server: sess_number=%ld hits=%ld cb_hits=%ld misses=%ld, entries stored=%d\n",
           SSL_CTX_sess_number(g_sctx), SSL_CTX_sess_hits(g_sctx), SSL_CTX_sess_cb_hits(g_sctx),
           SSL_CTX_sess_misses(g_sctx), g_nstore);
    return ret;
}

static void setup(int version)
{
    long prev;

    g_cctx = sess_client_ctx(version);
    g_sctx = sess_server_ctx();
    SSL_CTX_set_options(g_sctx, SSL_OP_NO_TICKET);
    prev = SSL_CTX_set_session_cache_mode(g_sctx, SSL_SESS_CACHE_SERVER | SSL_SESS_CACHE_NO_INTERNAL);
    printf("server: set_session_cache_mode previous=0x%lx now=0x%lx\n", prev,
           SSL_CTX_get_session_cache_mode(g_sctx));
    SSL_CTX_sess_set_new_cb(g_sctx, ext_new_cb);
    SSL_CTX_sess_set_get_cb(g_sctx, ext_get_cb);
    SSL_CTX_sess_set_remove_cb(g_sctx, ext_remove_cb);
    printf("server: callbacks read back: new=%d get=%d remove=%d\n",
           SSL_CTX_sess_get_new_cb(g_sctx) == ext_new_cb,
           SSL_CTX_sess_get_get_cb(g_sctx) == ext_get_cb,
           SSL_CTX_sess_get_remove_cb(g_sctx) == ext_remove_cb);
}

static void teardown(void)
{
    SSL_CTX_free(g_cctx);
    free_ctx(g_sctx, "server");
    printf("entries left: %d\n", g_nstore);
    while (g_nstore > 0)
        free(g_store[--g_nstore].der);
}

int main(int argc, char **argv)
{
    SSL_SESSION *k[6];

    test_init(argc, argv);
    sess_init();

    printf("== TLS 1.2, session IDs ==\n");
    setup(TLS1_2_VERSION);
    printf("-- connection 1\n");
    k[0] = conn(NULL);
    printf("-- connection 2\n");
    k[1] = conn(k[0]);
    printf("-- connection 3\n");
    k[2] = conn(k[1]);
    printf("client sessions of connections 1-3 are one object: %d\n",
           k[0] == k[1] && k[1] == k[2]);
    /* a copy with the same ID, so that the client's own session stays
     * resumable (SSL_CTX_remove_session marks its argument non-resumable) */
    k[4] = SSL_SESSION_dup(k[2]);
    printf("SSL_SESSION_dup(%s)=%s\n", sess_label(k[2]), sess_name(k[4], "X"));
    printf("-- SSL_CTX_remove_session(server ctx, %s)\n", sess_label(k[4]));
    printf("returned %d\n", SSL_CTX_remove_session(g_sctx, k[4]));
    printf("%s resumable=%d %s resumable=%d\n", sess_label(k[2]), SSL_SESSION_is_resumable(k[2]),
           sess_label(k[4]), SSL_SESSION_is_resumable(k[4]));
    printf("-- connection 4\n");
    k[3] = conn(k[2]);
    for (int i = 0; i < 5; i++)
        sess_free(k[i]);
    teardown();

    printf("== TLS 1.3, stateful tickets ==\n");
    setup(TLS1_3_VERSION);
    printf("-- connection 1\n");
    k[0] = conn(NULL);
    printf("-- connection 2\n");
    k[1] = conn(k[0]);
    printf("-- connection 3\n");
    k[2] = conn(k[1]);
    for (int i = 0; i < 3; i++)
        sess_free(k[i]);
    teardown();
    return test_end();
}
