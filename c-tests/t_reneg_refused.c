/* Apache's per-directory client certificates (SSLVerifyClient inside <Location>):
 * on a TLS 1.2 connection the server asks for a renegotiation (SSL_renegotiate,
 * SSL_do_handshake, check SSL_get_state == TLS_ST_OK, then SSL_peek to run it); on
 * TLS 1.3 it asks for post-handshake authentication.  rustls has neither, so oxissl
 * refuses at once (a known difference): SSL_renegotiate returns 0 naming itself,
 * SSL_do_handshake fails with "no renegotiation" and SSL_get_state is not TLS_ST_OK
 * until the connection reads or writes again -- Apache answers 403 at once instead of
 * waiting its whole Timeout in SSL_peek -- and the connection keeps working.
 * OpenSSL sends a HelloRequest and renegotiates when the client answers. */
#include "common.h"

#include <unistd.h>

static void show_state(const char *who, SSL *s)
{
    printf("%s: state %s (%s), init finished=%d\n", who, SSL_get_state(s) == TLS_ST_OK ? "TLS_ST_OK" : "not OK",
           SSL_state_string_long(s), SSL_is_init_finished(s));
}

static void run(int version, int pha)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL *c, *s;
    int r;

    printf("== %s%s ==\n", version_name(version), pha ? ", client offers post-handshake auth" : "");
    SSL_CTX_set_max_proto_version(cctx, version);
    make_mem_pair(cctx, sctx, &c, &s);
    if (pha)
        SSL_set_post_handshake_auth(c, 1);
    if (do_handshake(c, s, 0, NULL, NULL) != 1)
        die("handshake");
    exchange(c, "client", s, "server", "GET /secure");
    SSL_set_verify(s, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
    if (version == TLS1_3_VERSION) {
        printf("server: SSL_renegotiate=%d\n", SSL_renegotiate(s));
        print_err("server");
        printf("client: SSL_verify_client_post_handshake=%d\n", SSL_verify_client_post_handshake(c));
        print_err("client");
        r = SSL_verify_client_post_handshake(s);
        printf("server: SSL_verify_client_post_handshake=%d\n", r);
        print_err("server");
    } else {
        printf("server: SSL_renegotiate=%d\n", SSL_renegotiate(s));
        print_err("server");
        r = SSL_do_handshake(s);
        print_result("server", "SSL_do_handshake", s, r);
        show_state("server", s);
    }
    /* The server answers (Apache: 403) and the connection goes on. */
    exchange(s, "server", c, "client", "HTTP/1.1 403 Forbidden");
    show_state("server", s);
    exchange(c, "client", s, "server", "GET /public");
    exchange(s, "server", c, "client", "HTTP/1.1 200 OK");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* The system's s_client offering post-handshake auth (-enable_pha) to our server. */
static void pha_s_client(void)
{
    const char *args[] = { "openssl", "s_client", "-connect", NULL, "-enable_pha", "-quiet", NULL };
    SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    char portarg[64];
    int lfd, fd, port;
    child_t cl;
    SSL *s;

    printf("== TLS1_3_VERSION, s_client -enable_pha ==\n");
    lfd = tcp_listen(&port);
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[3] = portarg;
    cl = spawn_openssl(args);
    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    print_result("server", "SSL_accept", s, SSL_accept(s));
    SSL_set_verify(s, SSL_VERIFY_PEER, NULL);
    printf("server: SSL_verify_client_post_handshake=%d\n", SSL_verify_client_post_handshake(s));
    print_err("server");
    SSL_free(s);
    close(fd);
    close(cl.in_fd);
    cl.in_fd = -1;
    wait_child(&cl, 10000);
    close(lfd);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_2_VERSION, 0);
    run(TLS1_3_VERSION, 0);
    run(TLS1_3_VERSION, 1);
    pha_s_client();
    {
        /* SSL_OP_NO_RENEGOTIATION: both refuse, with OpenSSL's reason. */
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
        SSL_CTX *sctx = make_server_ctx("server-p256.pem", "server-p256.key");
        SSL *c, *s;

        printf("== TLS1_2_VERSION, SSL_OP_NO_RENEGOTIATION ==\n");
        SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
        SSL_CTX_set_options(sctx, SSL_OP_NO_RENEGOTIATION);
        make_mem_pair(cctx, sctx, &c, &s);
        if (do_handshake(c, s, 0, NULL, NULL) != 1)
            die("handshake");
        printf("server: SSL_renegotiate=%d\n", SSL_renegotiate(s));
        print_err("server");
        print_result("server", "SSL_do_handshake", s, SSL_do_handshake(s));
        show_state("server", s);
        free_pair(c, s);
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }
    return test_end();
}
