/* A client session saved with i2d_SSL_SESSION, the original freed, then
 * restored with d2i_SSL_SESSION and offered with SSL_set_session on a new
 * connection to the same server context: TLS 1.3 (ticket), TLS 1.2 with a
 * ticket, TLS 1.2 with a session ID (server SSL_OP_NO_TICKET).  OpenSSL:
 * the decoded session is resumable and resumes.  oxissl deliberately marks
 * decoded client sessions non-resumable, so this program isolates that
 * difference. */
#include "sess_impl.h"

static void run(int version, long server_opts, const char *title)
{
    SSL_CTX *cctx = sess_client_ctx(version), *sctx = sess_server_ctx();
    SSL *c, *s;
    SSL_SESSION *d;
    unsigned char *der, *p;
    const unsigned char *q;
    int len, ok;

    printf("== %s ==\n", title);
    SSL_CTX_set_options(sctx, (uint64_t)server_opts);
    make_pair(cctx, sctx, &c, &s, 0);
    printf("handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    pump(c, s);
    printf("client: session resumable=%d\n", SSL_SESSION_is_resumable(SSL_get_session(c)));
    len = i2d_SSL_SESSION(SSL_get_session(c), NULL);
    if (len <= 0)
        die("i2d_SSL_SESSION");
    der = malloc((size_t)len);
    p = der;
    i2d_SSL_SESSION(SSL_get_session(c), &p);
    sess_close_pair(c, s);

    q = der;
    d = d2i_SSL_SESSION(NULL, &q, len);
    free(der);
    printf("d2i ok=%d\n", d != NULL);
    if (d == NULL) {
        print_err("d2i");
    } else {
        printf("decoded: resumable=%d\n", SSL_SESSION_is_resumable(d));
        make_pair(cctx, sctx, &c, &s, 0);
        printf("client: SSL_set_session=%d\n", SSL_set_session(c, d));
        ok = do_handshake(c, s, 0, NULL, NULL);
        printf("handshake ok=%d reused: client=%d server=%d\n", ok, SSL_session_reused(c),
               SSL_session_reused(s));
        printf("client: session is the decoded one=%d\n", SSL_get_session(c) == d);
        sess_close_pair(c, s);
        SSL_SESSION_free(d);
    }
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    sess_init();
    run(TLS1_3_VERSION, 0, "TLS 1.3 ticket");
    run(TLS1_2_VERSION, 0, "TLS 1.2 ticket");
    run(TLS1_2_VERSION, SSL_OP_NO_TICKET, "TLS 1.2 session ID");
    return test_end();
}
