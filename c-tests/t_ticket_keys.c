/* SSL_CTX_get/set_tlsext_ticket_keys (SSL_CTRL_GET/SET_TLSEXT_TICKET_KEYS): the
 * context's own ticket keys (name, HMAC key, AES key: 80 bytes).  A NULL buffer asks
 * for the length, a wrong length fails with SSL_R_INVALID_TICKET_KEYS_LENGTH; keys
 * copied from one context make a second one open the first one's tickets (servers
 * sharing keys across machines or restarts), and after new keys are set, old tickets
 * give a full handshake.  TLS 1.2 and TLS 1.3. */
#include "common.h"

static SSL_SESSION *handshake(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, const char *what)
{
    SSL *c, *s;
    SSL_SESSION *got;

    make_pair(cctx, sctx, &c, &s, 0);
    if (offer != NULL)
        SSL_set_session(c, offer);
    if (do_handshake(c, s, 0, NULL, NULL) != 1)
        die("handshake %s", what);
    /* The server speaks first, so that the client reads TLS 1.3 tickets. */
    exchange(s, "server", c, "client", "x");
    printf("%s: reused client=%d server=%d\n", what, SSL_session_reused(c), SSL_session_reused(s));
    got = SSL_get1_session(c);
    /* Closed properly, so that the session stays resumable. */
    SSL_shutdown(c);
    SSL_shutdown(s);
    SSL_free(c);
    SSL_free(s);
    return got;
}

static void run(int version)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *a = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX *b = make_server_ctx("server-p256.pem", "server-p256.key");
    unsigned char ka[80], kb[80], zero[80] = { 0 }, big[100];
    SSL_SESSION *s1, *s2, *s3;

    printf("== %s ==\n", version_name(version));
    SSL_CTX_set_max_proto_version(cctx, version);
    SSL_CTX_set_session_id_context(a, (const unsigned char *)"keys", 4);
    SSL_CTX_set_session_id_context(b, (const unsigned char *)"keys", 4);
    printf("get length (NULL)=%ld\n", SSL_CTX_get_tlsext_ticket_keys(a, NULL, 0));
    printf("get 79 bytes=%ld\n", SSL_CTX_get_tlsext_ticket_keys(a, ka, 79));
    print_err("get 79");
    printf("set 100 bytes=%ld\n", SSL_CTX_set_tlsext_ticket_keys(a, big, 100));
    print_err("set 100");
    printf("get a=%ld get b=%ld\n", SSL_CTX_get_tlsext_ticket_keys(a, ka, 80), SSL_CTX_get_tlsext_ticket_keys(b, kb, 80));
    printf("keys random: a!=0 %d, a!=b %d\n", memcmp(ka, zero, 80) != 0, memcmp(ka, kb, 80) != 0);

    s1 = handshake(cctx, a, NULL, "full with A");
    s2 = handshake(cctx, b, s1, "A's ticket at B (own keys)");
    SSL_SESSION_free(s2);
    s2 = handshake(cctx, a, NULL, "full with A again");
    printf("set b to a's keys=%ld\n", SSL_CTX_set_tlsext_ticket_keys(b, ka, 80));
    SSL_CTX_get_tlsext_ticket_keys(b, kb, 80);
    printf("b's keys now a's: %d\n", memcmp(ka, kb, 80) == 0);
    s3 = handshake(cctx, b, s2, "A's ticket at B (A's keys)");
    SSL_SESSION_free(s3);
    memset(kb, 0x5a, sizeof(kb));
    printf("set a to new keys=%ld\n", SSL_CTX_set_tlsext_ticket_keys(a, kb, 80));
    s3 = handshake(cctx, a, NULL, "full with A under new keys");
    SSL_SESSION_free(s3);
    s3 = handshake(cctx, a, s1, "old ticket at A (new keys)");
    SSL_SESSION_free(s1);
    SSL_SESSION_free(s2);
    SSL_SESSION_free(s3);
    SSL_CTX_free(cctx);
    SSL_CTX_free(a);
    SSL_CTX_free(b);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION);
    run(TLS1_2_VERSION);
    return test_end();
}
