/* The host's OpenSSL configuration (openssl.cnf's ssl_conf module): the
 * system_default section applies to every SSL_CTX at SSL_CTX_new (before the
 * program's own settings, which still override it), and SSL_CTX_config /
 * SSL_config apply named sections.
 *
 * The main process runs with OPENSSL_CONF = a file whose system_default sets
 * MinProtocol, CipherString, Ciphersuites, Groups and Options, plus
 * application sections: the settings of fresh client and server contexts
 * and the error queue after SSL_CTX_new; a handshake between them (version,
 * cipher, group); a program override (set_ciphersuites after SSL_CTX_new);
 * a TLS 1.2 suite the policy excludes (no handshake); SSL_CTX_config with
 * a section carrying a certificate and key, a stricter MinProtocol that
 * refuses a TLS 1.2 peer, a section with failing commands, a missing
 * section, and SSL_config on one connection.
 *
 * Then one child process per further configuration file (libcrypto reads
 * the file once per process): MinProtocol = TLSv1.3 system-wide against a
 * TLS 1.2 server, and the program lowering it again; no ssl_conf at all;
 * the program opting out with OPENSSL_INIT_NO_LOAD_CONFIG; a file that
 * does not exist; a file that does not parse; a RHEL crypto-policies style
 * section (TLS./DTLS. prefixed protocols, X448, ffdhe, CCM, ed448 among
 * the names). */
#include "common.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_dir[64];

static const char *write_conf(const char *name, const char *body)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", g_dir, name);
    f = fopen(path, "w");
    if (f == NULL)
        die("fopen %s", path);
    fputs(body, f);
    fclose(f);
    return path;
}

/* The suites rustls implements: the lists are printed restricted to them (OpenSSL
 * also lists CBC, CCM, DHE, PSK and SRP suites, which oxissl cannot offer). */
static int rustls_suite(const char *name)
{
    static const char *const names[] = {
        "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
        "ECDHE-RSA-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
    };

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

static void print_ctx(const char *who, SSL_CTX *ctx)
{
    SSL *ssl = SSL_new(ctx);
    STACK_OF(SSL_CIPHER) *sk = SSL_get_ciphers(ssl);

    printf("%s: min=%#lx max=%#lx options=%#llx\n", who, SSL_CTX_get_min_proto_version(ctx),
           SSL_CTX_get_max_proto_version(ctx), (unsigned long long)SSL_CTX_get_options(ctx));
    printf("%s: ciphers", who);
    for (int i = 0; sk && i < sk_SSL_CIPHER_num(sk); i++)
        if (rustls_suite(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i))))
            printf(" %s", SSL_CIPHER_get_name(sk_SSL_CIPHER_value(sk, i)));
    printf("\n");
    SSL_free(ssl);
}

static SSL_CTX *client_ctx(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

    if (ctx == NULL) {
        printf("client: SSL_CTX_new failed\n");
        print_err("client");
        return NULL;
    }
    if (SSL_CTX_load_verify_locations(ctx, cpath("ca.pem"), NULL) != 1)
        die("load_verify_locations");
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return ctx;
}

static SSL_CTX *server_ctx(const char *cert, const char *key)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

    if (ctx == NULL) {
        printf("server: SSL_CTX_new failed\n");
        print_err("server");
        return NULL;
    }
    if (cert != NULL && (SSL_CTX_use_certificate_chain_file(ctx, cpath(cert)) != 1
                         || SSL_CTX_use_PrivateKey_file(ctx, cpath(key), SSL_FILETYPE_PEM) != 1))
        die("server certificate");
    return ctx;
}

static void handshake(const char *title, SSL_CTX *cctx, SSL_CTX *sctx)
{
    SSL *c, *s;
    int ok;

    printf("-- %s\n", title);
    make_pair(cctx, sctx, &c, &s, 0);
    SSL_set1_host(c, "localhost");
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d\n", ok);
    if (ok) {
        int nid = SSL_get_negotiated_group(c);

        print_session_info("client", c);
        printf("client: group=%s\n", nid > 0 ? OBJ_nid2sn(nid) : "(none)");
    }
    free_pair(c, s);
    ERR_clear_error();
}

