/* The extended master secret (RFC 7627) as OpenSSL reports it: SSL_get_extms_support
 * on both ends before, during and after full and resumed handshakes at TLS 1.2 and 1.3,
 * and the session's flag through i2d/d2i (SSL_SESSION_print's "Extended master secret"
 * line). (Found by the soak: the sessions nginx's cache stored lost the flag.) */
#include "common.h"

static void print_ems_line(const char *who, SSL_SESSION *sess)
{
    BIO *b = BIO_new(BIO_s_mem());
    SSL_SESSION_print(b, sess);
    char *p;
    long n = BIO_get_mem_data(b, &p);
    const char *key = "Extended master secret: ";
    char *hit = memmem(p, (size_t)n, key, strlen(key));
    if (hit == NULL) {
        printf("%s: no extended master secret line\n", who);
    } else {
        char *end = memchr(hit, '\n', (size_t)(p + n - hit));
        printf("%s: %.*s\n", who, (int)(end ? end - hit : p + n - hit), hit);
    }
    BIO_free(b);
}

static SSL_SESSION *roundtrip(SSL_SESSION *sess)
{
    unsigned char *der = NULL;
    int len = i2d_SSL_SESSION(sess, &der);
    const unsigned char *q = der;
    SSL_SESSION *copy = d2i_SSL_SESSION(NULL, &q, len);
    OPENSSL_free(der);
    return copy;
}

static SSL_SESSION *run(SSL_CTX *cctx, SSL_CTX *sctx, int version, SSL_SESSION *offer)
{
    SSL *c, *s;
    make_pair(cctx, sctx, &c, &s, 0);
    if (offer != NULL)
        SSL_set_session(c, offer);
    printf("  before: client %ld, server %ld\n", (long)SSL_get_extms_support(c),
           (long)SSL_get_extms_support(s));
    if (!do_handshake(c, s, 0, NULL, NULL))
        die("handshake");
    printf("  %s %s: client %ld, server %ld\n", version_name(version),
           SSL_session_reused(c) ? "resumed" : "full", (long)SSL_get_extms_support(c),
           (long)SSL_get_extms_support(s));
    /* TLS 1.3 tickets arrive with the first read. */
    exchange(s, "server", c, "client", "ping");
    print_ems_line("  client session", SSL_get0_session(c));
    print_ems_line("  server session", SSL_get0_session(s));
    SSL_SESSION *sc = roundtrip(SSL_get0_session(c));
    SSL_SESSION *ss = roundtrip(SSL_get0_session(s));
    print_ems_line("  client session after i2d/d2i", sc);
    print_ems_line("  server session after i2d/d2i", ss);
    SSL_SESSION_free(ss);
    SSL_SESSION *keep = SSL_get1_session(c);
    SSL_SESSION_free(sc);
    SSL_shutdown(c);
    SSL_shutdown(s);
    free_pair(c, s);
    return keep;
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    int versions[] = {TLS1_2_VERSION, TLS1_3_VERSION};
    for (int i = 0; i < 2; i++) {
        SSL_CTX *cctx = make_client_ctx(SSL_VERIFY_PEER);
        SSL_CTX *sctx = make_server_ctx("server-rsa.pem", "server-rsa.key");
        SSL_CTX_set_max_proto_version(cctx, versions[i]);
        SSL_CTX_set_session_id_context(sctx, (const unsigned char *)"x", 1);
        printf("== %s ==\n", version_name(versions[i]));
        SSL_SESSION *sess = run(cctx, sctx, versions[i], NULL);
        SSL_SESSION *again = run(cctx, sctx, versions[i], sess);
        SSL_SESSION_free(sess);
        SSL_SESSION_free(again);
        SSL_CTX_free(cctx);
        SSL_CTX_free(sctx);
    }
    return test_end();
}
