/* A server certificate loaded without its chain: OpenSSL completes the chain it sends
 * from the context's certificate store (SSL_CTX_load_verify_locations), as PostgreSQL
 * (ssl_ca_file), MariaDB (ssl-ca) and Ruby (ca_file) servers rely on; not with
 * SSL_MODE_NO_AUTO_CHAIN, nor when the certificate has a chain of its own or the
 * context has extra chain certificates. The client trusts the root only; printed: the
 * chain it received and its verification result, TLS 1.3 and 1.2. */
#include "common.h"

static void run(const char *title, int version, const char *store_file, long mode, int extra)
{
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_NONE);
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL *c, *s;

    printf("== %s (%s) ==\n", title, version_name(version));
    if (SSL_CTX_use_certificate_file(sctx, cpath("server-int.pem"), SSL_FILETYPE_PEM) != 1
        || SSL_CTX_use_PrivateKey_file(sctx, cpath("server-int.key"), SSL_FILETYPE_PEM) != 1)
        die("server certificate");
    if (store_file && SSL_CTX_load_verify_locations(sctx, cpath(store_file), NULL) != 1)
        die("store %s", store_file);
    if (mode)
        SSL_CTX_set_mode(sctx, mode);
    if (extra) {
        BIO *b = BIO_new_file(cpath("ca2.pem"), "r");
        X509 *x = PEM_read_bio_X509(b, NULL, NULL, NULL);

        BIO_free(b);
        if (x == NULL || SSL_CTX_add_extra_chain_cert(sctx, x) != 1)
            die("extra chain");
    }
    SSL_CTX_set_max_proto_version(cctx, version);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set1_host(c, "localhost");
    if (do_handshake(c, s, 0, NULL, NULL)) {
        STACK_OF(X509) *chain = SSL_get_peer_cert_chain(c);

        printf("client received %d certificates:", chain ? sk_X509_num(chain) : 0);
        for (int i = 0; chain && i < sk_X509_num(chain); i++)
            printf(" [%s]", name_str(X509_get_subject_name(sk_X509_value(chain, i))));
        printf("\n");
        print_verify_result("client", c);
    }
    print_err("server queue");
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    /* int+ca: the intermediate and the root in one file (c-tests/certs.sh has them
     * separately: the program concatenates them). */
    {
        FILE *out = fopen(cpath("int-and-ca.pem"), "w");
        const char *parts[2] = { "int.pem", "ca.pem" };

        if (out == NULL)
            die("int-and-ca.pem");
        for (int i = 0; i < 2; i++) {
            FILE *in = fopen(cpath(parts[i]), "r");
            char buf[4096];
            size_t n;

            if (in == NULL)
                die("%s", parts[i]);
            while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
                fwrite(buf, 1, n, out);
            fclose(in);
        }
        fclose(out);
    }
    for (int v = 0; v < 2; v++) {
        run("no store", vers[v], NULL, 0, 0);
        run("intermediate and root in the store", vers[v], "int-and-ca.pem", 0, 0);
        run("only the root in the store", vers[v], "ca.pem", 0, 0);
        run("SSL_MODE_NO_AUTO_CHAIN", vers[v], "int-and-ca.pem", SSL_MODE_NO_AUTO_CHAIN, 0);
        run("extra chain certificates set", vers[v], "int-and-ca.pem", 0, 1);
    }
    return test_end();
}