static void main_scenarios(void)
{
    SSL_CTX *cctx, *sctx, *octx;
    SSL *ssl;
    int r;

    printf("== system_default with application sections ==\n");
    cctx = client_ctx();
    print_err("after client SSL_CTX_new");
    sctx = server_ctx("server-p256.pem", "server-p256.key");
    print_ctx("client", cctx);
    print_ctx("server", sctx);
    handshake("policy on both sides", cctx, sctx);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    handshake("policy on both sides, client at most TLS 1.2", cctx, sctx);
    SSL_CTX_set_max_proto_version(cctx, 0);

    /* The program's own setting after SSL_CTX_new overrides the policy. */
    octx = client_ctx();
    SSL_CTX_set_ciphersuites(octx, "TLS_AES_128_GCM_SHA256");
    SSL_CTX_set_ciphersuites(sctx, "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384");
    handshake("client overrides Ciphersuites", octx, sctx);
    SSL_CTX_free(octx);

    /* A TLS 1.2 suite the policy excludes stays out. */
    {
        SSL_CTX *s2 = server_ctx("server-p256.pem", "server-p256.key");

        SSL_CTX_set_max_proto_version(s2, TLS1_2_VERSION);
        SSL_CTX_set_cipher_list(s2, "ECDHE-ECDSA-AES128-GCM-SHA256");
        handshake("server offers only a suite the client policy excludes", cctx, s2);
        SSL_CTX_free(s2);
    }

    /* A section with a certificate and key. */
    {
        SSL_CTX *s3 = server_ctx(NULL, NULL);

        r = SSL_CTX_config(s3, "app_cert");
        printf("SSL_CTX_config(app_cert) -> %d\n", r);
        print_err("  ");
        print_ctx("app_cert server", s3);
        handshake("server configured by SSL_CTX_config", cctx, s3);
        SSL_CTX_free(s3);
    }

    /* A stricter MinProtocol refuses a TLS 1.2 peer. */
    {
        SSL_CTX *c4 = client_ctx();
        SSL_CTX *s4 = server_ctx("server-p256.pem", "server-p256.key");

        r = SSL_CTX_config(c4, "tls13_only");
        printf("SSL_CTX_config(tls13_only) -> %d min=%#lx\n", r, SSL_CTX_get_min_proto_version(c4));
        SSL_CTX_set_max_proto_version(s4, TLS1_2_VERSION);
        handshake("TLS 1.3-only client against a TLS 1.2 server", c4, s4);
        SSL_CTX_set_max_proto_version(s4, 0);
        handshake("TLS 1.3-only client against a TLS 1.3 server", c4, s4);
        SSL_CTX_free(c4);
        SSL_CTX_free(s4);
    }

    /* Failing commands: the rest still applies; the call fails. */
    octx = client_ctx();
    r = SSL_CTX_config(octx, "bad");
    printf("SSL_CTX_config(bad) -> %d max=%#lx\n", r, SSL_CTX_get_max_proto_version(octx));
    print_err("  ");
    ERR_clear_error();
    r = SSL_CTX_config(octx, "missing");
    printf("SSL_CTX_config(missing) -> %d\n", r);
    print_err("  ");
    ssl = SSL_new(octx);
    r = SSL_config(ssl, "tls13_only");
    printf("SSL_config(tls13_only) -> %d ssl min=%#lx ctx min=%#lx\n", r, SSL_get_min_proto_version(ssl),
           SSL_CTX_get_min_proto_version(octx));
    SSL_free(ssl);
    SSL_CTX_free(octx);

    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* ---- one configuration per child process ------------------------------ */

static void tls13_policy(void)
{
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx("server-p256.pem", "server-p256.key");

    print_ctx("client", cctx);
    /* The server is a program that sets its own versions: TLS 1.2 only. */
    SSL_CTX_set_min_proto_version(sctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
    handshake("policy TLS 1.3 minimum, TLS 1.2 server", cctx, sctx);
    SSL_CTX_set_min_proto_version(cctx, TLS1_2_VERSION);
    handshake("the program lowers its minimum to TLS 1.2", cctx, sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void defaults(void)
{
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx("server-p256.pem", "server-p256.key");

    print_err("after SSL_CTX_new");
    print_ctx("client", cctx);
    handshake("defaults", cctx, sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

/* What the system section's failures leave on the error queue, and what still
 * applies after them. */
static void errors_left(void)
{
    SSL_CTX *cctx = client_ctx();

    for (int i = 0; i < 4; i++) {
        unsigned long e = ERR_get_error();

        if (e == 0)
            break;
        printf("after SSL_CTX_new: ERR lib=%d reason=%d\n", ERR_GET_LIB(e), ERR_GET_REASON(e));
    }
    printf("after SSL_CTX_new: min=%#lx\n", SSL_CTX_get_min_proto_version(cctx));
    SSL_CTX_free(cctx);
}

static void opted_out(void)
{
    printf("OPENSSL_init_ssl(NO_LOAD_CONFIG) -> %d\n", OPENSSL_init_ssl(OPENSSL_INIT_NO_LOAD_CONFIG, NULL));
    defaults();
}

static void rhel_like(void)
{
    SSL_CTX *cctx = client_ctx(), *sctx = server_ctx("server-p256.pem", "server-p256.key");

    print_ctx("client", cctx);
    handshake("RHEL-style policy", cctx, sctx);
    SSL_CTX_set_max_proto_version(cctx, TLS1_2_VERSION);
    handshake("RHEL-style policy, TLS 1.2", cctx, sctx);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
}

static void child(const char *title, const char *file, const char *body, void (*fn)(void))
{
    pid_t pid;
    int st;

    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        const char *path = body ? write_conf(file, body) : file;

        setenv("OPENSSL_CONF", path, 1);
        printf("== %s ==\n", title);
        fn();
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
    char main_conf[4096];

    strcpy(g_dir, "/tmp/oxissl-conf-XXXXXX");
    if (mkdtemp(g_dir) == NULL)
        die("mkdtemp");
    /* libcrypto reads OPENSSL_CONF at the first SSL_CTX_new, after test_init. */
    test_init(argc, argv);
    snprintf(main_conf, sizeof(main_conf),
             "openssl_conf = init\n"
             "[init]\n"
             "ssl_conf = ssl_sect\n"
             "[ssl_sect]\n"
             "system_default = sys\n"
             "app_cert = app_cert_sect\n"
             "tls13_only = tls13_sect\n"
             "bad = bad_sect\n"
             "[sys]\n"
             "MinProtocol = TLSv1.2\n"
             "CipherString = ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305\n"
             "Ciphersuites = TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384\n"
             "Groups = P-384:P-256\n"
             "Options = ServerPreference,-SessionTicket\n"
             "[app_cert_sect]\n"
             "Certificate = %s\n"
             "PrivateKey = %s\n"
             "MaxProtocol = TLSv1.2\n"
             "[tls13_sect]\n"
             "MinProtocol = TLSv1.3\n"
             "[bad_sect]\n"
             "CipherString = NOPE\n"
             "Frobnicate = yes\n"
             "MaxProtocol = TLSv1.2\n",
             cpath("server-p256.pem"), cpath("server-p256.key"));
    setenv("OPENSSL_CONF", write_conf("main.cnf", main_conf), 1);

    child("MinProtocol TLSv1.3 for the whole system", "tls13.cnf",
          "openssl_conf = init\n[init]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nMinProtocol = TLSv1.3\n",
          tls13_policy);
    child("failing commands in the system section", "errors.cnf",
          "openssl_conf = init\n[init]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nCipherString = NOPE\n"
          "RecordPadding = 16\nMinProtocol = TLSv1.3\nFrobnicate = 1\n",
          errors_left);
    child("no ssl_conf section", "plain.cnf", "openssl_conf = init\n[init]\n", defaults);
    child("program opts out of the configuration", "optout.cnf",
          "openssl_conf = init\n[init]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\nMinProtocol = TLSv1.3\n",
          opted_out);
    child("OPENSSL_CONF names a missing file", "/nonexistent/oxissl.cnf", NULL, defaults);
    child("a file that does not parse", "broken.cnf", "openssl_conf = init\n[init\nssl_conf = s\n", defaults);
    child("RHEL crypto-policies style", "rhel.cnf",
          "openssl_conf = init\n[init]\nssl_conf = s\n[s]\nsystem_default = d\n[d]\n"
          "Options = UnsafeLegacyServerConnect\n"
          "CipherString = @SECLEVEL=2:kEECDH:kRSA:kEDH:kPSK:kDHEPSK:kECDHEPSK:kRSAPSK:-aDSS:-3DES:!DES:!RC4:!RC2:!IDEA:"
          "-SEED:!eNULL:!aNULL:!MD5:-SHA384:-CAMELLIA:-ARIA:-AESCCM8\n"
          "Ciphersuites = TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_128_CCM_SHA256\n"
          "TLS.MinProtocol = TLSv1.2\nTLS.MaxProtocol = TLSv1.3\nDTLS.MinProtocol = DTLSv1.2\nDTLS.MaxProtocol = DTLSv1.2\n"
          "SignatureAlgorithms = ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512:ed25519:ed448:rsa_pss_pss_sha256:"
          "rsa_pss_pss_sha384:rsa_pss_pss_sha512:rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
          "RSA+SHA256:RSA+SHA384:RSA+SHA512:ECDSA+SHA224:RSA+SHA224\n"
          "Groups = X25519:secp256r1:X448:secp521r1:secp384r1:ffdhe2048:ffdhe3072:ffdhe4096:ffdhe6144:ffdhe8192\n",
          rhel_like);

    main_scenarios();

    {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", g_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", g_dir);
    }
    return test_end();
}
