/* The CA list (SSL_CTX_set0/get0/add1_to_CA_list and the SSL_ variants): kept
 * apart from the client CA list, and what a server requesting a client
 * certificate lists in its CertificateRequest when it has no client CA list
 * (the client sees the names with SSL_get0_peer_CA_list).  Also
 * SSL_load_client_CA_file_ex. */
#include "common.h"

#include <openssl/pem.h>

static void print_names(const char *what, const STACK_OF(X509_NAME) *sk)
{
    printf("  %s:", what);
    if (sk == NULL) {
        printf(" (null)\n");
        return;
    }
    printf(" %d", sk_X509_NAME_num(sk));
    for (int i = 0; i < sk_X509_NAME_num(sk); i++)
        printf(" [%s]", name_str(sk_X509_NAME_value(sk, i)));
    printf("\n");
}

static X509 *load(const char *file)
{
    BIO *b = BIO_new_file(cpath(file), "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
    BIO_free(b);
    if (x == NULL)
        die("%s", file);
    return x;
}

static void request(SSL_CTX *sctx, const char *what)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    SSL *c, *s;
    printf("== %s\n", what);
    if (SSL_CTX_use_certificate_file(cctx, cpath("client.pem"), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(cctx, cpath("client.key"), SSL_FILETYPE_PEM) != 1)
        die("client.pem");
    make_pair(cctx, sctx, &c, &s, 0);
    printf("  handshake ok=%d\n", do_handshake(c, s, 0, NULL, NULL));
    print_names("client: SSL_get0_peer_CA_list", SSL_get0_peer_CA_list(c));
    free_pair(c, s);
    SSL_CTX_free(cctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *sctx;
    SSL *ssl;
    X509 *ca = NULL, *ca2 = NULL;
    STACK_OF(X509_NAME) *loaded;

    test_init(argc, argv);
    ca = load("ca.pem");
    ca2 = load("ca2.pem");
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    SSL_CTX_set_verify(sctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(sctx, cpath("ca.pem"), NULL) != 1)
        die("ca.pem");
    print_names("fresh context: get0_CA_list", SSL_CTX_get0_CA_list(sctx));
    printf("  add1_to_CA_list(ca2)=%d add1_to_CA_list(ca)=%d\n", SSL_CTX_add1_to_CA_list(sctx, ca2),
           SSL_CTX_add1_to_CA_list(sctx, ca));
    print_names("get0_CA_list", SSL_CTX_get0_CA_list(sctx));
    print_names("get_client_CA_list", SSL_CTX_get_client_CA_list(sctx));
    request(sctx, "CA list only");
    SSL_CTX_add_client_CA(sctx, ca);
    request(sctx, "client CA list set too");

    ssl = SSL_new(sctx);
    print_names("SSL_get0_CA_list", SSL_get0_CA_list(ssl));
    SSL_set0_CA_list(ssl, NULL);
    print_names("SSL_get0_CA_list after set0(NULL)", SSL_get0_CA_list(ssl));
    printf("  SSL_add1_to_CA_list=%d\n", SSL_add1_to_CA_list(ssl, ca2));
    print_names("SSL_get0_CA_list", SSL_get0_CA_list(ssl));
    print_names("context's, unchanged", SSL_CTX_get0_CA_list(sctx));
    SSL_free(ssl);

    loaded = SSL_load_client_CA_file_ex(cpath("ca.pem"), NULL, NULL);
    print_names("SSL_load_client_CA_file_ex", loaded);
    SSL_CTX_set0_CA_list(sctx, loaded);
    print_names("after set0_CA_list", SSL_CTX_get0_CA_list(sctx));
    print_err("end");
    SSL_CTX_free(sctx);
    X509_free(ca);
    X509_free(ca2);
    return test_end();
}
