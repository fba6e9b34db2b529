/*
 * openssl_hellos OUTDIR -- ClientHellos written by the system libssl, as seeds of the
 * server target (its framing: two configuration bytes, then [u16 big-endian length]
 * [flight]). They carry extensions rustls' client never sends (post-handshake auth,
 * encrypt-then-MAC, padding, SCT requests, renegotiation info, ...).
 *
 * Built and run by `tools/fuzz.sh record` with gcc against the system <openssl/ssl.h>.
 */
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <string.h>

struct hello {
    const char *name;
    long max_version;
    const char *ciphers;    /* NULL: default */
    const char *suites;     /* NULL: default */
    const char *groups;     /* NULL: default */
    const char *sni;        /* NULL: none */
    int alpn, status, pha, no_ticket, sct;
    unsigned char conf0;    /* the server target's first configuration byte */
};

static const struct hello HELLOS[] = {
    {"openssl-tls13-default", 0, NULL, NULL, NULL, "localhost", 1, 1, 1, 0, 1, 0},
    {"openssl-tls12-only", TLS1_2_VERSION, NULL, NULL, NULL, "localhost", 1, 1, 0, 0, 0, 0},
    {"openssl-tls13-sni-alt", 0, NULL, NULL, "P-384:X25519", "alt.example", 1, 0, 0, 0, 0, 0},
    {"openssl-tls13-reject", 0, NULL, NULL, NULL, "reject.example", 0, 0, 0, 0, 0, 0},
    {"openssl-tls13-hello-reject", 0, NULL, NULL, NULL, "hello-reject.example", 0, 0, 0, 0, 0, 0},
    {"openssl-tls12-noticket-legacy", TLS1_2_VERSION, "ALL:@SECLEVEL=0", NULL, NULL, NULL, 0, 0, 0, 1, 0, 0},
    {"openssl-tls13-chacha", 0, "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_CHACHA20_POLY1305_SHA256", "X25519", "localhost",
     1, 0, 0, 0, 0, 0},
    {"openssl-tls13-ffdhe-first", 0, NULL, NULL, "ffdhe2048:P-256", "localhost", 0, 0, 0, 0, 0, 0},
};

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: openssl_hellos OUTDIR\n");
        return 2;
    }
    static const unsigned char alpn[] = "\x02h2\x08http/1.1";
    for (size_t i = 0; i < sizeof(HELLOS) / sizeof(HELLOS[0]); i++) {
        const struct hello *h = &HELLOS[i];
        SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
        if (h->max_version)
            SSL_CTX_set_max_proto_version(ctx, h->max_version);
        if (h->ciphers)
            SSL_CTX_set_cipher_list(ctx, h->ciphers);
        if (h->suites)
            SSL_CTX_set_ciphersuites(ctx, h->suites);
        if (h->groups)
            SSL_CTX_set1_groups_list(ctx, h->groups);
        if (h->no_ticket)
            SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
        if (h->sct)
            SSL_CTX_enable_ct(ctx, SSL_CT_VALIDATION_PERMISSIVE);
        SSL *s = SSL_new(ctx);
        BIO *rb = BIO_new(BIO_s_mem()), *wb = BIO_new(BIO_s_mem());
        SSL_set_bio(s, rb, wb);
        if (h->sni)
            SSL_set_tlsext_host_name(s, h->sni);
        if (h->alpn)
            SSL_set_alpn_protos(s, alpn, sizeof(alpn) - 1);
        if (h->status)
            SSL_set_tlsext_status_type(s, TLSEXT_STATUSTYPE_ocsp);
        if (h->pha)
            SSL_set_post_handshake_auth(s, 1);
        SSL_connect(s);
        char *data;
        long n = BIO_get_mem_data(wb, &data);
        char path[4096];
        snprintf(path, sizeof(path), "%s/%s", argv[1], h->name);
        FILE *f = fopen(path, "wb");
        if (!f || n <= 0 || n > 65535) {
            fprintf(stderr, "openssl_hellos: %s: cannot write %ld bytes\n", path, n);
            return 1;
        }
        unsigned char head[4] = {h->conf0, 0, (unsigned char)(n >> 8), (unsigned char)n};
        fwrite(head, 1, 4, f);
        fwrite(data, 1, (size_t)n, f);
        fclose(f);
        SSL_free(s);
        SSL_CTX_free(ctx);
        ERR_clear_error();
    }
    return 0;
}
