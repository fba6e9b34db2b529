/*
 * gen-ssl-strings: asks the SYSTEM libssl.so.3 (OpenSSL 3.0) for the facts oxissl has
 * to reproduce, and prints them as Rust source (src/error/strings_table.rs):
 *
 *   - the reason string of every SSL_R_* code of <openssl/sslerr.h>;
 *   - the full `ERR_error_string_n` text of every such code, of the common ERR_R_*
 *     codes raised under ERR_LIB_SSL, and of the bare library code (test data);
 *   - SSL_alert_{type,desc}_string{,_long} for every value (test data);
 *   - the alert a client sends for each X509_V_ERR_* verification failure,
 *     measured with an in-memory handshake (test data).
 *
 * Do not build this by hand: run tools/gen-ssl-strings.sh, which extracts the code
 * names from the installed headers into the X-macro lists included below.
 */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

struct named_code {
    const char *name;
    long value;
};

#define X(n) {#n, (long)(n)},
static struct named_code ssl_reasons[] = {
#include "ssl_r_list.h"
};
static struct named_code common_reasons[] = {
#include "err_r_list.h"
};
static struct named_code verify_errors[] = {
#include "x509_v_list.h"
};
#undef X

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int by_value(const void *l, const void *r)
{
    const struct named_code *a = l, *b = r;

    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* Prints `text` as the body of a Rust string literal (ASCII only; escapes the rest). */
static void put_rust_str(const char *text)
{
    const unsigned char *c;

    putchar('"');
    for (c = (const unsigned char *)text; *c != '\0'; c++) {
        if (*c == '"' || *c == '\\')
            printf("\\%c", *c);
        else if (*c < 0x20 || *c >= 0x7f)
            printf("\\x%02x", *c);
        else
            putchar(*c);
    }
    putchar('"');
}

static const char *error_text(unsigned long code)
{
    static char buf[512];

    ERR_error_string_n(code, buf, sizeof(buf));
    return buf;
}

static void emit_reason_table(void)
{
    size_t i;

    printf("/// The reason string of every `SSL_R_*` code, as registered by OpenSSL's libssl.\n");
    printf("pub(crate) static REASON_STRINGS: &[(std::os::raw::c_int, &str)] = &[\n");
    for (i = 0; i < COUNT(ssl_reasons); i++) {
        const char *s = ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, ssl_reasons[i].value));

        if (s == NULL) {
            fprintf(stderr, "note: %s has no string in the system libssl\n", ssl_reasons[i].name);
            continue;
        }
        printf("    (%ld, ", ssl_reasons[i].value);
        put_rust_str(s);
        printf("), // %s\n", ssl_reasons[i].name);
    }
    printf("];\n\n");
}

/* Reports SSL-library strings the header does not name (none are expected). */
static void check_unlisted_reasons(void)
{
    long r;
    size_t i;

    for (r = 1; r < 4096; r++) {
        int listed = 0;

        for (i = 0; i < COUNT(ssl_reasons); i++)
            if (ssl_reasons[i].value == r)
                listed = 1;
        if (listed)
            continue;
        /* A string that the library-independent lookup also gives is not libssl's. */
        if (ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, r)) != NULL
                && ERR_reason_error_string(ERR_PACK(0, 0, r)) == NULL)
            fprintf(stderr, "warning: SSL reason %ld has a string but no SSL_R_ name\n", r);
    }
}

static void emit_error_strings(void)
{
    size_t i;

    printf("/// `ERR_error_string_n` of packed `ERR_LIB_SSL` codes, as the system libssl prints them.\n");
    printf("#[cfg(test)]\n");
    printf("pub(crate) static EXPECTED_ERROR_STRINGS: &[(std::os::raw::c_ulong, &str)] = &[\n");
    printf("    (0x%08lX, ", (unsigned long)ERR_PACK(ERR_LIB_SSL, 0, 0));
    put_rust_str(error_text(ERR_PACK(ERR_LIB_SSL, 0, 0)));
    printf("),\n");
    for (i = 0; i < COUNT(ssl_reasons); i++) {
        unsigned long code = ERR_PACK(ERR_LIB_SSL, 0, ssl_reasons[i].value);

        printf("    (0x%08lX, ", code);
        put_rust_str(error_text(code));
        printf("), // %s\n", ssl_reasons[i].name);
    }
    for (i = 0; i < COUNT(common_reasons); i++) {
        unsigned long code = ERR_PACK(ERR_LIB_SSL, 0, common_reasons[i].value);

        printf("    (0x%08lX, ", code);
        put_rust_str(error_text(code));
        printf("), // %s\n", common_reasons[i].name);
    }
    printf("];\n\n");
}

