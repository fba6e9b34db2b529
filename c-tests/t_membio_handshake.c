/* Client and server in one process over two shared memory BIOs (BIO_s_mem:
 * one per direction, each used as wbio by one side and rbio by the other),
 * driven non-blocking.  Prints every SSL_do_handshake / SSL_connect /
 * SSL_accept return and SSL_get_error, whether bytes are queued after each
 * step (not how many), and SSL_read/SSL_write behaviour on empty BIOs. */
#include "common.h"

static const char *queued(BIO *b)
{
    return BIO_ctrl_pending(b) > 0 ? "yes" : "no";
}

static void run(int maxv, int use_connect_accept)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());
    SSL *c, *s;
    int r, cdone = 0, sdone = 0;
    char buf[64];

    printf("== max version %s, %s ==\n", version_name(maxv),
           use_connect_accept ? "SSL_connect/SSL_accept" : "SSL_do_handshake");
    SSL_CTX_set_max_proto_version(cctx, maxv);
    c = SSL_new(cctx);
    s = SSL_new(sctx);
    SSL_set1_host(c, "localhost");
    /* each BIO ends up owned by both SSL objects (one reference each);
     * the reference from BIO_new goes to the first SSL_set_bio */
    BIO_up_ref(c2s);
    BIO_up_ref(s2c);
    SSL_set_bio(c, s2c, c2s);
    SSL_set_bio(s, c2s, s2c);
    if (!use_connect_accept) {
        SSL_set_connect_state(c);
        SSL_set_accept_state(s);
    }
    /* server first: nothing to read yet */
    r = use_connect_accept ? SSL_accept(s) : SSL_do_handshake(s);
    print_result("server", "first step", s, r);
    printf("queued c2s=%s s2c=%s\n", queued(c2s), queued(s2c));
    for (int i = 0; i < 10 && !(cdone && sdone); i++) {
        if (!cdone) {
            r = use_connect_accept ? SSL_connect(c) : SSL_do_handshake(c);
            print_result("client", "step", c, r);
            cdone = r == 1 ? 1 : (r <= 0 && SSL_get_error(c, r) != SSL_ERROR_WANT_READ ? -1 : 0);
            printf("queued c2s=%s s2c=%s\n", queued(c2s), queued(s2c));
        }
        if (!sdone) {
            r = use_connect_accept ? SSL_accept(s) : SSL_do_handshake(s);
            print_result("server", "step", s, r);
            sdone = r == 1 ? 1 : (r <= 0 && SSL_get_error(s, r) != SSL_ERROR_WANT_READ ? -1 : 0);
            printf("queued c2s=%s s2c=%s\n", queued(c2s), queued(s2c));
        }
        if (cdone < 0 || sdone < 0)
            break;
    }
    print_session_info("client", c);
    print_session_info("server", s);
    /* a handshake step after completion is a no-op returning 1 */
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake again", c, r);
    /* reading with nothing sent (TLS 1.3: consumes the tickets first) */
    r = SSL_read(c, buf, sizeof(buf));
    print_result("client", "SSL_read (nothing sent)", c, r);
    printf("queued c2s=%s s2c=%s\n", queued(c2s), queued(s2c));
    r = SSL_read(s, buf, sizeof(buf));
    print_result("server", "SSL_read (nothing sent)", s, r);
    exchange(c, "client", s, "server", "over memory BIOs");
    exchange(s, "server", c, "client", "and back");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, 0);
    run(TLS1_2_VERSION, 0);
    run(TLS1_3_VERSION, 1);
    run(TLS1_2_VERSION, 1);
    return test_end();
}
