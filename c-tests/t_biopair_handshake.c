/* Client and server in one process over a BIO pair (BIO_new_bio_pair),
 * driven non-blocking: prints every SSL_do_handshake return value and
 * SSL_get_error code for TLS 1.3 and TLS 1.2, the state predicates before
 * and after, and a run with tiny BIO-pair buffers (WANT_WRITE). */
#include "common.h"

static void states(const char *who, SSL *s)
{
    printf("%s: is_server=%d is_init_finished=%d in_init=%d in_before=%d\n",
           who, SSL_is_server(s), SSL_is_init_finished(s), SSL_in_init(s),
           SSL_in_before(s));
}

static void run(SSL_CTX *cctx, SSL_CTX *sctx, int maxv)
{
    SSL *c, *s;
    int ok;

    printf("== max version %s ==\n", version_name(maxv));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set1_host(c, "localhost");
    states("client", c);
    states("server", s);
    ok = do_handshake(c, s, 1, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    states("client", c);
    states("server", s);
    print_session_info("client", c);
    print_session_info("server", s);
    print_verify_result("client", c);
    exchange(c, "client", s, "server", "ping from client");
    exchange(s, "server", c, "client", "pong from server");
    free_pair(c, s);
}

/* Tiny buffers: the server's flight does not fit, so WANT_WRITE must show
 * up; only whether it was seen is printed (counts depend on sizes). */
static void run_small(SSL_CTX *cctx, SSL_CTX *sctx)
{
    SSL *c, *s;
    int cdone = 0, sdone = 0, want_write = 0, other = 0, r, e;

    printf("== tiny bio pair buffers (256 bytes) ==\n");
    SSL_CTX_set_max_proto_version(cctx, 0);
    make_pair(cctx, sctx, &c, &s, 256);
    for (int i = 0; i < 2000 && !(cdone && sdone); i++) {
        if (cdone) {
            /* TLS 1.3: let the client consume the session tickets */
            char buf[64];
            r = SSL_read(c, buf, sizeof(buf));
            e = SSL_get_error(c, r);
            if (e != SSL_ERROR_WANT_READ)
                other++;
        } else {
            r = SSL_do_handshake(c);
            e = SSL_get_error(c, r);
            if (r == 1)
                cdone = 1;
            else if (e == SSL_ERROR_WANT_WRITE)
                want_write |= 1;
            else if (e != SSL_ERROR_WANT_READ)
                other++;
        }
        if (!sdone) {
            r = SSL_do_handshake(s);
            e = SSL_get_error(s, r);
            if (r == 1)
                sdone = 1;
            else if (e == SSL_ERROR_WANT_WRITE)
                want_write |= 2;
            else if (e != SSL_ERROR_WANT_READ)
                other++;
        }
        if (other)
            break;
    }
    printf("client done=%d server done=%d server saw WANT_WRITE=%d other errors=%d\n",
           cdone, sdone, (want_write & 2) != 0, other);
    ERR_print_errors_fp(stderr);
    exchange(c, "client", s, "server", "small buffers work");
    free_pair(c, s);
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    run(cctx, sctx, TLS1_3_VERSION);
    run(cctx, sctx, TLS1_2_VERSION);
    run_small(cctx, sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
