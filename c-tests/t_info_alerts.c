/* The info callback's alert events (SSL_CB_READ_ALERT / SSL_CB_WRITE_ALERT, with
 * SSL_alert_type_string/SSL_alert_desc_string_long) and handshake start/done: a clean
 * two-step shutdown, then a client refusing the server's certificate. Only these events
 * are printed (OpenSSL also reports every state-machine step, which oxissl does not). */
#include "common.h"

static void info_cb(const SSL *s, int where, int ret)
{
    const char *who = SSL_is_server((SSL *)s) ? "server" : "client";
    if (where & SSL_CB_ALERT)
        printf("%s: %s alert %s: %s\n", who, (where & SSL_CB_READ) ? "read" : "write",
               SSL_alert_type_string_long(ret), SSL_alert_desc_string_long(ret));
    else if (where & SSL_CB_HANDSHAKE_START)
        printf("%s: handshake start\n", who);
    else if (where & SSL_CB_HANDSHAKE_DONE)
        printf("%s: handshake done\n", who);
}

static void run(int maxv, const char *ca)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL *c, *s;
    char buf[16];

    printf("== %s, client trusts %s ==\n", version_name(maxv), ca);
    SSL_CTX_load_verify_locations(cctx, cpath(ca), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_max_proto_version(cctx, maxv);
    SSL_CTX_set_info_callback(cctx, info_cb);
    SSL_CTX_set_info_callback(sctx, info_cb);
    make_pair(cctx, sctx, &c, &s, 0);
    if (do_handshake(c, s, 0, NULL, NULL)) {
        printf("client: SSL_shutdown ret=%d\n", SSL_shutdown(c));
        int r = SSL_read(s, buf, sizeof(buf));
        print_result("server", "SSL_read", s, r);
        printf("server: SSL_shutdown ret=%d\n", SSL_shutdown(s));
        r = SSL_shutdown(c);
        print_result("client", "SSL_shutdown#2", c, r);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, "ca.pem");
    run(TLS1_2_VERSION, "ca.pem");
    run(TLS1_3_VERSION, "ca2.pem");
    return test_end();
}
