/* The verify and chain certificate stores and SSL_build_cert_chain, as lighttpd uses
 * them (ssl.ca-file, ssl.verifyclient.*): SSL_CTX_set1_verify_cert_store /
 * set0 / get0, SSL_set1_verify_cert_store, the chain store feeding the automatic
 * chain, SSL_CTX_build_cert_chain with each flag (and without a certificate), the
 * SSL_CONF commands VerifyCAFile / ChainCAFile, and a server verifying client
 * certificates against its verify store only. TLS 1.3 and 1.2 where a handshake runs. */
#include "common.h"

static X509_STORE *store_of(const char *file1, const char *file2)
{
    X509_STORE *st = X509_STORE_new();

    if (st == NULL || (file1 && X509_STORE_load_file(st, cpath(file1)) != 1)
        || (file2 && X509_STORE_load_file(st, cpath(file2)) != 1))
        die("store");
    return st;
}

static void handshake(const char *title, SSL_CTX *cctx, SSL_CTX *sctx, int version)
{
    SSL *c, *s;
    int ok;

    SSL_CTX_set_max_proto_version(cctx, version);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set1_host(c, "localhost");
    ok = do_handshake(c, s, 0, NULL, NULL);
    {
        STACK_OF(X509) *chain = ok ? SSL_get_peer_cert_chain(c) : NULL;

        printf("%s (%s): handshake ok=%d, client verify=%ld, server verify=%ld, chain length %d\n", title,
               version_name(version), ok, SSL_get_verify_result(c), SSL_get_verify_result(s),
               chain ? sk_X509_num(chain) : -1);
    }
    free_pair(c, s);
    ERR_clear_error();
}

