/* Our server requires a client certificate (SSL_VERIFY_PEER |
 * SSL_VERIFY_FAIL_IF_NO_PEER_CERT, CA list from ca.pem); a real
 * `openssl s_client -cert client.pem -key client.key` connects (TLS 1.3
 * then TLS 1.2); the server prints the client's subject and verify result.
 * See s_client_impl.h. */
#include "s_client_impl.h"

int main(int argc, char **argv)
{
    test_init(argc, argv);
    {
        const char *extra[] = { "-cert", cpath("client.pem"), "-key", cpath("client.key"), NULL };
        printf("== TLS 1.3 ==\n");
        s_client_run("server-rsa.pem", "server-rsa.key", extra,
                     SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    }
    {
        const char *extra[] = { "-cert", cpath("client.pem"), "-key", cpath("client.key"),
                                "-tls1_2", NULL };
        printf("== TLS 1.2 ==\n");
        s_client_run("server-rsa.pem", "server-rsa.key", extra,
                     SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT);
    }
    return test_end();
}