static void emit_alert_tables(void)
{
    int v;
    static const int samples[] = {
        -1, -2, -256, -65536, 0x10000, 0x10130, 0x1ff2a, 0x7fffffff, (int)0x80000000u,
        0x12345678, 0x0233, 0x0264,
    };
    size_t i;

    /* The strings must depend on (value & 0xff) and (value >> 8) only; check it. */
    for (v = 0; v <= 0xffff; v++) {
        if (strcmp(SSL_alert_desc_string(v), SSL_alert_desc_string(v & 0xff)) != 0
                || strcmp(SSL_alert_desc_string_long(v), SSL_alert_desc_string_long(v & 0xff)) != 0
                || strcmp(SSL_alert_type_string(v), SSL_alert_type_string(v & 0xff00)) != 0
                || strcmp(SSL_alert_type_string_long(v), SSL_alert_type_string_long(v & 0xff00)) != 0) {
            fprintf(stderr, "error: alert strings of %#x do not split by byte\n", v);
            exit(1);
        }
    }

    printf("/// `SSL_alert_desc_string` and `_long` of every value 0..=255 (only the low byte counts).\n");
    printf("#[cfg(test)]\n");
    printf("pub(crate) static EXPECTED_ALERT_DESC: [(&str, &str); 256] = [\n");
    for (v = 0; v < 256; v++) {
        printf("    (");
        put_rust_str(SSL_alert_desc_string(v));
        printf(", ");
        put_rust_str(SSL_alert_desc_string_long(v));
        printf("), // %d\n", v);
    }
    printf("];\n\n");

    printf("/// `SSL_alert_type_string` and `_long` of `level << 8` for every level 0..=255.\n");
    printf("#[cfg(test)]\n");
    printf("pub(crate) static EXPECTED_ALERT_TYPE: [(&str, &str); 256] = [\n");
    for (v = 0; v < 256; v++) {
        printf("    (");
        put_rust_str(SSL_alert_type_string(v << 8));
        printf(", ");
        put_rust_str(SSL_alert_type_string_long(v << 8));
        printf("), // %d\n", v);
    }
    printf("];\n\n");

    printf("/// Values outside 0..=0xffff: (value, type, type_long, desc, desc_long).\n");
    printf("#[cfg(test)]\n");
    printf("pub(crate) static EXPECTED_ALERT_SAMPLES: &[(std::os::raw::c_int, &str, &str, &str, &str)] = &[\n");
    for (i = 0; i < COUNT(samples); i++) {
        int s = samples[i];

        printf("    (%d, ", s);
        put_rust_str(SSL_alert_type_string(s));
        printf(", ");
        put_rust_str(SSL_alert_type_string_long(s));
        printf(", ");
        put_rust_str(SSL_alert_desc_string(s));
        printf(", ");
        put_rust_str(SSL_alert_desc_string_long(s));
        printf("),\n");
    }
    printf("];\n\n");
}

/* ---- verification error -> alert, measured ---- */

static int forced_verify_error;
static int sent_alert = -1;

static int force_failure(int ok, X509_STORE_CTX *store)
{
    (void)ok;
    X509_STORE_CTX_set_error(store, forced_verify_error);
    return 0;
}

static void note_alert(int write_p, int version, int content_type, const void *buf,
                       size_t len, SSL *ssl, void *arg)
{
    (void)version;
    (void)ssl;
    (void)arg;
    if (write_p && content_type == SSL3_RT_ALERT && len == 2 && sent_alert < 0)
        sent_alert = ((const unsigned char *)buf)[1];
}

static X509 *self_signed(EVP_PKEY *key)
{
    X509 *cert = X509_new();
    X509_NAME *name = X509_NAME_new();

    if (cert == NULL || name == NULL)
        return NULL;
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost",
                               -1, -1, 0);
    X509_set_subject_name(cert, name);
    X509_set_issuer_name(cert, name);
    X509_NAME_free(name);
    X509_set_pubkey(cert, key);
    if (X509_sign(cert, key, EVP_sha256()) <= 0)
        return NULL;
    return cert;
}

