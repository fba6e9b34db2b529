/* Shared body of the t_server_s_client_* programs (included, not compiled
 * alone): our server accepts on a loopback socket (port 0), a real
 * `openssl s_client` (system OpenSSL, clean environment) connects with
 * -CAfile ca.pem -verify_return_error -verify_hostname localhost
 * -servername localhost -quiet, sends one line from its stdin; our server
 * prints what it negotiated and received, replies, and does the two-step
 * SSL_shutdown; then s_client's exit status and stdout are printed. */
#include "common.h"
#include <unistd.h>

static void s_client_run(const char *cert, const char *key, const char *const *extra,
                         int server_verify)
{
    SSL_CTX *sctx = make_server_ctx(cert, key);
    const char *args[40];
    char portarg[64], buf[256];
    size_t n = 0, got = 0;
    int lfd, fd, port, r;
    child_t cl;
    SSL *s;
    char *out;

    if (server_verify) {
        SSL_CTX_load_verify_locations(sctx, cpath("ca.pem"), NULL);
        SSL_CTX_set_client_CA_list(sctx, SSL_load_client_CA_file(cpath("ca.pem")));
        SSL_CTX_set_verify(sctx, server_verify, NULL);
    }
    lfd = tcp_listen(&port);
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[n++] = "openssl";
    args[n++] = "s_client";
    args[n++] = "-connect";
    args[n++] = portarg;
    args[n++] = "-CAfile";
    args[n++] = cpath("ca.pem");
    args[n++] = "-verify_return_error";
    args[n++] = "-verify_hostname";
    args[n++] = "localhost";
    args[n++] = "-servername";
    args[n++] = "localhost";
    args[n++] = "-quiet";
    for (size_t i = 0; extra && extra[i] && n < 38; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    cl = spawn_openssl(args);
    if (write(cl.in_fd, "hello from s_client\n", 20) != 20)
        die("write to s_client stdin");

    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    r = SSL_accept(s);
    print_result("server", "SSL_accept", s, r);
    if (r == 1) {
        const char *sn = SSL_get_servername(s, TLSEXT_NAMETYPE_host_name);
        print_session_info("server", s);
        printf("server: servername=%s type=%d\n", sn ? sn : "(null)",
               SSL_get_servername_type(s));
        print_peer_cert("server", s);
        print_verify_result("server", s);
        while (got < sizeof(buf) - 1 && (got == 0 || buf[got - 1] != '\n')) {
            r = SSL_read(s, buf + got, (int)(sizeof(buf) - 1 - got));
            if (r <= 0) {
                print_result("server", "SSL_read", s, r);
                break;
            }
            got += (size_t)r;
        }
        printf("server: received ");
        print_escaped(buf, got);
        printf("\n");
        r = SSL_write(s, "hello from our server\n", 22);
        print_result("server", "SSL_write", s, r);
        r = SSL_shutdown(s);
        printf("server: SSL_shutdown#1 ret=%d get_shutdown=%d\n", r, SSL_get_shutdown(s));
        ERR_clear_error();
        r = SSL_shutdown(s);
        print_result("server", "SSL_shutdown#2", s, r);
        printf("server: get_shutdown=%d\n", SSL_get_shutdown(s));
    }
    printf("s_client exit=%d\n", wait_child(&cl, 10000));
    out = child_output(&cl);
    printf("s_client stdout: ");
    print_escaped(out, strlen(out));
    printf("\n");
    free(out);
    SSL_free(s);
    close(fd);
    close(lfd);
    SSL_CTX_free(sctx);
}
