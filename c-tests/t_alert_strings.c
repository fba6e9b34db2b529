/* SSL_alert_desc_string / SSL_alert_desc_string_long for every description
 * value 0..255 (values OpenSSL does not know print as "unknown"/"UK"; only
 * known ones and a summary are printed), and SSL_alert_type_string /
 * SSL_alert_type_string_long for levels 0..3 (value = level << 8 | desc). */
#include "common.h"

int main(int argc, char **argv)
{
    int unknown = 0;

    test_init(argc, argv);
    for (int d = 0; d < 256; d++) {
        const char *s = SSL_alert_desc_string(d);
        const char *l = SSL_alert_desc_string_long(d);
        if (strcmp(l, "unknown") == 0 && strcmp(s, "UK") == 0) {
            unknown++;
            continue;
        }
        printf("desc %3d: %-2s %s\n", d, s, l);
    }
    printf("unknown descriptions: %d\n", unknown);
    printf("desc 0x128 (level bits ignored): %s %s\n", SSL_alert_desc_string(0x128),
           SSL_alert_desc_string_long(0x128));
    printf("desc 0x21e: %s %s\n", SSL_alert_desc_string(0x21e),
           SSL_alert_desc_string_long(0x21e));
    for (int lvl = 0; lvl < 4; lvl++) {
        int v = (lvl << 8) | 40;
        printf("type %d: %s %s\n", lvl, SSL_alert_type_string(v), SSL_alert_type_string_long(v));
    }
    return test_end();
}
