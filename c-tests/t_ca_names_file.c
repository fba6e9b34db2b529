/* SSL_add_file_cert_subjects_to_stack and SSL_add_dir_cert_subjects_to_stack: names are
 * appended once each, in file order; unreadable or certificate-less input fails. */
#include "common.h"
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *what, int r, STACK_OF(X509_NAME) *sk)
{
    printf("%s: ret=%d names=%d\n", what, r, sk_X509_NAME_num(sk));
    for (int i = 0; i < sk_X509_NAME_num(sk); i++)
        printf("  %s\n", name_str(sk_X509_NAME_value(sk, i)));
    print_err(what);
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/oxtest-cadir-XXXXXX", path[512];
    test_init(argc, argv);
    STACK_OF(X509_NAME) *sk = sk_X509_NAME_new_null();
    show("add ca.pem", SSL_add_file_cert_subjects_to_stack(sk, cpath("ca.pem")), sk);
    show("add ca.pem again", SSL_add_file_cert_subjects_to_stack(sk, cpath("ca.pem")), sk);
    show("add server-int-chain.pem", SSL_add_file_cert_subjects_to_stack(sk, cpath("server-int-chain.pem")), sk);
    show("add empty.pem", SSL_add_file_cert_subjects_to_stack(sk, cpath("empty.pem")), sk);
    sk_X509_NAME_pop_free(sk, X509_NAME_free);

    if (mkdtemp(dir) == NULL)
        die("mkdtemp");
    const char *files[] = { "client.pem", "ca2.pem" };
    for (int i = 0; i < 2; i++) {
        FILE *in = fopen(cpath(files[i]), "r"), *out;
        char buf[4096];
        size_t n;
        snprintf(path, sizeof(path), "%s/%d.pem", dir, i);
        out = fopen(path, "w");
        while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
            fwrite(buf, 1, n, out);
        fclose(in);
        fclose(out);
    }
    sk = sk_X509_NAME_new_null();
    show("add dir", SSL_add_dir_cert_subjects_to_stack(sk, dir), sk);
    sk_X509_NAME_pop_free(sk, X509_NAME_free);
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%d.pem", dir, i);
        unlink(path);
    }
    rmdir(dir);
    return test_end();
}
