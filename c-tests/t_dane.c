/* DANE (SSL_CTX_dane_enable, SSL_dane_enable, SSL_dane_tlsa_add,
 * SSL_get0_dane_authority/_tlsa, flags, matching types), as Postfix's SMTP
 * client uses it for its dane, fingerprint and secure levels.
 *
 * 1. The API on its own: enabling (context not enabled, twice, an empty base
 *    domain), the base domain becoming the SNI name, every reason
 *    SSL_dane_tlsa_add refuses a record, SSL_CTX_dane_mtype_set (Full(0)
 *    cannot be overridden, a disabled type, a private type 255), flags
 *    copied from the context at SSL_new.
 * 2. Handshakes (TLS 1.3 and 1.2) against a server sending leaf +
 *    intermediate (root not sent), with a verify callback printing each
 *    call: DANE-EE(3) SPKI/cert digests with and without a trust store,
 *    a non-matching record (X509_V_ERR_DANE_NO_MATCH), the base domain name
 *    check and DANE_FLAG_NO_DANE_EE_NAMECHECKS, DANE-TA(2) by digest of the
 *    intermediate, of the unsent root (no match), by the root's full
 *    certificate and by its bare public key, PKIX-TA(0)/PKIX-EE(1) with and
 *    without the store, digest agility (a SHA-512 record outranks a
 *    SHA-256 one), SSL_VERIFY_NONE with a mismatch, and a resumed session
 *    (no verification, no DANE authority). After each: the verify result,
 *    SSL_get0_dane_authority (depth, matched certificate, bare key) and
 *    SSL_get0_dane_tlsa. */
#include "common.h"

#include <openssl/evp.h>

/* One server for every handshake, so that sessions resume. */
static SSL_CTX *g_sctx;

static int verify_cb(int ok, X509_STORE_CTX *st)
{
    int depth = X509_STORE_CTX_get_error_depth(st);
    int err = X509_STORE_CTX_get_error(st);
    X509 *cur = X509_STORE_CTX_get_current_cert(st);

    printf("  verify_cb: depth=%d ok=%d err=%d subject=%s\n", depth, ok, err,
           cur ? name_str(X509_get_subject_name(cur)) : "(none)");
    return ok;
}

static X509 *load_cert(const char *name)
{
    BIO *b = BIO_new_file(cpath(name), "r");
    X509 *x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;

    BIO_free(b);
    if (x == NULL)
        die("load %s", name);
    return x;
}

/* The TLSA association data for cert: selector 0 (certificate) or 1 (SPKI),
 * matching type 0 (full), 1 (SHA-256), 2 (SHA-512) or 255 (SHA-1, private). */
static size_t tlsa_data(X509 *x, int selector, int mtype, unsigned char *out)
{
    unsigned char *der = NULL;
    int len = selector == 0 ? i2d_X509(x, &der) : i2d_PUBKEY(X509_get0_pubkey(x), &der);
    unsigned int dlen = 0;
    const EVP_MD *md = mtype == 1 ? EVP_sha256() : mtype == 2 ? EVP_sha512() : mtype == 255 ? EVP_sha1() : NULL;

    if (len <= 0)
        die("i2d");
    if (md == NULL) {
        memcpy(out, der, len);
        dlen = len;
    } else if (!EVP_Digest(der, len, out, &dlen, md, NULL)) {
        die("EVP_Digest");
    }
    OPENSSL_free(der);
    return dlen;
}

static void print_add(const char *what, int ret)
{
    printf("tlsa_add %s -> %d\n", what, ret);
    print_err("  ");
}