static void chain_count(const char *what, SSL_CTX *ctx)
{
    STACK_OF(X509) *sk = NULL;

    SSL_CTX_get0_chain_certs(ctx, &sk);
    printf("  %s: chain certificates %d\n", what, sk ? sk_X509_num(sk) : 0);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };
    SSL_CTX *cctx, *sctx;
    X509_STORE *st, *got = (X509_STORE *)1;

    test_init(argc, argv);

    printf("== verify store on the client ==\n");
    cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    {
        int r = (int)SSL_CTX_get0_verify_cert_store(cctx, &got);

        printf("get0 before: %d, store %s\n", r, got ? "set" : "NULL");
    }
    st = store_of("ca.pem", NULL);
    printf("set1: %d\n", (int)SSL_CTX_set1_verify_cert_store(cctx, st));
    SSL_CTX_get0_verify_cert_store(cctx, &got);
    printf("get0 after: same store %d\n", got == st);
    X509_STORE_free(st);
    sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    for (int v = 0; v < 2; v++)
        handshake("verified against the verify store only", cctx, sctx, vers[v]);
    printf("set0(NULL): %d\n", (int)SSL_CTX_set0_verify_cert_store(cctx, NULL));
    handshake("store cleared", cctx, sctx, TLS1_3_VERSION);
    {
        SSL *c = SSL_new(cctx);
        X509_STORE *mine = store_of("ca.pem", NULL);

        printf("SSL_set0_verify_cert_store: %d\n", (int)SSL_set0_verify_cert_store(c, mine));
        SSL_get0_verify_cert_store(c, &got);
        printf("SSL_get0: same store %d\n", got == mine);
        SSL_free(c);
    }
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);

    printf("== chain store on the server ==\n");
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-int.pem", "server-int.key");
    st = store_of("int.pem", "ca.pem");
    printf("set1_chain_cert_store: %d\n", (int)SSL_CTX_set1_chain_cert_store(sctx, st));
    X509_STORE_free(st);
    for (int v = 0; v < 2; v++)
        handshake("automatic chain from the chain store", cctx, sctx, vers[v]);
    SSL_CTX_free(sctx);

    printf("== SSL_CTX_build_cert_chain ==\n");
    sctx = SSL_CTX_new(TLS_server_method());
    printf("without a certificate: %d\n", (int)SSL_CTX_build_cert_chain(sctx, 0));
    print_err("  ");
    if (SSL_CTX_use_certificate_file(sctx, cpath("server-int.pem"), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(sctx, cpath("server-int.key"), SSL_FILETYPE_PEM) != 1)
        die("server-int");
    printf("nothing to build from: %d\n", (int)SSL_CTX_build_cert_chain(sctx, 0));
    print_err("  ");
    printf("ignoring the error: %d\n",
           (int)SSL_CTX_build_cert_chain(sctx, SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR | SSL_BUILD_CHAIN_FLAG_CLEAR_ERROR));
    print_err("  ");
    chain_count("after", sctx);
    if (SSL_CTX_load_verify_locations(sctx, cpath("int.pem"), NULL) != 1
        || SSL_CTX_load_verify_locations(sctx, cpath("ca.pem"), NULL) != 1)
        die("load");
    printf("from the context store: %d\n", (int)SSL_CTX_build_cert_chain(sctx, 0));
    chain_count("after", sctx);
    printf("without the root: %d\n", (int)SSL_CTX_build_cert_chain(sctx, SSL_BUILD_CHAIN_FLAG_NO_ROOT));
    chain_count("after", sctx);
    for (int v = 0; v < 2; v++)
        handshake("built chain sent", cctx, sctx, vers[v]);
    printf("check the chain alone (no root in it): %d\n", (int)SSL_CTX_build_cert_chain(sctx, SSL_BUILD_CHAIN_FLAG_CHECK));
    print_err("  ");
    printf("check, ignoring the error: %d\n",
           (int)SSL_CTX_build_cert_chain(sctx, SSL_BUILD_CHAIN_FLAG_CHECK | SSL_BUILD_CHAIN_FLAG_IGNORE_ERROR));
    print_err("  ");
    chain_count("after", sctx);
    SSL_CTX_free(sctx);

    printf("== SSL_CONF VerifyCAFile / ChainCAFile ==\n");
    {
        SSL_CONF_CTX *cc = SSL_CONF_CTX_new();

        sctx = make_server_ctx("server-int.pem", "server-int.key");
        SSL_CONF_CTX_set_flags(cc, SSL_CONF_FLAG_FILE | SSL_CONF_FLAG_SERVER | SSL_CONF_FLAG_CERTIFICATE);
        SSL_CONF_CTX_set_ssl_ctx(cc, sctx);
        printf("ChainCAFile int.pem: %d\n", SSL_CONF_cmd(cc, "ChainCAFile", cpath("int.pem")));
        printf("ChainCAFile ca.pem: %d\n", SSL_CONF_cmd(cc, "ChainCAFile", cpath("ca.pem")));
        printf("VerifyCAFile ca.pem: %d\n", SSL_CONF_cmd(cc, "VerifyCAFile", cpath("ca.pem")));
        printf("VerifyCAFile missing: %d\n", SSL_CONF_cmd(cc, "VerifyCAFile", "/nonexistent/ca.pem"));
        ERR_clear_error();
        SSL_CONF_CTX_finish(cc);
        SSL_CONF_CTX_free(cc);
        SSL_CTX_get0_chain_cert_store(sctx, &got);
        printf("chain store set: %d\n", got != NULL);
        for (int v = 0; v < 2; v++)
            handshake("chain from ChainCAFile", cctx, sctx, vers[v]);

        printf("-- client certificates checked against the server's verify store --\n");
        SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
        if (SSL_CTX_use_certificate_file(cctx, cpath("client.pem"), SSL_FILETYPE_PEM) != 1
            || SSL_CTX_use_PrivateKey_file(cctx, cpath("client.key"), SSL_FILETYPE_PEM) != 1)
            die("client certificate");
        for (int v = 0; v < 2; v++)
            handshake("client certificate", cctx, sctx, vers[v]);
        SSL_CTX_free(sctx);
    }
    SSL_CTX_free(cctx);
    return test_end();
}
