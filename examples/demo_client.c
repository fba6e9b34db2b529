/* A small TLS client: connects twice, verifying the server, and resumes the session. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static SSL_SESSION *connect_once(SSL_CTX *ctx, int port, SSL_SESSION *resume, int round)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        perror("connect");
        exit(1);
    }
    SSL *ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    SSL_set1_host(ssl, "localhost");
    if (resume != NULL)
        SSL_set_session(ssl, resume);
    if (SSL_connect(ssl) != 1) {
        ERR_print_errors_fp(stderr);
        exit(1);
    }
    long vr = SSL_get_verify_result(ssl);
    printf("connection %d: protocol %s, cipher %s, verify %ld (%s), session reused: %s\n",
           round, SSL_get_version(ssl), SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)),
           vr, X509_verify_cert_error_string(vr), SSL_session_reused(ssl) ? "yes" : "no");
    const char *req = "hello\n";
    SSL_write(ssl, req, (int)strlen(req));
    char buf[300];
    int n = SSL_read(ssl, buf, sizeof(buf) - 1);  /* TLS 1.3 tickets arrive with this read */
    if (n > 0) {
        buf[n] = 0;
        printf("  %s", buf);
    }
    SSL_SESSION *sess = SSL_get1_session(ssl);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    close(fd);
    return sess;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s PORT CAFILE tls1.2|tls1.3\n", argv[0]);
        return 2;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, argv[2], NULL);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    int v = strcmp(argv[3], "tls1.2") == 0 ? TLS1_2_VERSION : TLS1_3_VERSION;
    SSL_CTX_set_min_proto_version(ctx, v);
    SSL_CTX_set_max_proto_version(ctx, v);
    SSL_SESSION *s1 = connect_once(ctx, atoi(argv[1]), NULL, 1);
    SSL_SESSION *s2 = connect_once(ctx, atoi(argv[1]), s1, 2);
    SSL_SESSION_free(s1);
    SSL_SESSION_free(s2);
    SSL_CTX_free(ctx);
    return 0;
}
