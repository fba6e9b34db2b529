/* Server with a ed25519 key (certdir/server-ed25519.pem, signed by the test root):
 * loading, check_private_key, TLS 1.3 and TLS 1.2 handshakes over a BIO
 * pair; prints version, cipher, peer key type and signature algorithm
 * (e.g. RSA-PSS vs PKCS#1 with RSA at TLS 1.2). See keytype_impl.h. */
#include "keytype_impl.h"

int main(int argc, char **argv)
{
    test_init(argc, argv);
    keytype_run("server-ed25519.pem", "server-ed25519.key");
    return test_end();
}