static void api(void)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = SSL_new(ctx);
    X509 *leaf = load_cert("server-int.pem");
    unsigned char buf[4096];
    size_t n;
    int r;

    printf("== API ==\n");
    r = SSL_dane_enable(ssl, "localhost");
    printf("dane_enable before ctx enable -> %d\n", r);
    print_err("  ");
    r = SSL_dane_tlsa_add(ssl, 3, 1, 1, buf, 32);
    printf("tlsa_add before enable -> %d\n", r);
    print_err("  ");
    printf("get0_dane_authority before enable -> %d\n", SSL_get0_dane_authority(ssl, NULL, NULL));
    printf("ctx dane_enable -> %d, again -> %d\n", SSL_CTX_dane_enable(ctx), SSL_CTX_dane_enable(ctx));
    SSL_free(ssl);

    printf("ctx set_flags(1) -> %lu\n", SSL_CTX_dane_set_flags(ctx, DANE_FLAG_NO_DANE_EE_NAMECHECKS));
    ssl = SSL_new(ctx);
    printf("ssl inherits flags: set_flags(0) -> %lu\n", SSL_dane_set_flags(ssl, 0));
    printf("ssl clear_flags(1) -> %lu, now %lu\n", SSL_dane_clear_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS),
           SSL_dane_set_flags(ssl, 0));
    printf("ctx clear_flags(1) -> %lu, now %lu\n", SSL_CTX_dane_clear_flags(ctx, DANE_FLAG_NO_DANE_EE_NAMECHECKS),
           SSL_CTX_dane_set_flags(ctx, 0));

    r = SSL_dane_enable(ssl, "");
    printf("dane_enable(\"\") -> %d\n", r);
    print_err("  ");
    r = SSL_dane_enable(ssl, "dane.example");
    printf("dane_enable(dane.example) -> %d servername=%s\n", r,
           SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) ? SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) : "(none)");
    r = SSL_dane_enable(ssl, "dane.example");
    printf("dane_enable again -> %d\n", r);
    print_err("  ");
    printf("get0_dane_authority enabled, no records -> %d\n", SSL_get0_dane_authority(ssl, NULL, NULL));
    printf("get0_dane non-NULL=%d\n", SSL_get0_dane(ssl) != NULL);

    n = tlsa_data(leaf, 1, 1, buf);
    print_add("usage 4", SSL_dane_tlsa_add(ssl, 4, 1, 1, buf, n));
    print_add("selector 2", SSL_dane_tlsa_add(ssl, 3, 2, 1, buf, n));
    print_add("mtype 3", SSL_dane_tlsa_add(ssl, 3, 1, 3, buf, n));
    print_add("sha256 with 31 bytes", SSL_dane_tlsa_add(ssl, 3, 1, 1, buf, n - 1));
    print_add("NULL data", SSL_dane_tlsa_add(ssl, 3, 1, 0, NULL, 10));
    print_add("sha256 NULL data", SSL_dane_tlsa_add(ssl, 3, 1, 1, NULL, 32));
    print_add("full cert garbage", SSL_dane_tlsa_add(ssl, 2, 0, 0, (const unsigned char *)"garbage", 7));
    print_add("full spki garbage", SSL_dane_tlsa_add(ssl, 2, 1, 0, (const unsigned char *)"garbage", 7));
    n = tlsa_data(leaf, 0, 0, buf);
    buf[n] = 0;
    print_add("full cert + 1 byte", SSL_dane_tlsa_add(ssl, 3, 0, 0, buf, n + 1));
    print_add("full cert", SSL_dane_tlsa_add(ssl, 3, 0, 0, buf, n));
    n = tlsa_data(leaf, 1, 0, buf);
    print_add("full spki", SSL_dane_tlsa_add(ssl, 3, 1, 0, buf, n));
    print_add("full spki, DANE-TA", SSL_dane_tlsa_add(ssl, 2, 1, 0, buf, n));
    print_add("zero-length full", SSL_dane_tlsa_add(ssl, 3, 1, 0, buf, 0));
    printf("get0_dane_authority with records, before a handshake -> %d\n", SSL_get0_dane_authority(ssl, NULL, NULL));

    r = SSL_CTX_dane_mtype_set(ctx, EVP_sha256(), 0, 1);
    printf("mtype_set(sha256 as Full) -> %d\n", r);
    print_err("  ");
    printf("mtype_set(disable 1) -> %d\n", SSL_CTX_dane_mtype_set(ctx, NULL, 1, 0));
    n = tlsa_data(leaf, 1, 1, buf);
    print_add("sha256 once disabled", SSL_dane_tlsa_add(ssl, 3, 1, 1, buf, n));
    printf("mtype_set(sha1 as 255) -> %d\n", SSL_CTX_dane_mtype_set(ctx, EVP_sha1(), 255, 3));
    n = tlsa_data(leaf, 1, 255, buf);
    print_add("private 255", SSL_dane_tlsa_add(ssl, 3, 1, 255, buf, n));
    print_add("mtype 200 (gap)", SSL_dane_tlsa_add(ssl, 3, 1, 200, buf, n));

    SSL_free(ssl);
    SSL_CTX_free(ctx);
    X509_free(leaf);
}

