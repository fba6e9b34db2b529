/* hostile_handshake.c -- what a libssl server does with the soak's hostile ClientHellos.
 *
 *   cc -o hostile tools/soak/repro/hostile_handshake.c -lssl -lcrypto
 *   ./hostile CERT KEY [CASE]                                (the system libssl)
 *   LD_LIBRARY_PATH=target/release ./hostile CERT KEY [CASE] (oxissl)
 *
 * For each case (or only CASE, 1-9: cases 8 and 9 must be the process's first failed
 * handshake to show their difference) a server SSL (TLS_server_method,
 * SSL_OP_IGNORE_UNEXPECTED_EOF as nginx >= 1.21 sets it, a non-blocking TCP connection on
 * loopback) is fed the case's bytes, then optionally the client's FIN (shutdown(SHUT_WR)) or
 * RST (SO_LINGER 0 and close); SSL_accept is called once and the program prints its return
 * value, SSL_get_error, errno when that is SSL_ERROR_SYSCALL, the error queue and the first
 * record the server wrote back (an alert's description, a handshake message type, or
 * nothing).  errno is set to ENOENT before SSL_accept: a stale value a program (nginx) would
 * read if the library does not leave the failing call's errno.  The ClientHello is made by
 * a client SSL object of the same library (TLS_client_method, SNI "localhost"). */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static unsigned char ch[4096];   /* one record holding a whole ClientHello */
static int chlen;

static void make_client_hello(void)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL *c = SSL_new(cctx);
    BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
    SSL_set_bio(c, rb, wb);
    SSL_set_tlsext_host_name(c, "localhost");
    SSL_connect(c);
    chlen = BIO_read(wb, ch, sizeof ch);
    SSL_free(c);
    SSL_CTX_free(cctx);
}

static const char *err_name(int e)
{
    switch (e) {
    case SSL_ERROR_NONE: return "SSL_ERROR_NONE";
    case SSL_ERROR_SSL: return "SSL_ERROR_SSL";
    case SSL_ERROR_WANT_READ: return "SSL_ERROR_WANT_READ";
    case SSL_ERROR_WANT_WRITE: return "SSL_ERROR_WANT_WRITE";
    case SSL_ERROR_SYSCALL: return "SSL_ERROR_SYSCALL";
    case SSL_ERROR_ZERO_RETURN: return "SSL_ERROR_ZERO_RETURN";
    default: return "?";
    }
}

enum { NONE, FIN, RST };
static int only;

/* sv[0]: the server's end, sv[1]: the client's, a TCP connection on 127.0.0.1 */
static void tcp_pair(int sv[2])
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, 1) || getsockname(l, (struct sockaddr *)&a, &al)) {
        perror("listen");
        exit(2);
    }
    sv[1] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(sv[1], (struct sockaddr *)&a, sizeof a)) { perror("connect"); exit(2); }
    sv[0] = accept(l, NULL, NULL);
    close(l);
}

static void run(SSL_CTX *ctx, int num, const char *name, const unsigned char *in, int inlen, int end)
{
    if (only && num != only)
        return;
    int sv[2];
    tcp_pair(sv);
    if (write(sv[1], in, inlen) != inlen) perror("write");
    if (end == FIN) shutdown(sv[1], SHUT_WR);
    if (end == RST) {
        struct linger lg = {1, 0};
        setsockopt(sv[1], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        close(sv[1]);
        sv[1] = -1;
    }
    usleep(20000);
    fcntl(sv[0], F_SETFL, O_NONBLOCK);
    SSL *s = SSL_new(ctx);
    SSL_set_fd(s, sv[0]);
    ERR_clear_error();
    errno = ENOENT;
    int ret = SSL_accept(s);
    int err = SSL_get_error(s, ret);
    int e_no = errno;
    printf("%d. %s\n    SSL_accept = %d, %s", num, name, ret, err_name(err));
    if (err == SSL_ERROR_SYSCALL)
        printf(" (errno %d: %s)", e_no, strerror(e_no));
    printf(", queue:");
    unsigned long e;
    char buf[256];
    int n = 0;
    while ((e = ERR_get_error()) != 0) {
        ERR_error_string_n(e, buf, sizeof buf);
        printf(" %s", buf);
        n++;
    }
    printf("%s, SSL_get_shutdown = %d\n", n ? "" : " empty", SSL_get_shutdown(s));
    unsigned char out[8];
    ssize_t got = -1;
    if (sv[1] >= 0) {
        usleep(20000);
        fcntl(sv[1], F_SETFL, O_NONBLOCK);
        got = read(sv[1], out, sizeof out);
    }
    if (got >= 7 && out[0] == 21)
        printf("    server wrote: alert level %d description %d\n", out[5], out[6]);
    else if (got >= 6 && out[0] == 22)
        printf("    server wrote: handshake message type %d\n", out[5]);
    else if (got > 0)
        printf("    server wrote: record type %d\n", out[0]);
    else
        printf("    server wrote: nothing\n");
    SSL_free(s);
    close(sv[0]);
    if (sv[1] >= 0) close(sv[1]);
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: %s CERT KEY [CASE]\n", argv[0]); return 2; }
    if (argc > 3) only = atoi(argv[3]);
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    if (SSL_CTX_use_certificate_chain_file(ctx, argv[1]) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, argv[2], SSL_FILETYPE_PEM) != 1) {
        ERR_print_errors_fp(stderr);
        return 2;
    }
    make_client_hello();
    unsigned char b[8192];
    int hs = chlen - 5;                        /* the handshake message inside the record */

    run(ctx, 1, "the first 20 bytes of a ClientHello, then FIN", ch, 20, FIN);
    run(ctx, 2, "a whole ClientHello, then FIN", ch, chlen, FIN);

    /* 3. a zero-length handshake record, then the ClientHello */
    memcpy(b, "\x16\x03\x01\x00\x00", 5);
    memcpy(b + 5, ch, chlen);
    run(ctx, 3, "a zero-length handshake record, then a valid ClientHello", b, 5 + chlen, NONE);

    /* 4. the ClientHello's handshake length set to 0xffffff */
    memcpy(b, ch, chlen);
    b[6] = b[7] = b[8] = 0xff;
    run(ctx, 4, "ClientHello with handshake length 0xffffff", b, chlen, NONE);

    /* 5. the handshake length 1000 bytes longer than the record, then a ChangeCipherSpec record */
    memcpy(b, ch, chlen);
    int l = hs - 4 + 1000;
    b[6] = l >> 16; b[7] = l >> 8; b[8] = l;
    memcpy(b + chlen, "\x14\x03\x03\x00\x01\x01", 6);
    run(ctx, 5, "ClientHello 1000 bytes short, then a ChangeCipherSpec record", b, chlen + 6, NONE);

    /* 6. record length 0xffff */
    memcpy(b, ch, chlen);
    b[3] = b[4] = 0xff;
    run(ctx, 6, "ClientHello record with record length 0xffff", b, chlen, NONE);

    /* 7. a handshake record whose message is not a ClientHello (type 0x63), length 0x00f000 */
    memcpy(b, "\x16\x03\x01\x00\x08\x63\x00\xf0\x00\x01\x02\x03\x04", 13);
    run(ctx, 7, "handshake message type 0x63, length 0xf000, 4 bytes of it", b, 13, NONE);

    run(ctx, 8, "the first 20 bytes of a ClientHello, then RST", ch, 20, RST);
    run(ctx, 9, "a whole ClientHello, then RST", ch, chlen, RST);
    return 0;
}
