/* A host policy (openssl.cnf system_default) that names only what rustls
 * cannot do must not be widened: the policy's TLS 1.2 cipher string selects
 * only static-RSA key exchange, or its group list only X448 and
 * brainpoolP256r1. OpenSSL 3.0 honours both and handshakes; oxissl cannot offer them
 * and must then fail the handshake (known difference), never fall back to its
 * defaults. Each policy runs in its own process (libcrypto reads the file
 * once). */
#include "common.h"

#include <sys/wait.h>
#include <unistd.h>

static char g_dir[64];

static void handshake(const char *title, const char *cert, const char *key)
{
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
    SSL *c, *s;
    int ok;

    if (cctx == NULL || sctx == NULL)
        die("SSL_CTX_new");
    print_err("after SSL_CTX_new");
    if (SSL_CTX_use_certificate_chain_file(sctx, cpath(cert)) != 1
        || SSL_CTX_use_PrivateKey_file(sctx, cpath(key), SSL_FILETYPE_PEM) != 1)
        die("server certificate");
    SSL_CTX_load_verify_locations(cctx, cpath("ca.pem"), NULL);
    SSL_CTX_set_verify(cctx, SSL_VERIFY_PEER, NULL);
    printf("-- %s\n", title);
    make_pair(cctx, sctx, &c, &s, 0);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    if (ok) {
        int nid = SSL_get_negotiated_group(c);

        print_session_info("client", c);
        printf("client: group=%s\n", nid > 0 ? OBJ_nid2sn(nid) : "(none)");
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void child(const char *title, const char *section, const char *cert, const char *key)
{
    pid_t pid;
    int st;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        char path[128];
        FILE *f;

        snprintf(path, sizeof(path), "%s/policy.cnf", g_dir);
        f = fopen(path, "w");
        if (f == NULL)
            die("fopen");
        fprintf(f, "openssl_conf = init\n[init]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\n%s", section);
        fclose(f);
        setenv("OPENSSL_CONF", path, 1);
        printf("== %s ==\n", title);
        handshake(title, cert, key);
        fflush(stdout);
        _exit(0);
    }
    if (waitpid(pid, &st, 0) != pid)
        die("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        printf("[child status %d]\n", st);
}

int main(int argc, char **argv)
{
    strcpy(g_dir, "/tmp/oxissl-conf-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        die("mkdtemp");
    test_init(argc, argv);
    child("TLS 1.2 with static RSA key exchange only", "MaxProtocol = TLSv1.2\nCipherString = AES256-GCM-SHA384\n",
          "server-rsa.pem", "server-rsa.key");
    child("TLS 1.3 suites rustls lacks only", "Ciphersuites = TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256\n"
          "MinProtocol = TLSv1.3\n", "server-p256.pem", "server-p256.key");
    child("groups rustls lacks only", "Groups = X448:brainpoolP256r1\n", "server-p256.pem", "server-p256.key");
    child("signature algorithms rustls lacks only", "SignatureAlgorithms = ed448:ECDSA+SHA224\n",
          "server-p256.pem", "server-p256.key");
    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", g_dir);
    }
    return test_end();
}
