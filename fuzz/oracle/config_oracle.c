/*
 * config_oracle -- the system libssl's side of the config_diff fuzz target.
 *
 * Built by tools/fuzz.sh with gcc against the system <openssl/ssl.h>, linked with the
 * system -lssl (it must never load oxissl: config_diff starts it without LD_* variables).
 * Started once per fuzzing process; reads requests on stdin and answers on stdout:
 *
 *   request:  u32 little-endian length, then a program (fuzz/src/ops.rs `encode`):
 *             [n ops] then per op [code][flags][u16 len a][a][u8 has b][u16 len b][b]
 *   answer:   u32 little-endian length, then text lines:
 *             "R <result>" per op, "C <ctx ciphers>", "S <ssl ciphers>",
 *             "V <min> <max>", "O <options hex>", "G <group nids>"
 *
 * The operations mirror Program::apply in fuzz/src/ops.rs.
 */
#include <openssl/err.h>
#include <stdarg.h>
#include <openssl/ssl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CTX_CIPHER_LIST, CTX_CIPHERSUITES, CTX_GROUPS_LIST, CTX_SIGALGS_LIST, CTX_CLIENT_SIGALGS_LIST,
    CONF_CMD, CONF_ARGV, CTX_ALPN_PROTOS, SSL_ALPN_PROTOS, SELECT_NEXT_PROTO, SSL_CIPHER_LIST,
    SSL_CIPHERSUITES, CTX_MIN_PROTO, CTX_MAX_PROTO,
};

static const long VERSIONS[] = {0, 0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0305, 0xfeff, 0xfefd, 0x0100, -1};

static char *out;
static size_t out_len, out_cap;

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(out + out_len, out_cap - out_len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < out_cap - out_len) {
            out_len += (size_t)n;
            return;
        }
        out_cap = out_cap * 2 + 4096;
        out = realloc(out, out_cap);
        if (!out)
            abort();
    }
}

static int read_full(void *buf, size_t n)
{
    return fread(buf, 1, n, stdin) == n;
}

struct op {
    unsigned code, flags;
    char *a;
    size_t alen;
    char *b; /* NULL: no value */
    size_t blen;
};

static char *take(const unsigned char **p, const unsigned char *end, size_t n)
{
    if ((size_t)(end - *p) < n)
        return NULL;
    char *s = malloc(n + 1);
    memcpy(s, *p, n);
    s[n] = 0;
    *p += n;
    return s;
}

static SSL *get_ssl(SSL_CTX *ctx, SSL **s)
{
    if (*s == NULL)
        *s = SSL_new(ctx);
    return *s;
}

static void hex(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        emit("%02x", p[i]);
}

