/* Shared body of the t_keytype_* programs (included, not compiled alone):
 * server loads CERT/KEY with SSL_CTX_use_certificate_chain_file /
 * SSL_CTX_use_PrivateKey_file / SSL_CTX_check_private_key; client verifies
 * with the CA and SSL_set1_host; handshakes over a BIO pair at TLS 1.3 and
 * TLS 1.2, printing version, cipher and the peer signature algorithm. */
#include "common.h"
#include <openssl/objects.h>

static const char *nid_name(int nid)
{
    return nid == NID_undef ? "undef" : OBJ_nid2sn(nid);
}

static void keytype_run(const char *cert, const char *key)
{
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    printf("use_certificate_chain_file=%d\n",
           SSL_CTX_use_certificate_chain_file(sctx, cpath(cert)));
    printf("use_PrivateKey_file=%d\n",
           SSL_CTX_use_PrivateKey_file(sctx, cpath(key), SSL_FILETYPE_PEM));
    printf("check_private_key=%d\n", SSL_CTX_check_private_key(sctx));
    {
        X509 *x = SSL_CTX_get0_certificate(sctx);
        EVP_PKEY *pk = SSL_CTX_get0_privatekey(sctx);
        printf("ctx cert subject=%s\n", x ? name_str(X509_get_subject_name(x)) : "(none)");
        printf("ctx key type=%s bits=%d\n", pk ? nid_name(EVP_PKEY_get_base_id(pk)) : "(none)",
               pk ? EVP_PKEY_get_bits(pk) : 0);
    }
    for (int i = 0; i < 2; i++) {
        SSL *c, *s;
        int nid = -1;

        printf("== %s ==\n", version_name(vers[i]));
        SSL_CTX_set_max_proto_version(cctx, vers[i]);
        make_pair(cctx, sctx, &c, &s, 0);
        SSL_set1_host(c, "localhost");
        if (do_handshake(c, s, 0, NULL, NULL)) {
            X509 *peer = SSL_get1_peer_certificate(c);
            EVP_PKEY *pk = peer ? X509_get0_pubkey(peer) : NULL;
            print_session_info("client", c);
            print_session_info("server", s);
            print_verify_result("client", c);
            printf("client: peer key type=%s bits=%d\n",
                   pk ? nid_name(EVP_PKEY_get_base_id(pk)) : "(none)",
                   pk ? EVP_PKEY_get_bits(pk) : 0);
            X509_free(peer);
            nid = -1;
            printf("client: SSL_get_peer_signature_type_nid ret=%d ",
                   SSL_get_peer_signature_type_nid(c, &nid));
            printf("nid=%s\n", nid_name(nid));
            nid = -1;
            printf("client: SSL_get_peer_signature_nid ret=%ld ",
                   (long)SSL_get_peer_signature_nid(c, &nid));
            printf("nid=%s\n", nid_name(nid));
            nid = -1;
            printf("server: SSL_get_signature_type_nid ret=%d ",
                   SSL_get_signature_type_nid(s, &nid));
            printf("nid=%s\n", nid_name(nid));
            exchange(c, "client", s, "server", "hello");
        } else {
            printf("handshake failed\n");
        }
        ERR_clear_error();
        free_pair(c, s);
    }
    SSL_CTX_free(sctx);
    SSL_CTX_free(cctx);
}
