/* The info callback's whole sequence, as Dovecot, Postfix, Apache and Net::SSLeay log
 * it: every (where, ret) pair with SSL_state_string_long and SSL_state_string, for
 * client and server, over a BIO pair driven one call at a time: full and resumed
 * handshakes at TLS 1.3 and TLS 1.2, with a client certificate, a handshake the
 * client refuses (unknown CA), then data, the TLS 1.3 tickets and the two-step
 * shutdown. */
#include "common.h"

static void where_name(int where, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s%s%s%s%s%s",
             (where & SSL_CB_HANDSHAKE_START) ? "HANDSHAKE_START" : "",
             (where & SSL_CB_HANDSHAKE_DONE) ? "HANDSHAKE_DONE" : "",
             (where & SSL_CB_ALERT) ? ((where & SSL_CB_READ) ? "READ_ALERT" : "WRITE_ALERT") : "",
             (where & SSL_CB_LOOP) ? "LOOP" : "",
             (where & SSL_CB_EXIT) ? "EXIT" : "",
             (where & SSL_ST_CONNECT) ? "|CONNECT" : "",
             (where & SSL_ST_ACCEPT) ? "|ACCEPT" : "",
             (where & ~(SSL_CB_HANDSHAKE_START | SSL_CB_HANDSHAKE_DONE | SSL_CB_ALERT | SSL_CB_READ | SSL_CB_WRITE
                        | SSL_CB_LOOP | SSL_CB_EXIT | SSL_ST_CONNECT | SSL_ST_ACCEPT)) ? "|OTHER" : "");
}

static void info_cb(const SSL *s, int where, int ret)
{
    char w[96];

    where_name(where, w, sizeof(w));
    if (where & SSL_CB_ALERT)
        printf("  %s: %s %s:%s\n", SSL_is_server((SSL *)s) ? "server" : "client", w,
               SSL_alert_type_string(ret), SSL_alert_desc_string(ret));
    else
        printf("  %s: %s ret=%d [%s] %s\n", SSL_is_server((SSL *)s) ? "server" : "client", w, ret,
               SSL_state_string((SSL *)s), SSL_state_string_long((SSL *)s));
}

static SSL_CTX *g_sctx;

static SSL_SESSION *run(const char *title, int version, int client_cert, const char *ca, SSL_SESSION *resume)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL *c, *s;
    SSL_SESSION *out = NULL;
    char buf[16];
    int ok;

    printf("== %s (%s) ==\n", title, version_name(version));
    SSL_CTX_load_verify_locations(cctx, cpath(ca), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_info_callback(cctx, info_cb);
    if (client_cert) {
        if (SSL_CTX_use_certificate_chain_file(cctx, cpath("client.pem")) != 1
            || SSL_CTX_use_PrivateKey_file(cctx, cpath("client.key"), SSL_FILETYPE_PEM) != 1)
            die("client certificate");
    }
    SSL_CTX_set_verify(g_sctx, client_cert ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT : SSL_VERIFY_NONE, NULL);
    make_pair(cctx, g_sctx, &c, &s, 0);
    if (resume)
        SSL_set_session(c, resume);
    ok = do_handshake(c, s, 1, NULL, NULL);
    printf("handshake ok=%d reused=%d\n", ok, SSL_session_reused(c));
    if (ok) {
        int r;

        printf("-- data\n");
        exchange(c, "client", s, "server", "ping");
        exchange(s, "server", c, "client", "pong");
        out = SSL_get1_session(c);
        printf("-- shutdown\n");
        r = SSL_shutdown(c);
        printf("client: SSL_shutdown ret=%d\n", r);
        r = SSL_read(s, buf, sizeof(buf));
        print_result("server", "SSL_read", s, r);
        printf("server: SSL_shutdown ret=%d\n", SSL_shutdown(s));
        r = SSL_shutdown(c);
        printf("client: SSL_shutdown ret=%d\n", r);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    return out;
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    g_sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_info_callback(g_sctx, info_cb);
    if (SSL_CTX_load_verify_locations(g_sctx, cpath("ca.pem"), NULL) != 1)
        die("server CA");
    for (int v = 0; v < 2; v++) {
        SSL_SESSION *sess = run("full handshake", vers[v], 0, "ca.pem", NULL);

        SSL_SESSION_free(run("resumed", vers[v], 0, "ca.pem", sess));
        SSL_SESSION_free(sess);
        SSL_SESSION_free(run("client certificate", vers[v], 1, "ca.pem", NULL));
        SSL_SESSION_free(run("client refuses the server certificate", vers[v], 0, "ca2.pem", NULL));
    }
    SSL_CTX_free(g_sctx);
    return test_end();
}