/* Runs one handshake whose client verification fails with `code`; returns the alert sent. */
static int alert_for(SSL_CTX *client_ctx, SSL_CTX *server_ctx, int code, unsigned long *reason)
{
    SSL *client = SSL_new(client_ctx), *server = SSL_new(server_ctx);
    BIO *client_end, *server_end;
    int round, client_done = 0, server_done = 0;

    forced_verify_error = code;
    sent_alert = -1;
    ERR_clear_error();
    BIO_new_bio_pair(&client_end, 0, &server_end, 0);
    SSL_set_bio(client, client_end, client_end);
    SSL_set_bio(server, server_end, server_end);
    SSL_set_connect_state(client);
    SSL_set_accept_state(server);
    SSL_set_msg_callback(client, note_alert);

    for (round = 0; round < 32 && !(client_done && server_done); round++) {
        if (!client_done) {
            int rc = SSL_do_handshake(client);

            if (rc == 1 || SSL_get_error(client, rc) == SSL_ERROR_SSL) {
                client_done = 1;
                if (rc != 1)
                    *reason = ERR_peek_error();
            }
        }
        if (!server_done) {
            int rc = SSL_do_handshake(server);

            if (rc == 1 || SSL_get_error(server, rc) == SSL_ERROR_SSL)
                server_done = 1;
        }
        if (client_done && sent_alert >= 0)
            break;
    }
    SSL_free(client);
    SSL_free(server);
    ERR_clear_error();
    return sent_alert;
}

static void emit_verify_alerts(void)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = key != NULL ? self_signed(key) : NULL;
    SSL_CTX *client_ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX *server_ctx = SSL_CTX_new(TLS_server_method());
    static const int extra[] = {0, 9999};
    size_t i;

    if (cert == NULL || client_ctx == NULL || server_ctx == NULL
            || SSL_CTX_use_certificate(server_ctx, cert) != 1
            || SSL_CTX_use_PrivateKey(server_ctx, key) != 1) {
        fprintf(stderr, "error: cannot set up the verification handshake\n");
        exit(1);
    }
    SSL_CTX_set_verify(client_ctx, SSL_VERIFY_PEER, force_failure);

    printf("/// The alert OpenSSL's client sends when peer verification fails with each\n");
    printf("/// X509_V_ERR_* code (measured with an in-memory handshake): (code, alert).\n");
    printf("#[cfg(test)]\n");
    printf("pub(crate) static EXPECTED_VERIFY_ALERTS: &[(std::os::raw::c_int, u8)] = &[\n");
    for (i = 0; i < COUNT(verify_errors) + COUNT(extra); i++) {
        const char *name = i < COUNT(verify_errors) ? verify_errors[i].name : "(not a defined code)";
        int code = i < COUNT(verify_errors) ? (int)verify_errors[i].value
                                            : extra[i - COUNT(verify_errors)];
        unsigned long reason = 0;
        int alert = alert_for(client_ctx, server_ctx, code, &reason);

        if (alert < 0) {
            fprintf(stderr, "error: no alert sent for %s\n", name);
            exit(1);
        }
        if (ERR_GET_LIB(reason) != ERR_LIB_SSL
                || ERR_GET_REASON(reason) != SSL_R_CERTIFICATE_VERIFY_FAILED)
            fprintf(stderr, "note: %s queued %s\n", name, error_text(reason));
        printf("    (%d, %d), // %s\n", code, alert, name);
    }
    printf("];\n");

    SSL_CTX_free(client_ctx);
    SSL_CTX_free(server_ctx);
    X509_free(cert);
    EVP_PKEY_free(key);
}

int main(void)
{
    if (OPENSSL_init_ssl(OPENSSL_INIT_LOAD_SSL_STRINGS | OPENSSL_INIT_LOAD_CRYPTO_STRINGS,
                         NULL) != 1
            || ERR_load_SSL_strings() != 1) {
        fprintf(stderr, "error: cannot initialise libssl\n");
        return 1;
    }
    qsort(ssl_reasons, COUNT(ssl_reasons), sizeof(ssl_reasons[0]), by_value);
    qsort(common_reasons, COUNT(common_reasons), sizeof(common_reasons[0]), by_value);
    qsort(verify_errors, COUNT(verify_errors), sizeof(verify_errors[0]), by_value);

    printf("// @generated by tools/gen-ssl-strings.sh from the system %s\n",
           OpenSSL_version(OPENSSL_VERSION));
    printf("// (<openssl/sslerr.h>, <openssl/err.h>, <openssl/x509_vfy.h> and libssl.so.3).\n");
    printf("// Do not edit. To regenerate (needs a C compiler and libssl-dev):\n");
    printf("//     sh tools/gen-ssl-strings.sh\n");
    printf("// The file is `include!`d by src/error/strings.rs; the #[cfg(test)] tables are\n");
    printf("// the system library's answers that the unit tests compare oxissl against.\n\n");

    check_unlisted_reasons();
    emit_reason_table();
    emit_error_strings();
    emit_alert_tables();
    emit_verify_alerts();
    return 0;
}
