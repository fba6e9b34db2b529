/* Oversized lengths: record headers announcing 0xFFFF or 2^14+2049 bytes
 * (before the handshake, to server and client), a ClientHello handshake
 * message claiming 16 MiB, and an encrypted record longer than allowed
 * after the handshake (TLS 1.3 and TLS 1.2). */
#include "hostile.h"

static const unsigned char rec_ffff[] = { 0x16, 0x03, 0x01, 0xff, 0xff, 0x01, 0x00 };
static const unsigned char rec_18433[] = { 0x16, 0x03, 0x03, 0x48, 0x01, 0x01, 0x00 };
static const unsigned char hs_16m[] = { 0x16, 0x03, 0x01, 0x00, 0x08,
                                        0x01, 0xff, 0xff, 0xff, 0x03, 0x03, 0x00, 0x00 };
static const unsigned char app_18177[] = { 0x17, 0x03, 0x03, 0x47, 0x01, 0x00 };
static const unsigned char app_ffff[] = { 0x17, 0x03, 0x03, 0xff, 0xff, 0x00 };

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    server_gets("record length 0xFFFF", rec_ffff, sizeof(rec_ffff));
    server_gets("record length 18433", rec_18433, sizeof(rec_18433));
    server_gets("ClientHello claiming 16 MiB", hs_16m, sizeof(hs_16m));
    for (int i = 0; i < 2; i++) {
        client_gets("record length 0xFFFF", rec_ffff, sizeof(rec_ffff), vers[i]);
        client_gets("record length 18433", rec_18433, sizeof(rec_18433), vers[i]);
        after_handshake_gets("application record length 18177", 1, app_18177,
                             sizeof(app_18177), vers[i]);
        after_handshake_gets("application record length 0xFFFF", 0, app_ffff,
                             sizeof(app_ffff), vers[i]);
    }
    return test_end();
}
