/* Server with a p384 key (certdir/server-p384.pem, signed by the test root):
 * loading, check_private_key, TLS 1.3 and TLS 1.2 handshakes over a BIO
 * pair; prints version, cipher, peer key type and signature algorithm
 * (e.g. RSA-PSS vs PKCS#1 with RSA at TLS 1.2). See keytype_impl.h. */
#include "keytype_impl.h"

int main(int argc, char **argv)
{
    test_init(argc, argv);
    keytype_run("server-p384.pem", "server-p384.key");
    return test_end();
}
