/* Unexpected alerts: a fatal alert instead of the ClientHello / the
 * ServerHello (handshake_failure, protocol_version), a warning
 * close_notify and user_canceled during the handshake, an unknown alert
 * description, a malformed (1-byte / 3-byte) alert record, and a plaintext
 * alert after the handshake (TLS 1.3 and TLS 1.2). */
#include "hostile.h"

static const unsigned char fatal_hs_failure[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 };
static const unsigned char fatal_proto_version[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x46 };
static const unsigned char warn_close_notify[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00 };
static const unsigned char warn_user_canceled[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x5a };
static const unsigned char fatal_unknown_desc[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0xc8 };
static const unsigned char alert_1byte[] = { 0x15, 0x03, 0x03, 0x00, 0x01, 0x02 };
static const unsigned char alert_3byte[] = { 0x15, 0x03, 0x03, 0x00, 0x03, 0x02, 0x28, 0x00 };
static const unsigned char bad_level[] = { 0x15, 0x03, 0x03, 0x00, 0x02, 0x07, 0x28 };

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    server_gets("fatal handshake_failure alert", fatal_hs_failure, sizeof(fatal_hs_failure));
    server_gets("warning close_notify", warn_close_notify, sizeof(warn_close_notify));
    server_gets("warning user_canceled", warn_user_canceled, sizeof(warn_user_canceled));
    server_gets("fatal alert with unknown description 200", fatal_unknown_desc,
                sizeof(fatal_unknown_desc));
    server_gets("1-byte alert record", alert_1byte, sizeof(alert_1byte));
    server_gets("3-byte alert record", alert_3byte, sizeof(alert_3byte));
    server_gets("alert with level 7", bad_level, sizeof(bad_level));
    for (int i = 0; i < 2; i++) {
        client_gets("fatal protocol_version alert", fatal_proto_version,
                    sizeof(fatal_proto_version), vers[i]);
        client_gets("fatal handshake_failure alert", fatal_hs_failure,
                    sizeof(fatal_hs_failure), vers[i]);
        client_gets("warning close_notify", warn_close_notify, sizeof(warn_close_notify),
                    vers[i]);
        after_handshake_gets("plaintext fatal alert", 1, fatal_hs_failure,
                             sizeof(fatal_hs_failure), vers[i]);
        after_handshake_gets("plaintext close_notify", 0, warn_close_notify,
                             sizeof(warn_close_notify), vers[i]);
    }
    return test_end();
}
