/* tests/install/client.c: a TLS client built from the installed oxissl only (pkg-config
 * oxissl): connects to 127.0.0.1:PORT, verifies the server as "localhost" against CAFILE,
 * sends a GET, then prints the protocol, the cipher and every libssl mapped into this process
 * (/proc/self/maps), so that the test sees which library the RUNPATH made it load.
 * usage: client PORT CAFILE */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int fail(const char *what) {
    fprintf(stderr, "client: %s failed\n", what);
    ERR_print_errors_fp(stderr);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: client PORT CAFILE\n"); return 2; }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) return fail("SSL_CTX_new");
    if (!SSL_CTX_load_verify_locations(ctx, argv[2], NULL)) return fail("load_verify_locations");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(argv[1])) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) return fail("connect");
    SSL *ssl = SSL_new(ctx);
    if (!ssl) return fail("SSL_new");
    SSL_set_fd(ssl, fd);
    SSL_set_tlsext_host_name(ssl, "localhost");
    if (!SSL_set1_host(ssl, "localhost")) return fail("SSL_set1_host");
    if (SSL_connect(ssl) != 1) return fail("SSL_connect");
    if (SSL_get_verify_result(ssl) != X509_V_OK) return fail("verification");
    const char req[] = "GET / HTTP/1.0\r\n\r\n";
    if (SSL_write(ssl, req, (int)strlen(req)) <= 0) return fail("SSL_write");
    char buf[256];
    int n = SSL_read(ssl, buf, (int)sizeof buf - 1);
    if (n <= 0) return fail("SSL_read");
    printf("protocol %s cipher %s read %d bytes\n", SSL_get_version(ssl),
           SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)), n);
    FILE *maps = fopen("/proc/self/maps", "r");
    char line[4096], last[4096] = "";
    while (maps && fgets(line, sizeof line, maps)) {
        char *path = strchr(line, '/');
        if (!path || !strstr(path, "libssl")) continue;
        path[strcspn(path, "\n")] = 0;
        if (strcmp(path, last) != 0) printf("libssl: %s\n", path);
        snprintf(last, sizeof last, "%s", path);
    }
    if (maps) fclose(maps);
    SSL_shutdown(ssl);
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
    return 0;
}
