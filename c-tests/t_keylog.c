/* SSL_CTX_set_keylog_callback: the callback fires on both sides; prints
 * the number of lines and their labels (sorted, since the emission order
 * is not part of the API), the hex length of the secret, and whether the
 * client-random field matches SSL_get_client_random -- never the secrets.
 * TLS 1.3 and TLS 1.2. */
#include "common.h"

#define MAXL 16
struct klog {
    int n;
    char labels[MAXL][64];
    size_t secret_hex[MAXL];
    char random_hex[MAXL][65];
};
static struct klog g_c, g_s;

static void keylog_cb(const SSL *ssl, const char *line)
{
    struct klog *k = SSL_is_server((SSL *)ssl) ? &g_s : &g_c;
    const char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;

    if (k->n >= MAXL || sp1 == NULL || sp2 == NULL)
        return;
    snprintf(k->labels[k->n], sizeof(k->labels[0]), "%.*s", (int)(sp1 - line), line);
    snprintf(k->random_hex[k->n], sizeof(k->random_hex[0]), "%.*s", (int)(sp2 - sp1 - 1), sp1 + 1);
    k->secret_hex[k->n] = strlen(sp2 + 1);
    k->n++;
}

static int cmp_idx(const void *a, const void *b, void *arg)
{
    struct klog *k = arg;
    return strcmp(k->labels[*(const int *)a], k->labels[*(const int *)b]);
}

static void report(const char *who, struct klog *k, SSL *ssl)
{
    unsigned char cr[32];
    char hex[65];
    int idx[MAXL];

    SSL_get_client_random(ssl, cr, sizeof(cr));
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", cr[i]);
    for (int i = 0; i < k->n; i++)
        idx[i] = i;
    qsort_r(idx, (size_t)k->n, sizeof(int), cmp_idx, k);
    printf("%s: %d keylog lines\n", who, k->n);
    for (int j = 0; j < k->n; j++) {
        int i = idx[j];
        printf("%s:   %s secret_hex_len=%zu client_random_matches=%d\n", who, k->labels[i],
               k->secret_hex[i], strcmp(k->random_hex[i], hex) == 0);
    }
}

static void run(int maxv, const char *suite)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL *c, *s;

    printf("== %s %s ==\n", version_name(maxv), suite);
    memset(&g_c, 0, sizeof(g_c));
    memset(&g_s, 0, sizeof(g_s));
    SSL_CTX_set_keylog_callback(cctx, keylog_cb);
    SSL_CTX_set_keylog_callback(sctx, keylog_cb);
    printf("get_keylog_callback matches=%d\n", SSL_CTX_get_keylog_callback(cctx) == keylog_cb);
    SSL_CTX_set_max_proto_version(cctx, maxv);
    if (maxv == TLS1_3_VERSION)
        SSL_CTX_set_ciphersuites(cctx, suite);
    else
        SSL_CTX_set_cipher_list(cctx, suite);
    make_pair(cctx, sctx, &c, &s, 0);
    if (do_handshake(c, s, 0, NULL, NULL)) {
        print_session_info("client", c);
        report("client", &g_c, c);
        report("server", &g_s, s);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    run(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256");
    run(TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384");
    run(TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256");
    return test_end();
}
