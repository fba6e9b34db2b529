/* Our server (RSA cert) against a real `openssl s_client` at TLS 1.3
 * (-tls1_3): handshake, SNI seen by the server, one line each way,
 * two-step shutdown, s_client's exit status and output.  See
 * s_client_impl.h. */
#include "s_client_impl.h"

int main(int argc, char **argv)
{
    const char *extra[] = { "-tls1_3", NULL };
    test_init(argc, argv);
    s_client_run("server-rsa.pem", "server-rsa.key", extra, 0);
    return test_end();
}
