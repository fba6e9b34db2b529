/* SSL_read_early_data on a server that accepts no early data, as nginx with
 * "ssl_early_data on" calls it to start every handshake: over a BIO pair, client
 * and server stepped one call at a time, TLS 1.3 and TLS 1.2.  Each server call
 * prints its return value (SSL_READ_EARLY_DATA_ERROR/SUCCESS/FINISH), readbytes
 * and SSL_get_error; then SSL_do_handshake finishes the handshake, data flows,
 * and SSL_get_early_data_status is printed.  Misuse: a second call after FINISH,
 * a call on a client, a call after the handshake, a NULL readbytes. */
#include "common.h"

static const char *early_ret(int r)
{
    switch (r) {
    case SSL_READ_EARLY_DATA_ERROR: return "ERROR";
    case SSL_READ_EARLY_DATA_SUCCESS: return "SUCCESS";
    case SSL_READ_EARLY_DATA_FINISH: return "FINISH";
    default: return "?";
    }
}

/* One server call; returns 1 once it reported FINISH. */
static int server_step(SSL *s)
{
    char buf[64];
    size_t n = 99;
    int r = SSL_read_early_data(s, buf, sizeof(buf), &n);
    printf("server: SSL_read_early_data=%s readbytes=%zu", early_ret(r), n);
    if (r == SSL_READ_EARLY_DATA_ERROR)
        printf(" err=%d", SSL_get_error(s, r));
    printf(" init_finished=%d\n", SSL_is_init_finished(s));
    if (r == SSL_READ_EARLY_DATA_ERROR && SSL_get_error(s, r) == SSL_ERROR_SSL)
        print_err("server");
    return r == SSL_READ_EARLY_DATA_FINISH;
}

static void run(int version, const char *name)
{
    SSL_CTX *sctx, *cctx;
    SSL *c, *s;
    char buf[64];
    size_t n = 99;
    int r, finished = 0;

    printf("#### %s\n", name);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    printf("server: SSL_CTX_set_max_early_data=%d\n", SSL_CTX_set_max_early_data(sctx, 16384));
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX_set_min_proto_version(cctx, version);
    SSL_CTX_set_max_proto_version(cctx, version);
    make_pair(cctx, sctx, &c, &s, 0);

    /* Nothing from the client yet. */
    server_step(s);
    for (int i = 0; i < 6 && !finished; i++) {
        r = SSL_do_handshake(c);
        printf("client: SSL_do_handshake=%d err=%d\n", r, r == 1 ? 0 : SSL_get_error(c, r));
        finished = server_step(s);
    }
    if (!finished)
        die("SSL_read_early_data never reported FINISH");

    /* After FINISH: calling again is a usage error. */
    r = SSL_read_early_data(s, buf, sizeof(buf), &n);
    printf("server: SSL_read_early_data again=%s readbytes=%zu err=%d\n", early_ret(r), n, SSL_get_error(s, r));
    print_err("server");

    printf("handshake ok=%d\n", do_handshake(c, s, 1, NULL, NULL));
    printf("server: early data status=%d, client: early data status=%d\n",
           SSL_get_early_data_status(s), SSL_get_early_data_status(c));
    exchange(c, "client", s, "server", "after early data");

    /* A client may not call it; neither may a server past its handshake. */
    r = SSL_read_early_data(c, buf, sizeof(buf), &n);
    printf("client: SSL_read_early_data=%s\n", early_ret(r));
    print_err("client");
    free_pair(c, s);
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    r = SSL_read_early_data(s, buf, sizeof(buf), &n);
    printf("server after its handshake: SSL_read_early_data=%s\n", early_ret(r));
    print_err("server");
    free_pair(c, s);
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
