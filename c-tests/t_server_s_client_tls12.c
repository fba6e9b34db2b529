/* Our server (P-256 cert) against a real `openssl s_client` at TLS 1.2
 * (-tls1_2): handshake, SNI seen by the server, one line each way,
 * two-step shutdown, s_client's exit status and output.  See
 * s_client_impl.h. */
#include "s_client_impl.h"

int main(int argc, char **argv)
{
    const char *extra[] = { "-tls1_2", NULL };
    test_init(argc, argv);
    s_client_run("server-p256.pem", "server-p256.key", extra, 0);
    return test_end();
}
