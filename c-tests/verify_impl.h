/* Shared body of the t_verify_* failure programs (included, not compiled
 * alone).  The server presents CERT/KEY; the client trusts ca.pem and
 * checks host name "localhost" with SSL_set1_host.
 *   1. SSL_VERIFY_PEER: the handshake fails; prints the client's
 *      SSL_get_error, first ERR (reason and string),
 *      SSL_get_verify_result + X509_verify_cert_error_string, and what the
 *      server got (the alert);
 *   2. SSL_VERIFY_NONE: the handshake succeeds and SSL_get_verify_result
 *      still reports the code.
 * Both at TLS 1.3 and TLS 1.2. */
#include "common.h"

static void verify_fail_run(const char *cert, const char *key)
{
    SSL_CTX *sctx = make_server_ctx(cert, key);
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };
    int modes[2] = { SSL_VERIFY_PEER, SSL_VERIFY_NONE };

    for (int v = 0; v < 2; v++) {
        for (int m = 0; m < 2; m++) {
            SSL_CTX *cctx = make_client_ctx(modes[m]);
            SSL *c, *s;
            int ok;

            printf("== %s, %s ==\n", version_name(vers[v]),
                   modes[m] == SSL_VERIFY_PEER ? "SSL_VERIFY_PEER" : "SSL_VERIFY_NONE");
            SSL_CTX_set_max_proto_version(cctx, vers[v]);
            make_pair(cctx, sctx, &c, &s, 0);
            SSL_set1_host(c, "localhost");
            ok = do_handshake(c, s, 0, NULL, NULL);
            printf("handshake ok=%d\n", ok);
            print_verify_result("client", c);
            print_peer_cert("client", c);
            if (ok) {
                print_session_info("client", c);
                exchange(c, "client", s, "server", "data despite verify error");
            }
            printf("client: is_init_finished=%d server: is_init_finished=%d\n",
                   SSL_is_init_finished(c), SSL_is_init_finished(s));
            free_pair(c, s);
            SSL_CTX_free(cctx);
        }
    }
    SSL_CTX_free(sctx);
}