struct rec {
    int usage, selector, mtype;
    const char *cert;  /* whose data */
    int corrupt;       /* flip a byte */
};

static void report(SSL *c)
{
    X509 *mcert = NULL;
    EVP_PKEY *mspki = NULL;
    uint8_t u = 9, s = 9, m = 9;
    const unsigned char *data = NULL;
    size_t dlen = 0;
    int depth = SSL_get0_dane_authority(c, &mcert, &mspki);
    int depth2 = SSL_get0_dane_tlsa(c, &u, &s, &m, &data, &dlen);

    print_verify_result("client", c);
    printf("client: dane authority depth=%d mcert=%s mspki=%s\n", depth,
           mcert ? name_str(X509_get_subject_name(mcert)) : "(none)", mspki ? "key" : "(none)");
    if (depth2 >= 0)
        printf("client: dane tlsa depth=%d %u %u %u dlen=%zu data[0]=%02x\n", depth2, u, s, m, dlen,
               data ? data[0] : 0);
    else
        printf("client: dane tlsa depth=%d\n", depth2);
}

static SSL_SESSION *run(const char *title, int maxv, const struct rec *recs, int nrecs, const char *base,
                        unsigned long flags, int with_store, int mode, SSL_SESSION *resume)
{
    SSL_CTX *sctx = g_sctx;
    SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
    SSL_SESSION *out = NULL;
    SSL *c, *s;
    int ok;

    printf("== %s (%s) ==\n", title, version_name(maxv));
    if (with_store && SSL_CTX_load_verify_locations(cctx, cpath("ca.pem"), NULL) != 1)
        die("load_verify_locations");
    SSL_CTX_set_verify(cctx, mode, verify_cb);
    SSL_CTX_set_max_proto_version(cctx, maxv);
    SSL_CTX_dane_enable(cctx);
    make_pair(cctx, sctx, &c, &s, 0);
    if (SSL_dane_enable(c, base) != 1)
        die("SSL_dane_enable");
    SSL_dane_set_flags(c, flags);
    for (int i = 0; i < nrecs; i++) {
        X509 *x = load_cert(recs[i].cert);
        unsigned char buf[4096];
        size_t n = tlsa_data(x, recs[i].selector, recs[i].mtype, buf);

        if (recs[i].corrupt)
            buf[n / 2] ^= 0x55;
        printf("record %d %d %d (%s%s) -> %d\n", recs[i].usage, recs[i].selector, recs[i].mtype, recs[i].cert,
               recs[i].corrupt ? ", corrupted" : "",
               SSL_dane_tlsa_add(c, recs[i].usage, recs[i].selector, recs[i].mtype, buf, n));
        X509_free(x);
    }
    if (resume)
        SSL_set_session(c, resume);
    ok = do_handshake(c, s, 0, NULL, NULL);
    printf("handshake ok=%d reused=%d\n", ok, SSL_session_reused(c));
    report(c);
    if (ok) {
        print_peer_cert("client", c);
        exchange(c, "client", s, "server", "hello over DANE");
        /* TLS 1.3: the session arrives with the server's tickets. */
        exchange(s, "server", c, "client", "hello back");
        out = SSL_get1_session(c);
        SSL_shutdown(c);
    }
    free_pair(c, s);
    SSL_CTX_free(cctx);
    return out;
}

