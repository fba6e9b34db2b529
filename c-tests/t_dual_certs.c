/* A server with both an RSA and an ECDSA certificate (Dovecot's ssl_cert +
 * ssl_alt_cert, Postfix's smtpd_tls_chain_files): which one a client gets.
 * Loaded in both orders; clients with OpenSSL's default signature algorithms,
 * with RSA schemes first, with only RSA or only ECDSA schemes; the server with
 * SSL_OP_CIPHER_SERVER_PREFERENCE and its own sigalgs list; TLS 1.3 and 1.2
 * (and a TLS 1.2 client offering only ECDHE-RSA suites). */
#include "common.h"

static const char *keyname(SSL *c)
{
    X509 *x = SSL_get0_peer_certificate(c);
    int id = x ? EVP_PKEY_get_base_id(X509_get0_pubkey(x)) : 0;

    return id == EVP_PKEY_RSA ? "RSA" : id == EVP_PKEY_EC ? "ECDSA" : id ? "other" : "(none)";
}

static SSL_CTX *server(int ecdsa_first)
{
    SSL_CTX *s = SSL_CTX_new(TLS_server_method());
    const char *order[2][2] = { { "server-rsa", "server-p256" }, { "server-p256", "server-rsa" } };

    for (int i = 0; i < 2; i++) {
        char cert[64], key[64];

        snprintf(cert, sizeof(cert), "%s.pem", order[ecdsa_first][i]);
        snprintf(key, sizeof(key), "%s.key", order[ecdsa_first][i]);
        if (SSL_CTX_use_certificate_chain_file(s, cpath(cert)) != 1
            || SSL_CTX_use_PrivateKey_file(s, cpath(key), SSL_FILETYPE_PEM) != 1)
            die("load %s", cert);
    }
    return s;
}

static void one(const char *title, SSL_CTX *sctx, int version, const char *sigalgs, const char *ciphers)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    int nid = 0;

    SSL_CTX_set_max_proto_version(cctx, version);
    if (sigalgs && SSL_CTX_set1_sigalgs_list(cctx, sigalgs) != 1)
        die("sigalgs %s", sigalgs);
    if (ciphers && SSL_CTX_set_cipher_list(cctx, ciphers) != 1)
        die("ciphers %s", ciphers);
    make_pair(cctx, sctx, &c, &s, 0);
    if (do_handshake(c, s, 0, NULL, NULL)) {
        SSL_get_peer_signature_type_nid(c, &nid);
        printf("%s (%s): %s certificate, %s, signature %s\n", title, version_name(version), keyname(c),
               SSL_get_cipher_name(c), nid ? OBJ_nid2sn(nid) : "-");
    } else {
        printf("%s (%s): handshake failed\n", title, version_name(version));
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int order = 0; order < 2; order++) {
        SSL_CTX *sctx = server(order);

        printf("== server loaded %s ==\n", order ? "ECDSA then RSA" : "RSA then ECDSA");
        for (int v = 0; v < 2; v++) {
            one("default client", sctx, vers[v], NULL, NULL);
            one("client prefers RSA-PSS", sctx, vers[v], "rsa_pss_rsae_sha256:ECDSA+SHA256:RSA+SHA256", NULL);
            one("client offers RSA only", sctx, vers[v], "rsa_pss_rsae_sha256:RSA+SHA256", NULL);
            one("client offers ECDSA only", sctx, vers[v], "ECDSA+SHA256:ECDSA+SHA384", NULL);
        }
        one("TLS 1.2 client with ECDHE-RSA suites only", sctx, TLS1_2_VERSION, NULL, "ECDHE-RSA-AES128-GCM-SHA256");
        SSL_CTX_set_options(sctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
        SSL_CTX_set1_sigalgs_list(sctx, "rsa_pss_rsae_sha256:ECDSA+SHA256");
        for (int v = 0; v < 2; v++)
            one("server preference, server prefers RSA-PSS", sctx, vers[v], NULL, NULL);
        SSL_CTX_free(sctx);
    }
    return test_end();
}
