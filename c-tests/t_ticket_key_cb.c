/* Session tickets sealed with the application's keys, as a fleet of servers
 * sharing a ticket key file does (nginx ssl_session_ticket_key, haproxy
 * tls-ticket-keys): SSL_CTX_set_tlsext_ticket_key_cb (HMAC_CTX, deprecated
 * in 3.0 but what those programs call) on two server contexts, and
 * SSL_CTX_set_tlsext_ticket_key_evp_cb (EVP_MAC_CTX) on a third.
 *
 * For TLS 1.2 and TLS 1.3: a full handshake on context A; its ticket resumed
 * on context B (another SSL_CTX, same keys); a key rotation where the old key
 * still opens tickets (the callback returns 2: renew) and then is retired (the
 * callback returns 0: full handshake); the EVP callback's ticket resumed; a
 * callback that declines to issue (returns 0).  Every callback call is
 * printed with its direction, key and answer: OpenSSL issues no ticket after
 * a resumption the callback did not ask to renew (it returned 1), one after a
 * renewal (2).  Each ticket is offered once (TLS 1.3 tickets are single-use
 * in oxissl). */
/* The HMAC_CTX callback is deprecated in 3.0; it is what nginx and haproxy call. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include "common.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#define NKEYS 2
static unsigned char g_keys[NKEYS][16 + 32 + 32]; /* name | AES-256 key | HMAC key */
static int g_current;                              /* key that seals new tickets */
static int g_retired_ok = 1;                       /* older keys still open tickets */
static int g_decline;                              /* refuse to seal (return 0) */

static int find_key(const unsigned char *name)
{
    for (int k = 0; k < NKEYS; k++)
        if (memcmp(name, g_keys[k], 16) == 0)
            return k;
    return -1;
}

/* The key the callback opens `name` with, and what it answers (1, 2 or 0). */
static int open_answer(const unsigned char *name, int *key)
{
    *key = find_key(name);
    if (*key < 0 || (*key != g_current && !g_retired_ok))
        return 0;
    return *key == g_current ? 1 : 2;
}

static int hmac_cb(SSL *s, unsigned char name[16], unsigned char *iv, EVP_CIPHER_CTX *ctx,
                   HMAC_CTX *hctx, int enc)
{
    int key, r;

    (void)s;
    if (enc) {
        if (g_decline) {
            printf("  ticket cb (HMAC_CTX): enc=1 -> 0 (declined)\n");
            return 0;
        }
        memcpy(name, g_keys[g_current], 16);
        if (RAND_bytes(iv, 16) != 1
            || EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, g_keys[g_current] + 16, iv) != 1
            || HMAC_Init_ex(hctx, g_keys[g_current] + 48, 32, EVP_sha256(), NULL) != 1)
            return -1;
        printf("  ticket cb (HMAC_CTX): enc=1 key=%d -> 1\n", g_current);
        return 1;
    }
    r = open_answer(name, &key);
    if (r > 0 && (HMAC_Init_ex(hctx, g_keys[key] + 48, 32, EVP_sha256(), NULL) != 1
                  || EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, g_keys[key] + 16, iv) != 1))
        return -1;
    printf("  ticket cb (HMAC_CTX): enc=0 key=%d -> %d\n", key, r);
    return r;
}

static int evp_cb(SSL *s, unsigned char name[16], unsigned char *iv, EVP_CIPHER_CTX *ctx,
                  EVP_MAC_CTX *hctx, int enc)
{
    int key = g_current, r = 1;
    OSSL_PARAM params[2];

    (void)s;
    if (enc) {
        memcpy(name, g_keys[key], 16);
        if (RAND_bytes(iv, 16) != 1 || EVP_EncryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, g_keys[key] + 16, iv) != 1)
            return -1;
    } else {
        r = open_answer(name, &key);
        if (r > 0 && EVP_DecryptInit_ex(ctx, EVP_aes_256_cbc(), NULL, g_keys[key] + 16, iv) != 1)
            return -1;
    }
    if (r > 0) {
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0);
        params[1] = OSSL_PARAM_construct_end();
        if (EVP_MAC_init(hctx, g_keys[key] + 48, 32, params) != 1)
            return -1;
    }
    printf("  ticket cb (EVP_MAC_CTX): enc=%d key=%d -> %d\n", enc, key, r);
    return r;
}

