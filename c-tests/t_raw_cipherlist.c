/* SSL_get0_raw_cipherlist on a server (nginx's $ssl_ciphers): the client's cipher
 * suites as it sent them, during the servername callback and after the handshake, and
 * the size of one suite when asked without a pointer. The client is the system's
 * `openssl s_client` with a fixed suite list, so both runs see the same ClientHello. */
#include "common.h"
#include <unistd.h>

static void show(const char *when, SSL *s)
{
    const unsigned char *raw = NULL;
    int len = (int)SSL_get0_raw_cipherlist(s, &raw);

    printf("%s: raw cipher list %d bytes, one suite is %d bytes:", when, len, (int)SSL_get0_raw_cipherlist(s, NULL));
    for (int i = 0; raw && i + 1 < len; i += 2) {
        const SSL_CIPHER *c = SSL_CIPHER_find(s, raw + i);

        printf(" %02x%02x(%s)", raw[i], raw[i + 1], c ? SSL_CIPHER_get_name(c) : "?");
    }
    printf("\n");
}

static int servername_cb(SSL *s, int *ad, void *arg)
{
    (void)ad;
    (void)arg;
    show("in the servername callback", s);
    return SSL_TLSEXT_ERR_OK;
}

int main(int argc, char **argv)
{
    SSL_CTX *sctx;
    const char *args[20];
    char portarg[64];
    int lfd, fd, port, n = 0;
    child_t cl;
    SSL *s;

    test_init(argc, argv);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_tlsext_servername_callback(sctx, servername_cb);
    lfd = tcp_listen(&port);
    snprintf(portarg, sizeof(portarg), "127.0.0.1:%d", port);
    args[n++] = "openssl";
    args[n++] = "s_client";
    args[n++] = "-connect";
    args[n++] = portarg;
    args[n++] = "-servername";
    args[n++] = "localhost";
    args[n++] = "-quiet";
    args[n++] = "-ciphersuites";
    args[n++] = "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256";
    args[n++] = "-cipher";
    args[n++] = "ECDHE-ECDSA-AES128-GCM-SHA256:AES256-SHA";
    args[n] = NULL;
    cl = spawn_openssl(args);
    fd = tcp_accept(lfd, 10000);
    if (fd < 0)
        die("s_client did not connect");
    s = SSL_new(sctx);
    SSL_set_fd(s, fd);
    show("before the handshake", s);
    print_result("server", "SSL_accept", s, SSL_accept(s));
    show("after the handshake", s);
    SSL_shutdown(s);
    SSL_free(s);
    close(fd);
    close(cl.in_fd);
    wait_child(&cl, 10000);
    close(lfd);
    SSL_CTX_free(sctx);
    return test_end();
}
