/* SSL_CIPHER accessors for negotiated ciphers (TLS 1.3 suites and TLS 1.2
 * ECDHE-RSA / ECDHE-ECDSA AES-GCM / CHACHA20 suites that rustls supports):
 * get_name, standard_name, get_bits (+ alg_bits), get_version, get_id,
 * get_protocol_id, get_kx_nid, get_auth_nid, get_cipher_nid,
 * get_digest_nid, get_handshake_digest name, is_aead, description;
 * SSL_get_cipher_* macros; SSL_get_negotiated_group; and
 * SSL_CIPHER_find by protocol id. */
#include "common.h"

static const char *sn(int nid)
{
    return nid == NID_undef ? "undef" : OBJ_nid2sn(nid);
}

static void info(SSL *ssl)
{
    const SSL_CIPHER *c = SSL_get_current_cipher(ssl);
    char desc[256];
    int alg = -1, bits;
    const EVP_MD *md;

    bits = SSL_CIPHER_get_bits(c, &alg);
    printf("  name=%s std=%s\n", SSL_CIPHER_get_name(c), SSL_CIPHER_standard_name(c));
    printf("  bits=%d alg_bits=%d version=%s id=0x%08lx protocol_id=0x%04x\n", bits, alg,
           SSL_CIPHER_get_version(c), (unsigned long)SSL_CIPHER_get_id(c),
           SSL_CIPHER_get_protocol_id(c));
    printf("  kx=%s auth=%s cipher=%s digest=%s aead=%d\n", sn(SSL_CIPHER_get_kx_nid(c)),
           sn(SSL_CIPHER_get_auth_nid(c)), sn(SSL_CIPHER_get_cipher_nid(c)),
           sn(SSL_CIPHER_get_digest_nid(c)), SSL_CIPHER_is_aead(c));
    md = SSL_CIPHER_get_handshake_digest(c);
    printf("  handshake digest=%s\n", md ? EVP_MD_get0_name(md) : "NULL");
    printf("  description=");
    SSL_CIPHER_description(c, desc, sizeof(desc));
    print_escaped(desc, strlen(desc));
    printf("\n");
    printf("  SSL_get_cipher=%s SSL_get_cipher_bits=%d SSL_get_cipher_version=%s\n",
           SSL_get_cipher(ssl), SSL_get_cipher_bits(ssl, NULL), SSL_get_cipher_version(ssl));
    printf("  negotiated group=%s\n", sn((int)SSL_get_negotiated_group(ssl)));
}

static void run(const char *cert, const char *key, int maxv, const char *list,
                const char *suites)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL_CTX *sctx = make_server_ctx(cert, key);
    SSL *c, *s;

    printf("== %s %s %s ==\n", version_name(maxv), list ? list : "", suites ? suites : "");
    SSL_CTX_set_max_proto_version(cctx, maxv);
    if (list && SSL_CTX_set_cipher_list(cctx, list) != 1)
        die("set_cipher_list %s", list);
    if (suites && SSL_CTX_set_ciphersuites(cctx, suites) != 1)
        die("set_ciphersuites %s", suites);
    make_pair(cctx, sctx, &c, &s, 0);
    if (do_handshake(c, s, 0, NULL, NULL)) {
        printf("client:\n");
        info(c);
        printf("server: same cipher object=%d\n",
               SSL_get_current_cipher(c) == SSL_get_current_cipher(s));
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    static const unsigned char ids[][2] = { { 0x13, 0x01 }, { 0x13, 0x02 }, { 0x13, 0x03 },
                                            { 0xc0, 0x2b }, { 0xcc, 0xa8 }, { 0x00, 0x00 } };
    SSL_CTX *ctx;
    SSL *ssl;

    test_init(argc, argv);
    run("server-rsa.pem", "server-rsa.key", TLS1_3_VERSION, NULL, "TLS_AES_128_GCM_SHA256");
    run("server-rsa.pem", "server-rsa.key", TLS1_3_VERSION, NULL, "TLS_AES_256_GCM_SHA384");
    run("server-rsa.pem", "server-rsa.key", TLS1_3_VERSION, NULL, "TLS_CHACHA20_POLY1305_SHA256");
    run("server-rsa.pem", "server-rsa.key", TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256", NULL);
    run("server-rsa.pem", "server-rsa.key", TLS1_2_VERSION, "ECDHE-RSA-AES256-GCM-SHA384", NULL);
    run("server-rsa.pem", "server-rsa.key", TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305", NULL);
    run("server-p256.pem", "server-p256.key", TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", NULL);
    run("server-p256.pem", "server-p256.key", TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", NULL);
    run("server-p256.pem", "server-p256.key", TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305", NULL);

    printf("== SSL_CIPHER_find ==\n");
    ctx = SSL_CTX_new(TLS_method());
    ssl = SSL_new(ctx);
    for (int i = 0; i < 6; i++) {
        const SSL_CIPHER *c = SSL_CIPHER_find(ssl, ids[i]);
        printf("  %02x%02x -> %s\n", ids[i][0], ids[i][1], c ? SSL_CIPHER_get_name(c) : "NULL");
    }
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    return test_end();
}
