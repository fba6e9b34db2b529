/* Verification failure: the certificate expired in 2021 (X509_V_ERR_CERT_HAS_EXPIRED).
 * With SSL_VERIFY_PEER the handshake fails (client error, ERR reason and
 * string, verify result, the server's view of the alert); with
 * SSL_VERIFY_NONE it succeeds and SSL_get_verify_result reports the code.
 * TLS 1.3 and TLS 1.2.  See verify_impl.h. */
#include "verify_impl.h"

int main(int argc, char **argv)
{
    test_init(argc, argv);
    verify_fail_run("expired.pem", "expired.key");
    return test_end();
}
