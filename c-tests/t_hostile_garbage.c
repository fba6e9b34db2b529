/* Garbage instead of TLS: plain text, an HTTP request, an SSLv2-style
 * header, a record with an unknown content type or a bad version, fed to
 * a server (instead of the ClientHello), to a client (instead of the
 * ServerHello) and after the handshake.  Prints SSL_get_error, the first
 * error's reason/string and the alert (if any) sent back. */
#include "hostile.h"

static const char text[] = "hello, this is definitely not a TLS record\r\n";
static const char http[] = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const char post[] = "POST /x HTTP/1.1\r\nHost: localhost\r\n\r\n";
static const unsigned char sslv2[] = { 0x80, 0x2e, 0x01, 0x00, 0x02, 0x00, 0x15, 0x00,
                                       0x00, 0x00, 0x10, 0x07, 0x00, 0xc0, 0x05, 0x00,
                                       0x80, 0x03, 0x00, 0x80, 0x01, 0x00, 0x80, 0x06,
                                       0x00, 0x40, 0x04, 0x00, 0x80, 0x02, 0x00, 0x80,
                                       0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x11,
                                       0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99 };
static const unsigned char bad_type[] = { 0x63, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4 };
static const unsigned char bad_version[] = { 0x16, 0x7f, 0x01, 0x00, 0x04, 1, 2, 3, 4 };
static const unsigned char zero_len_hs[] = { 0x16, 0x03, 0x01, 0x00, 0x00 };
static const unsigned char app_data[] = { 0x17, 0x03, 0x03, 0x00, 0x04, 1, 2, 3, 4 };
/* The start of a ClientHello announcing 256 bytes, then a ChangeCipherSpec record. */
static const unsigned char hs_then_ccs[] = { 0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x01, 0x00,
                                             0x03, 0x03, 0xaa, 0xbb, 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };

int main(int argc, char **argv)
{
    int vers[2] = { TLS1_3_VERSION, TLS1_2_VERSION };

    test_init(argc, argv);
    server_gets("plain text", text, sizeof(text) - 1);
    server_gets("an HTTP GET request", http, sizeof(http) - 1);
    server_gets("an HTTP POST request", post, sizeof(post) - 1);
    server_gets("an SSLv2 ClientHello", sslv2, sizeof(sslv2));
    server_gets("unknown record type 0x63", bad_type, sizeof(bad_type));
    server_gets("record version 0x7f01", bad_version, sizeof(bad_version));
    server_gets("empty handshake record", zero_len_hs, sizeof(zero_len_hs));
    server_gets("application data before handshake", app_data, sizeof(app_data));
    server_gets("part of a ClientHello, then ChangeCipherSpec", hs_then_ccs, sizeof(hs_then_ccs));
    for (int i = 0; i < 2; i++) {
        client_gets("plain text", text, sizeof(text) - 1, vers[i]);
        client_gets("unknown record type 0x63", bad_type, sizeof(bad_type), vers[i]);
        client_gets("record version 0x7f01", bad_version, sizeof(bad_version), vers[i]);
        client_gets("application data before handshake", app_data, sizeof(app_data), vers[i]);
        after_handshake_gets("plain text", 1, text, sizeof(text) - 1, vers[i]);
        after_handshake_gets("unknown record type 0x63", 0, bad_type, sizeof(bad_type), vers[i]);
        after_handshake_gets("short application data record", 1, app_data, sizeof(app_data), vers[i]);
    }
    return test_end();
}