static SSL_SESSION *connect_once(SSL_CTX *cctx, SSL_CTX *sctx, SSL_SESSION *offer, const char *what)
{
    SSL *c, *s;
    SSL_SESSION *got;
    char b[4];

    printf("== %s ==\n", what);
    make_pair(cctx, sctx, &c, &s, 0);
    if (offer != NULL && SSL_set_session(c, offer) != 1)
        die("SSL_set_session");
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake failed");
    /* Let the client read the TLS 1.3 tickets that follow the handshake. */
    if (SSL_write(s, "x", 1) != 1 || SSL_read(c, b, sizeof(b)) != 1)
        die("exchange");
    printf("client: reused=%d server: reused=%d\n", SSL_session_reused(c), SSL_session_reused(s));
    got = SSL_get1_session(c);
    /* After a TLS 1.3 resumption with no new ticket OpenSSL's client may offer the
     * old ticket again, oxissl's does not (single-use tickets, see
     * t_sess_tls13_ticket_reuse): only a session fresh from this handshake is shown. */
    if (!SSL_session_reused(c) || SSL_version(c) != TLS1_3_VERSION)
        printf("client: session resumable=%d has_ticket=%d\n", SSL_SESSION_is_resumable(got),
               SSL_SESSION_has_ticket(got));
    SSL_shutdown(c);
    SSL_shutdown(s);
    SSL_free(c);
    SSL_free(s);
    return got;
}

static SSL_CTX *server_ctx(int evp)
{
    SSL_CTX *ctx = make_server_ctx("server-p256.pem", "server-p256.key");
    long r = evp ? SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, evp_cb)
                 : SSL_CTX_set_tlsext_ticket_key_cb(ctx, hmac_cb);
    printf("server: set ticket key %s callback = %ld\n", evp ? "EVP" : "HMAC", r);
    return ctx;
}

static void run(int version, const char *name)
{
    SSL_CTX *a, *b, *e, *cctx;
    SSL_SESSION *s1, *old, *s3, *s4, *e1, *x;

    printf("#### %s\n", name);
    g_current = 0;
    g_retired_ok = 1;
    g_decline = 0;
    a = server_ctx(0);
    b = server_ctx(0);
    e = server_ctx(1);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);

    s1 = connect_once(cctx, a, NULL, "full handshake on A");
    x = connect_once(cctx, b, s1, "A's ticket offered to B (not renewed)");
    SSL_SESSION_free(x);
    old = connect_once(cctx, a, NULL, "full handshake on A (ticket under key 0, kept)");
    s3 = connect_once(cctx, a, NULL, "full handshake on A (ticket under key 0)");
    printf("-- key 1 now seals, key 0 still opens\n");
    g_current = 1;
    s4 = connect_once(cctx, b, s3, "key-0 ticket offered to B (renewed under key 1)");
    printf("-- key 0 retired\n");
    g_retired_ok = 0;
    x = connect_once(cctx, a, old, "retired key-0 ticket offered to A");
    SSL_SESSION_free(x);
    x = connect_once(cctx, a, s4, "key-1 ticket offered to A");
    SSL_SESSION_free(x);
    e1 = connect_once(cctx, e, NULL, "full handshake on E (EVP callback)");
    x = connect_once(cctx, e, e1, "E's ticket offered to E");
    SSL_SESSION_free(x);
    printf("-- the callback declines to seal\n");
    g_decline = 1;
    x = connect_once(cctx, a, NULL, "full handshake on A, no ticket");
    SSL_SESSION_free(x);

    SSL_SESSION_free(s1);
    SSL_SESSION_free(old);
    SSL_SESSION_free(s3);
    SSL_SESSION_free(s4);
    SSL_SESSION_free(e1);
    SSL_CTX_free(a);
    SSL_CTX_free(b);
    SSL_CTX_free(e);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    if (RAND_bytes(&g_keys[0][0], sizeof(g_keys)) != 1)
        die("RAND_bytes");
    run(TLS1_2_VERSION, "TLS 1.2");
    run(TLS1_3_VERSION, "TLS 1.3");
    return test_end();
}
