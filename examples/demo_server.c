/* A small TLS server: accepts N connections on 127.0.0.1:PORT and answers each with what it
 * negotiated: one line, or an HTTP response when the request is an HTTP GET (for curl). */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* ALPN: take http/1.1 when the client offers it. */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    static const unsigned char http11[] = "\x08http/1.1";
    unsigned char *sel;
    (void)ssl;
    (void)arg;
    if (SSL_select_next_proto(&sel, outlen, http11, sizeof(http11) - 1, in, inlen)
        != OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s PORTFILE CERT KEY CONNECTIONS\n", argv[0]);
        return 2;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL || SSL_CTX_use_certificate_chain_file(ctx, argv[2]) != 1
        || SSL_CTX_use_PrivateKey_file(ctx, argv[3], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 1;
    }
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"demo", 4);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);

    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof(addr);
    if (bind(ls, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(ls, 8) != 0
        || getsockname(ls, (struct sockaddr *)&addr, &alen) != 0) {
        perror("listen");
        return 1;
    }
    FILE *pf = fopen(argv[1], "w");
    fprintf(pf, "%d\n", ntohs(addr.sin_port));
    fclose(pf);

    for (int i = 0; i < atoi(argv[4]); i++) {
        int fd = accept(ls, NULL, NULL);
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        if (SSL_accept(ssl) == 1) {
            char buf[256];
            int n = SSL_read(ssl, buf, sizeof(buf) - 1);
            if (n > 0) {
                char line[300], reply[600];
                int len = snprintf(line, sizeof(line), "server: %s %s reused=%d\n",
                                   SSL_get_version(ssl),
                                   SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)),
                                   SSL_session_reused(ssl));
                if (n >= 4 && memcmp(buf, "GET ", 4) == 0)
                    len = snprintf(reply, sizeof(reply),
                                   "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                                   "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
                                   len, line);
                else
                    memcpy(reply, line, (size_t)len + 1);
                SSL_write(ssl, reply, len);
            }
            SSL_shutdown(ssl);
        } else {
            ERR_print_errors_fp(stderr);
        }
        SSL_free(ssl);
        close(fd);
    }
    close(ls);
    SSL_CTX_free(ctx);
    return 0;
}
