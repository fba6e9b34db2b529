/* Client certificates, in process over a BIO pair.  Server: SSL_VERIFY_PEER
 * (| SSL_VERIFY_FAIL_IF_NO_PEER_CERT), SSL_CTX_load_verify_locations and
 * SSL_CTX_set_client_CA_list(SSL_load_client_CA_file(ca.pem)).
 * Cases (TLS 1.3 and TLS 1.2): client with certificate (server prints the
 * peer subject and verify result, client prints the CA names it received);
 * client without certificate and FAIL_IF_NO_PEER_CERT (server fails; the
 * TLS 1.3 client only learns it on SSL_read); client without certificate
 * and plain SSL_VERIFY_PEER (succeeds, no peer cert); client certificate
 * from an unknown CA (server rejects it). */
#include "common.h"

static void run(int maxv, int fail_if_none, const char *ccert, const char *ckey)
{
    SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    STACK_OF(X509_NAME) *names;
    SSL *c, *s;
    int ok, mode = SSL_VERIFY_PEER | (fail_if_none ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);

    printf("== %s, verify=%d, client cert=%s ==\n", version_name(maxv), mode,
           ccert ? ccert : "none");
    printf("server: load_verify_locations=%d\n",
           SSL_CTX_load_verify_locations(sctx, cpath("ca.pem"), NULL));
    names = SSL_load_client_CA_file(cpath("ca.pem"));
    printf("server: SSL_load_client_CA_file -> %d names\n", names ? sk_X509_NAME_num(names) : -1);
    SSL_CTX_set_client_CA_list(sctx, names);
    SSL_CTX_set_verify(sctx, mode, NULL);
    printf("server: ctx client CA list size=%d\n", sk_X509_NAME_num(SSL_CTX_get_client_CA_list(sctx)));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    if (ccert) {
        printf("client: use_certificate_file=%d\n",
               SSL_CTX_use_certificate_file(cctx, cpath(ccert), SSL_FILETYPE_PEM));
        printf("client: use_PrivateKey_file=%d\n",
               SSL_CTX_use_PrivateKey_file(cctx, cpath(ckey), SSL_FILETYPE_PEM));
        printf("client: check_private_key=%d\n", SSL_CTX_check_private_key(cctx));
    }
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set1_host(c, "localhost");
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d (client finished=%d, server finished=%d)\n", ok,
           SSL_is_init_finished(c), SSL_is_init_finished(s));
    names = SSL_get_client_CA_list(c);
    printf("client: received CA names=%d\n", names ? sk_X509_NAME_num(names) : -1);
    for (int i = 0; names && i < sk_X509_NAME_num(names); i++)
        printf("client:   %s\n", name_str(sk_X509_NAME_value(names, i)));
    if (SSL_is_init_finished(c)) {
        /* the client's view of the connection: data and the server's verdict */
        if (SSL_is_init_finished(s)) {
            exchange(c, "client", s, "server", "client data");
            exchange(s, "server", c, "client", "server data");
        } else {
            char buf[32];
            int r = SSL_read(c, buf, sizeof(buf));
            print_result("client", "SSL_read", c, r);
        }
    }
    print_peer_cert("server", s);
    print_verify_result("server", s);
    {
        STACK_OF(X509) *ch = SSL_get_peer_cert_chain(s);
        printf("server: peer chain length=%d\n", ch ? sk_X509_num(ch) : -1);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    for (int v = 0; v < 2; v++) {
        run(vers[v], 1, "client.pem", "client.key");
        run(vers[v], 1, NULL, NULL);
        run(vers[v], 0, NULL, NULL);
        run(vers[v], 1, "unknownca.pem", "unknownca.key");
    }
    return test_end();
}
