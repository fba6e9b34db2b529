/* ex_data on SSL_CTX, SSL and SSL_SESSION: CRYPTO_get_ex_new_index with
 * the class constants and the SSL_*_get_ex_new_index wrappers, new/free
 * callbacks (with argl/argp), set/get, and the free callback firing when
 * each object is destroyed (SSL_CTX, SSL, SSL_SESSION from SSL_SESSION_new
 * and from SSL_get1_session after a handshake). */
#include "common.h"

static void new_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    printf("  new_cb: argl=%ld argp=%s ptr=%s\n", argl, (const char *)argp,
           ptr ? "set" : "NULL");
}

static void free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl, void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    printf("  free_cb: argl=%ld argp=%s ptr=%s\n", argl, (const char *)argp,
           ptr ? (const char *)ptr : "NULL");
}

/* SSL_SESSION objects are created and dropped internally during a
 * handshake (how many is an implementation detail), so the session index
 * has no new callback and its free callback only reports data we set. */
static void sess_free_cb(void *parent, void *ptr, CRYPTO_EX_DATA *ad, int idx, long argl,
                         void *argp)
{
    (void)parent;
    (void)ad;
    (void)idx;
    if (ptr != NULL)
        printf("  sess_free_cb: argl=%ld argp=%s ptr=%s\n", argl, (const char *)argp,
               (const char *)ptr);
}

int main(int argc, char **argv)
{
    int ictx, issl, isess, issl2;
    SSL_CTX *cctx, *sctx;
    SSL *c, *s;
    SSL_SESSION *sess;

    test_init(argc, argv);
    ictx = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL_CTX, 10, (void *)"ctx", new_cb, NULL, free_cb);
    issl = SSL_get_ex_new_index(20, (void *)"ssl", new_cb, NULL, free_cb);
    issl2 = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 21, (void *)"ssl2", NULL, NULL, free_cb);
    isess = SSL_SESSION_get_ex_new_index(30, (void *)"sess", NULL, NULL, sess_free_cb);
    printf("indexes >= 0: %d %d %d %d, distinct ssl indexes=%d\n", ictx >= 0, issl >= 0,
           issl2 >= 0, isess >= 0, issl != issl2);

    printf("-- SSL_CTX_new (client) --\n");
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    printf("get before set: %s\n", SSL_CTX_get_ex_data(cctx, ictx) ? "set" : "NULL");
    printf("set=%d\n", SSL_CTX_set_ex_data(cctx, ictx, (void *)"client ctx data"));
    printf("get: %s\n", (const char *)SSL_CTX_get_ex_data(cctx, ictx));
    printf("-- SSL_CTX_new (server) --\n");
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX_set_ex_data(sctx, ictx, (void *)"server ctx data");

    printf("-- SSL_new x2 --\n");
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set_ex_data(c, issl, (void *)"client ssl data");
    SSL_set_ex_data(c, issl2, (void *)"client ssl data 2");
    SSL_set_ex_data(s, issl, (void *)"server ssl data");
    printf("client get: %s / %s\n", (const char *)SSL_get_ex_data(c, issl),
           (const char *)SSL_get_ex_data(c, issl2));
    printf("server get idx2: %s\n", SSL_get_ex_data(s, issl2) ? "set" : "NULL");
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");

    printf("-- SSL_get1_session --\n");
    sess = SSL_get1_session(c);
    printf("session present=%d\n", sess != NULL);
    printf("set=%d\n", SSL_SESSION_set_ex_data(sess, isess, (void *)"session data"));
    printf("get: %s\n", (const char *)SSL_SESSION_get_ex_data(sess, isess));

    printf("-- SSL_free(client) --\n");
    SSL_free(c);
    printf("-- SSL_free(server) --\n");
    SSL_free(s);
    printf("-- SSL_SESSION_free --\n");
    SSL_SESSION_free(sess);

    printf("-- SSL_SESSION_new / up_ref / free --\n");
    sess = SSL_SESSION_new();
    SSL_SESSION_set_ex_data(sess, isess, (void *)"fresh session data");
    printf("SSL_SESSION_up_ref=%d\n", SSL_SESSION_up_ref(sess));
    printf("first free\n");
    SSL_SESSION_free(sess);
    printf("second free\n");
    SSL_SESSION_free(sess);

    printf("-- SSL_CTX_free(client) --\n");
    SSL_CTX_free(cctx);
    printf("-- SSL_CTX_free(server) --\n");
    SSL_CTX_free(sctx);
    printf("done\n");
    return test_end();
}