static void run(const struct op *ops, unsigned n)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = NULL;
    for (unsigned i = 0; i < n; i++) {
        const struct op *op = &ops[i];
        long r = 0;
        switch (op->code) {
        case CTX_CIPHER_LIST: r = SSL_CTX_set_cipher_list(ctx, op->a); break;
        case CTX_CIPHERSUITES: r = SSL_CTX_set_ciphersuites(ctx, op->a); break;
        case CTX_GROUPS_LIST: r = SSL_CTX_set1_groups_list(ctx, op->a); break;
        case CTX_SIGALGS_LIST: r = SSL_CTX_set1_sigalgs_list(ctx, op->a); break;
        case CTX_CLIENT_SIGALGS_LIST: r = SSL_CTX_set1_client_sigalgs_list(ctx, op->a); break;
        case CONF_CMD: {
            SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
            SSL_CONF_CTX_set_flags(cctx, op->flags & 0x3f);
            SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
            r = SSL_CONF_cmd(cctx, op->a, op->b);
            SSL_CONF_CTX_finish(cctx);
            SSL_CONF_CTX_free(cctx);
            break;
        }
        case CONF_ARGV: {
            SSL_CONF_CTX *cctx = SSL_CONF_CTX_new();
            SSL_CONF_CTX_set_flags(cctx, (op->flags & 0x3c) | 0x1);
            SSL_CONF_CTX_set_ssl_ctx(cctx, ctx);
            /* Split a on spaces (every piece kept, empty ones too). */
            char **args = calloc(op->alen + 2, sizeof(char *));
            int argc = 0;
            char *dup = strdup(op->a), *p = dup;
            for (;;) {
                args[argc++] = p;
                char *sp = strchr(p, ' ');
                if (!sp)
                    break;
                *sp = 0;
                p = sp + 1;
            }
            args[argc] = NULL;
            char **argv = args;
            emit("R argv ");
            for (int k = 0; k < 8 && argc > 0; k++) {
                int rr = SSL_CONF_cmd_argv(cctx, &argc, &argv);
                emit("%d,%d;", rr, argc);
                if (rr <= 0)
                    break;
            }
            emit("\n");
            free(dup);
            free(args);
            SSL_CONF_CTX_finish(cctx);
            SSL_CONF_CTX_free(cctx);
            ERR_clear_error();
            continue;
        }
        case CTX_ALPN_PROTOS:
            r = SSL_CTX_set_alpn_protos(ctx, (const unsigned char *)op->a, (unsigned)op->alen);
            break;
        case SSL_ALPN_PROTOS:
            r = SSL_set_alpn_protos(get_ssl(ctx, &s), (const unsigned char *)op->a, (unsigned)op->alen);
            break;
        case SELECT_NEXT_PROTO: {
            unsigned char *o = NULL, olen = 0;
            const unsigned char *client = op->b ? (const unsigned char *)op->b : (const unsigned char *)"";
            int rr = SSL_select_next_proto(&o, &olen, (const unsigned char *)op->a, (unsigned)op->alen, client,
                                           (unsigned)(op->b ? op->blen : 0));
            emit("R %d ", rr);
            if (o == NULL)
                emit("-");
            else
                hex(o, olen);
            emit("\n");
            ERR_clear_error();
            continue;
        }
        case SSL_CIPHER_LIST: r = SSL_set_cipher_list(get_ssl(ctx, &s), op->a); break;
        case SSL_CIPHERSUITES: r = SSL_set_ciphersuites(get_ssl(ctx, &s), op->a); break;
        case CTX_MIN_PROTO:
        case CTX_MAX_PROTO: {
            long v = VERSIONS[op->flags % (sizeof(VERSIONS) / sizeof(VERSIONS[0]))];
            r = op->code == CTX_MIN_PROTO ? SSL_CTX_set_min_proto_version(ctx, v)
                                          : SSL_CTX_set_max_proto_version(ctx, v);
            break;
        }
        default: r = -1000; break;
        }
        emit("R %ld\n", r);
        ERR_clear_error();
    }
    STACK_OF(SSL_CIPHER) *sk = SSL_CTX_get_ciphers(ctx);
    emit("C ");
    for (int i = 0; i < sk_SSL_CIPHER_num(sk); i++)
        emit("%s:", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    emit("\nS ");
    get_ssl(ctx, &s);
    for (int i = 0; i < 256; i++) {
        const char *name = SSL_get_cipher_list(s, i);
        if (!name)
            break;
        emit("%s:", name);
    }
    emit("\nV %ld %ld\n", (long)SSL_CTX_get_min_proto_version(ctx), (long)SSL_CTX_get_max_proto_version(ctx));
    emit("O %llx\n", (unsigned long long)SSL_CTX_get_options(ctx));
    int ng = SSL_get1_groups(s, NULL);
    emit("G ");
    if (ng > 0 && ng <= 64) {
        int groups[64];
        SSL_get1_groups(s, groups);
        for (int i = 0; i < ng; i++)
            emit("%d:", groups[i]);
    }
    emit("\n");
    SSL_free(s);
    SSL_CTX_free(ctx);
    ERR_clear_error();
}

int main(void)
{
    OPENSSL_init_ssl(0, NULL);
    for (;;) {
        uint32_t len;
        if (!read_full(&len, 4))
            return 0;
        unsigned char *req = malloc(len ? len : 1);
        if (!read_full(req, len))
            return 1;
        const unsigned char *p = req, *end = req + len;
        struct op ops[16];
        unsigned n = 0;
        if (p < end) {
            unsigned want = *p++;
            while (n < want && n < 16 && end - p >= 4) {
                struct op *op = &ops[n];
                op->code = *p++;
                op->flags = *p++;
                op->alen = (size_t)p[0] | ((size_t)p[1] << 8);
                p += 2;
                if (!(op->a = take(&p, end, op->alen)))
                    break;
                op->b = NULL;
                op->blen = 0;
                if (p < end && *p++) {
                    if (end - p < 2) {
                        free(op->a);
                        break;
                    }
                    op->blen = (size_t)p[0] | ((size_t)p[1] << 8);
                    p += 2;
                    if (!(op->b = take(&p, end, op->blen))) {
                        free(op->a);
                        break;
                    }
                }
                n++;
            }
        }
        out_len = 0;
        if (!out) {
            out_cap = 4096;
            out = malloc(out_cap);
        }
        run(ops, n);
        for (unsigned i = 0; i < n; i++) {
            free(ops[i].a);
            free(ops[i].b);
        }
        free(req);
        uint32_t olen = (uint32_t)out_len;
        if (fwrite(&olen, 4, 1, stdout) != 1 || fwrite(out, 1, out_len, stdout) != out_len)
            return 1;
        fflush(stdout);
    }
}
