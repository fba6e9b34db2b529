/* A client that leaves right after its Finished: the server's write of what follows
 * (TLS 1.3 NewSessionTickets) fails because the connection is closed.  OpenSSL's
 * server ignores EPIPE and ECONNRESET there -- the handshake succeeds and the data
 * the client sent before leaving can still be read -- while any other write error,
 * and the same errors while the handshake itself is being sent (TLS 1.2's last
 * flight), fail it with SSL_ERROR_SYSCALL.  The closed socket is played by a BIO
 * whose writes fail with a chosen errno, so the outcome does not depend on TCP timing. */
#include "common.h"

#include <errno.h>

static int dead_errno;

static int dead_write(BIO *b, const char *data, int len)
{
    (void)data;
    (void)len;
    BIO_clear_retry_flags(b);
    errno = dead_errno;
    return -1;
}

static long dead_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    (void)b;
    (void)num;
    (void)ptr;
    return cmd == BIO_CTRL_FLUSH ? 1 : 0;
}

static const char *errno_name(int e)
{
    return e == EPIPE ? "EPIPE" : e == ECONNRESET ? "ECONNRESET" : e == EIO ? "EIO" : e == 0 ? "0" : "other";
}

static void run(BIO_METHOD *meth, int version, int err)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL *c, *s;
    char buf[64];
    int r;

    printf("== %s, server's writes fail with %s after the client's Finished ==\n", version_name(version),
           errno_name(err));
    SSL_CTX_set_max_proto_version(cctx, version);
    make_mem_pair(cctx, sctx, &c, &s);
    print_result("client", "SSL_do_handshake", c, SSL_do_handshake(c));
    xfer(c, s);
    print_result("server", "SSL_do_handshake", s, SSL_do_handshake(s));
    xfer(s, c);
    r = SSL_do_handshake(c);
    print_result("client", "SSL_do_handshake", c, r);
    /* TLS 1.3: the client is done and sends its data with the Finished, then leaves. */
    if (r == 1)
        printf("client: SSL_write=%d\n", SSL_write(c, "last words", 10));
    xfer(c, s);
    dead_errno = err;
    SSL_set0_wbio(s, BIO_new(meth));
    errno = 0;
    r = SSL_do_handshake(s);
    {
        int saved = errno;

        if (print_result("server", "SSL_do_handshake", s, r) == SSL_ERROR_SYSCALL)
            printf("server: errno=%s\n", errno_name(saved));
    }
    if (r == 1) {
        r = SSL_read(s, buf, sizeof(buf));
        if (r > 0)
            printf("server: read %d bytes \"%.*s\"\n", r, r, buf);
        else
            print_result("server", "SSL_read", s, r);
        printf("server: session reusable=%d\n", SSL_SESSION_is_resumable(SSL_get_session(s)));
    }
    print_err("server queue");
    SSL_free(c);
    SSL_free(s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    BIO_METHOD *meth;
    int errs[3] = { EPIPE, ECONNRESET, EIO };

    test_init(argc, argv);
    meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "closed socket");
    BIO_meth_set_write(meth, dead_write);
    BIO_meth_set_ctrl(meth, dead_ctrl);
    for (int i = 0; i < 3; i++)
        run(meth, TLS1_3_VERSION, errs[i]);
    run(meth, TLS1_2_VERSION, EPIPE);
    BIO_meth_free(meth);
    return test_end();
}