int main(int argc, char **argv)
{
    static const struct rec ee_spki[] = { { 3, 1, 1, "server-int.pem", 0 } };
    static const struct rec ee_cert512[] = { { 3, 0, 2, "server-int.pem", 0 } };
    static const struct rec ee_wrong[] = { { 3, 1, 1, "server-rsa.pem", 0 } };
    static const struct rec ee_two[] = { { 3, 1, 1, "server-rsa.pem", 0 }, { 3, 0, 1, "server-int.pem", 0 } };
    static const struct rec ta_int[] = { { 2, 0, 1, "int.pem", 0 } };
    static const struct rec ta_root_digest[] = { { 2, 1, 1, "ca.pem", 0 } };
    static const struct rec ta_root_full[] = { { 2, 0, 0, "ca.pem", 0 } };
    static const struct rec ta_root_key[] = { { 2, 1, 0, "ca.pem", 0 } };
    static const struct rec pkix_ta[] = { { 0, 0, 1, "ca.pem", 0 } };
    static const struct rec pkix_ee[] = { { 1, 1, 1, "server-int.pem", 0 } };
    static const struct rec agility[] = { { 3, 1, 1, "server-int.pem", 0 }, { 3, 1, 2, "server-int.pem", 1 } };
    static const struct rec agility_ok[] = { { 3, 1, 1, "server-int.pem", 1 }, { 3, 1, 2, "server-int.pem", 0 } };
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    g_sctx = make_server_ctx("server-int-chain.pem", "server-int.key");
    api();
    for (int v = 0; v < 2; v++) {
        int mv = vers[v];
        SSL_SESSION *sess;

        sess = run("DANE-EE SPKI SHA-256, no store", mv, ee_spki, 1, "localhost", 0, 0, SSL_VERIFY_PEER, NULL);
        if (sess) {
            SSL_SESSION *again = run("resumed", mv, ee_spki, 1, "localhost", 0, 0, SSL_VERIFY_PEER, sess);
            SSL_SESSION_free(again);
            SSL_SESSION_free(sess);
        }
        SSL_SESSION_free(run("DANE-EE cert SHA-512, no store", mv, ee_cert512, 1, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-EE of another key", mv, ee_wrong, 1, "localhost", 0, 1, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-EE, second record matches", mv, ee_two, 2, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-EE, base domain mismatch", mv, ee_spki, 1, "wrong.example", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-EE, base domain mismatch, no EE name checks", mv, ee_spki, 1, "wrong.example",
                             DANE_FLAG_NO_DANE_EE_NAMECHECKS, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-TA intermediate digest", mv, ta_int, 1, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-TA unsent root digest", mv, ta_root_digest, 1, "localhost", 0, 1, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-TA unsent root, full certificate", mv, ta_root_full, 1, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-TA unsent root, bare key", mv, ta_root_key, 1, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("DANE-TA root key, wrong base domain", mv, ta_root_key, 1, "wrong.example",
                             DANE_FLAG_NO_DANE_EE_NAMECHECKS, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("PKIX-TA root, with store", mv, pkix_ta, 1, "localhost", 0, 1, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("PKIX-TA root, no store", mv, pkix_ta, 1, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("PKIX-EE, with store", mv, pkix_ee, 1, "localhost", 0, 1, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("digest agility: bad SHA-512 outranks good SHA-256", mv, agility, 2, "localhost", 0, 0,
                             SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("digest agility: good SHA-512", mv, agility_ok, 2, "localhost", 0, 0, SSL_VERIFY_PEER, NULL));
        SSL_SESSION_free(run("no match, SSL_VERIFY_NONE", mv, ee_wrong, 1, "localhost", 0, 0, SSL_VERIFY_NONE, NULL));
    }
    SSL_CTX_free(g_sctx);
    return test_end();
}
