/* SSL_CTX_set_min/max_proto_version and SSL_set_min/max_proto_version on a TLS
 * method with every kind of version value: TLS versions set the bound; DTLS versions
 * (DTLS1_BAD_VER, DTLS 1.0, DTLS 1.2) are valid bounds that a TLS method accepts and
 * ignores, unless the other bound is a TLS version (DTLS and TLS bounds do not mix);
 * anything else fails without queuing an error. (Found by the config_diff fuzz target:
 * oxissl refused DTLS versions and queued "unknown ssl version".) */
#include "common.h"

static const long versions[] = {0, SSL3_VERSION, TLS1_VERSION, TLS1_2_VERSION, TLS1_3_VERSION,
                                0x0305, 0x0200, 0x02ff, DTLS1_BAD_VER, DTLS1_VERSION,
                                DTLS1_2_VERSION, 0xfefe, 0xfefc, 0x7f1c, -1, 0x10303};

int main(int argc, char **argv)
{
    test_init(argc, argv);
    SSL_CTX *ctx = SSL_CTX_new(TLS_method());
    SSL *s = SSL_new(ctx);
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        long v = versions[i];
        int r1 = (int)SSL_CTX_set_min_proto_version(ctx, v);
        int q1 = ERR_peek_error() != 0;
        ERR_clear_error();
        int r2 = (int)SSL_CTX_set_max_proto_version(ctx, v);
        int q2 = ERR_peek_error() != 0;
        ERR_clear_error();
        int r3 = (int)SSL_set_min_proto_version(s, v);
        int r4 = (int)SSL_set_max_proto_version(s, v);
        int q3 = ERR_peek_error() != 0;
        ERR_clear_error();
        printf("0x%lx: ctx min=%d%s max=%d%s -> %s/%s; ssl min=%d max=%d%s -> %s/%s\n", v, r1,
               q1 ? " (error queued)" : "", r2, q2 ? " (error queued)" : "",
               version_name((int)SSL_CTX_get_min_proto_version(ctx)),
               version_name((int)SSL_CTX_get_max_proto_version(ctx)), r3, r4,
               q3 ? " (error queued)" : "", version_name((int)SSL_get_min_proto_version(s)),
               version_name((int)SSL_get_max_proto_version(s)));
        SSL_CTX_set_min_proto_version(ctx, 0);
        SSL_CTX_set_max_proto_version(ctx, 0);
        SSL_set_min_proto_version(s, 0);
        SSL_set_max_proto_version(s, 0);
    }
    /* A DTLS bound beside a TLS one. */
    for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
        long v = versions[i];
        SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION);
        int r1 = (int)SSL_CTX_set_min_proto_version(ctx, v);
        SSL_CTX_set_max_proto_version(ctx, 0);
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
        int r2 = (int)SSL_CTX_set_max_proto_version(ctx, v);
        printf("0x%lx beside TLS1_2_VERSION: as min %d, as max %d -> %s/%s\n", v, r1, r2,
               version_name((int)SSL_CTX_get_min_proto_version(ctx)),
               version_name((int)SSL_CTX_get_max_proto_version(ctx)));
        SSL_CTX_set_min_proto_version(ctx, 0);
        SSL_CTX_set_max_proto_version(ctx, 0);
        ERR_clear_error();
    }
    SSL_free(s);
    SSL_CTX_free(ctx);
    return test_end();
}
