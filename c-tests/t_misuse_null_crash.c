/* Misuse that crashes OpenSSL 3.0 where oxissl's answer still matters (issue #10): each
 * call runs in a forked child, which prints its result, or the parent prints "crashed".
 *   - SSL_CTX_set_session_id_context / SSL_set_session_id_context(NULL, 6): OpenSSL
 *     copies 6 bytes from NULL; oxissl refuses (ERR_R_PASSED_NULL_PARAMETER). It used to
 *     succeed with an empty session ID context, which lets sessions resume across
 *     contexts that the application meant to keep apart.
 * The transcripts differ by design (recorded in known-diffs). */
#include "common.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static SSL_CTX *g_ctx;
static SSL *g_ssl;

static void ctx_sid_ctx_null(void)
{
    int r = SSL_CTX_set_session_id_context(g_ctx, NULL, 6);

    printf("  ret=%d\n", r);
    print_err("  SSL_CTX_set_session_id_context");
    printf("  then (\"x\", 1) ret=%d\n", SSL_CTX_set_session_id_context(g_ctx, (const unsigned char *)"x", 1));
}

static void ssl_sid_ctx_null(void)
{
    int r = SSL_set_session_id_context(g_ssl, NULL, 6);

    printf("  ret=%d\n", r);
    print_err("  SSL_set_session_id_context");
}

static void in_child(const char *what, void (*fn)(void))
{
    pid_t pid;
    int st;

    printf("%s:\n", what);
    fflush(stdout);
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        signal(SIGSEGV, SIG_DFL);
        fn();
        fflush(stdout);
        _exit(0);
    }
    while (waitpid(pid, &st, 0) < 0)
        ;
    if (WIFSIGNALED(st))
        printf("  crashed\n");
}

int main(int argc, char **argv)
{
    test_init(argc, argv);
    g_ctx = SSL_CTX_new(TLS_method());
    g_ssl = SSL_new(g_ctx);
    in_child("SSL_CTX_set_session_id_context(ctx, NULL, 6)", ctx_sid_ctx_null);
    in_child("SSL_set_session_id_context(ssl, NULL, 6)", ssl_sid_ctx_null);
    SSL_free(g_ssl);
    SSL_CTX_free(g_ctx);
    return test_end();
}
