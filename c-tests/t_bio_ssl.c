/* The SSL filter BIO (BIO_f_ssl) and its constructors: BIO_new_ssl for a
 * client and a server over a BIO pair pushed after the filters, the
 * handshake through BIO_do_handshake with the retry flags after every step,
 * a BIO_f_buffer in front of the server filter as `openssl s_server -www`
 * uses it (BIO_gets / BIO_puts / BIO_write / BIO_flush), BIO_read /
 * BIO_pending / BIO_ctrl_pending / BIO_wpending, BIO_ssl_shutdown,
 * BIO_ssl_copy_session_id, BIO_set_ssl with and without BIO_CLOSE over an
 * SSL that already has BIOs, BIO_pop, BIO_reset, BIO_dup_chain, NULL
 * arguments, and BIO_new_ssl_connect / BIO_new_buffer_ssl_connect against
 * `openssl s_server -www`.  Every chain is released with BIO_free_all (run
 * under valgrind for leaks and double frees). */
#include "common.h"

static void flags(const char *who, const char *what, BIO *b, long r)
{
    printf("%s: %s ret=%ld retry=%d read=%d write=%d special=%d reason=%d\n",
           who, what, r, BIO_should_retry(b) != 0, BIO_should_read(b) != 0,
           BIO_should_write(b) != 0, BIO_should_io_special(b) != 0,
           BIO_get_retry_reason(b));
    print_err(who);
}

static SSL *ssl_of(BIO *b)
{
    SSL *s = NULL;

    if (BIO_get_ssl(b, &s) != 1 || s == NULL)
        die("BIO_get_ssl");
    return s;
}

/* Client and server filters over a BIO pair: each pair end is pushed after
 * its filter and so becomes the SSL's transport. */
static void make_filters(SSL_CTX *cctx, SSL_CTX *sctx, BIO **cb, BIO **sb)
{
    BIO *ce, *se;

    *cb = BIO_new_ssl(cctx, 1);
    *sb = BIO_new_ssl(sctx, 0);
    if (*cb == NULL || *sb == NULL)
        die("BIO_new_ssl");
    if (!BIO_new_bio_pair(&ce, 0, &se, 0))
        die("BIO_new_bio_pair");
    BIO_push(*cb, ce);
    BIO_push(*sb, se);
    SSL_set1_host(ssl_of(*cb), "localhost");
    printf("pushed end is the transport: client=%d server=%d\n",
           SSL_get_rbio(ssl_of(*cb)) == ce && SSL_get_wbio(ssl_of(*cb)) == ce,
           SSL_get_rbio(ssl_of(*sb)) == se && SSL_get_wbio(ssl_of(*sb)) == se);
}

static int handshake(BIO *cb, BIO *sb)
{
    int cdone = 0, sdone = 0;
    long r;

    for (int i = 0; i < 10 && !(cdone && sdone); i++) {
        if (!cdone) {
            r = BIO_do_handshake(cb);
            flags("client", "BIO_do_handshake", cb, r);
            cdone = r == 1;
        }
        if (!sdone) {
            r = BIO_do_handshake(sb);
            flags("server", "BIO_do_handshake", sb, r);
            sdone = r == 1;
        }
    }
    return cdone && sdone;
}

static void read_all(const char *who, BIO *b)
{
    char buf[256];
    int n;

    for (;;) {
        n = BIO_read(b, buf, sizeof(buf) - 1);
        if (n <= 0) {
            flags(who, "BIO_read (end)", b, n);
            return;
        }
        buf[n] = '\0';
        printf("%s: read ", who);
        print_escaped(buf, (size_t)n);
        printf("\n");
    }
}

static void basics(void)
{
    BIO *b = BIO_new(BIO_f_ssl());
    SSL *s = (SSL *)1;
    char c = 'x';

    printf("== BIO_f_ssl ==\n");
    printf("same method=%d type=0x%x name=%s\n", BIO_f_ssl() == BIO_f_ssl(),
           BIO_method_type(b), BIO_method_name(b));
    printf("fresh: get_ssl=%ld ssl_untouched=%d\n", BIO_get_ssl(b, &s), s == (SSL *)1);
    printf("fresh: BIO_write=%d\n", BIO_write(b, &c, 1));
    print_err("fresh");
    printf("fresh: BIO_ctrl_pending=%zu get_close=%d\n", BIO_ctrl_pending(b), BIO_get_close(b));
    BIO_free(b);
}

static void exchange_through_buffer(SSL_CTX *cctx, SSL_CTX *sctx, int maxv)
{
    BIO *cb, *sb, *sbuf, *cb2, *sb2;
    char line[128];
    long r;

    printf("== BIO_new_ssl pair, max %s ==\n", version_name(maxv));
    SSL_CTX_set_max_proto_version(cctx, maxv);
    make_filters(cctx, sctx, &cb, &sb);
    printf("client is_server=%d server is_server=%d get_close=%d\n",
           SSL_is_server(ssl_of(cb)), SSL_is_server(ssl_of(sb)), BIO_get_close(cb));
    printf("handshake ok=%d\n", handshake(cb, sb));
    print_session_info("client", ssl_of(cb));
    print_verify_result("client", ssl_of(cb));

    /* nothing to read yet */
    r = BIO_read(cb, line, sizeof(line));
    flags("client", "BIO_read (empty)", cb, r);

    /* a buffering BIO in front of the server filter, as s_server -www */
    sbuf = BIO_new(BIO_f_buffer());
    BIO_push(sbuf, sb);
    r = BIO_puts(cb, "GET / HTTP/1.0\r\n");
    flags("client", "BIO_puts", cb, r);
    r = BIO_write(cb, "Host: localhost\r\n\r\n", 19);
    flags("client", "BIO_write", cb, r);
    for (int i = 0; i < 3; i++) {
        r = BIO_gets(sbuf, line, sizeof(line));
        printf("server: BIO_gets ret=%ld line=", r);
        print_escaped(line, r > 0 ? (size_t)r : 0);
        printf("\n");
    }
    r = BIO_gets(sbuf, line, sizeof(line));
    flags("server", "BIO_gets (empty)", sbuf, r);
    r = BIO_gets(sb, line, sizeof(line));
    printf("server: BIO_gets on the filter itself ret=%ld\n", r);
    print_err("server");

    r = BIO_puts(sbuf, "HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n");
    flags("server", "BIO_puts (buffered)", sbuf, r);
    r = BIO_write(sbuf, "hello through the filter\n", 25);
    flags("server", "BIO_write (buffered)", sbuf, r);
    printf("client: pending before flush=%d\n", BIO_pending(cb));
    printf("server: wpending>0=%d\n", BIO_wpending(sbuf) > 0);
    r = BIO_flush(sbuf);
    flags("server", "BIO_flush", sbuf, r);

    /* partial read: the rest of the record is pending in the SSL */
    r = BIO_read(cb, line, 8);
    printf("client: read 8 ret=%ld ", r);
    print_escaped(line, r > 0 ? (size_t)r : 0);
    printf("\n");
    printf("client: BIO_pending=%d BIO_ctrl_pending=%zu SSL_pending=%d\n",
           BIO_pending(cb), BIO_ctrl_pending(cb), SSL_pending(ssl_of(cb)));
    printf("client: BIO_wpending=%ld BIO_ctrl_wpending=%zu\n",
           (long)BIO_wpending(cb), BIO_ctrl_wpending(cb));
    read_all("client", cb);

    /* a second client reusing the first one's session */
    cb2 = BIO_new_ssl(cctx, 1);
    r = BIO_ssl_copy_session_id(cb2, cb);
    printf("copy_session_id=%ld same session=%d\n", r,
           SSL_get_session(ssl_of(cb2)) == SSL_get_session(ssl_of(cb)));
    print_err("copy");
    printf("copy_session_id (no SSL BIO in chain)=%d\n", BIO_ssl_copy_session_id(cb2, BIO_next(cb)));
    print_err("copy");

    /* close_notify from the server through the whole chain */
    BIO_ssl_shutdown(sbuf);
    print_err("server");
    printf("server: get_shutdown=%d\n", SSL_get_shutdown(ssl_of(sb)));
    r = BIO_read(cb, line, sizeof(line));
    flags("client", "BIO_read after close_notify", cb, r);
    printf("client: get_shutdown=%d\n", SSL_get_shutdown(ssl_of(cb)));

    /* the second client resumes against a fresh server filter */
    {
        BIO *ce, *se;

        sb2 = BIO_new_ssl(sctx, 0);
        BIO_new_bio_pair(&ce, 0, &se, 0);
        BIO_push(cb2, ce);
        BIO_push(sb2, se);
        SSL_set1_host(ssl_of(cb2), "localhost");
        printf("second handshake ok=%d\n", handshake(cb2, sb2));
        printf("second: client reused=%d server reused=%d\n",
               SSL_session_reused(ssl_of(cb2)), SSL_session_reused(ssl_of(sb2)));
    }

    BIO_free_all(sbuf);
    BIO_free_all(cb);
    BIO_free_all(sb2);
    BIO_free_all(cb2);
    print_err("free");
}

/* BIO_set_ssl over an SSL that has its own memory BIOs: the read BIO becomes
 * the filter's next BIO; with BIO_NOCLOSE the SSL survives BIO_free_all. */
static void set_ssl_existing(SSL_CTX *cctx)
{
    SSL *s = SSL_new(cctx);
    BIO *rm = BIO_new(BIO_s_mem()), *wm = BIO_new(BIO_s_mem());
    BIO *f = BIO_new(BIO_f_ssl());
    BIO *nul = BIO_new(BIO_s_null());
    long r;

    printf("== BIO_set_ssl over memory BIOs ==\n");
    SSL_set_bio(s, rm, wm);
    /* something already after the filter moves behind the SSL's read BIO */
    BIO_push(f, nul);
    r = BIO_set_ssl(f, s, BIO_NOCLOSE);
    printf("set_ssl=%ld next is rbio=%d after rbio is old next=%d get_close=%d\n", r,
           BIO_next(f) == rm, BIO_next(rm) == nul, BIO_get_close(f));
    r = BIO_set_ssl_mode(f, 1);
    printf("set_ssl_mode=%ld is_server=%d\n", r, SSL_is_server(s));
    r = BIO_do_handshake(f);
    flags("client", "BIO_do_handshake", f, r);
    printf("wpending>0=%d ctrl_wpending>0=%d pending=%d\n", BIO_wpending(f) > 0,
           BIO_ctrl_wpending(f) > 0, BIO_pending(f));
    printf("eof=%d info=%ld\n", (int)BIO_eof(f), BIO_ctrl(f, BIO_CTRL_INFO, 0, NULL));
    r = BIO_set_ssl_renegotiate_bytes(f, 100000);
    printf("renegotiate bytes: %ld", r);
    r = BIO_set_ssl_renegotiate_bytes(f, 10);
    printf(" %ld", r);
    r = BIO_set_ssl_renegotiate_bytes(f, 0);
    printf(" %ld\n", r);
    r = BIO_set_ssl_renegotiate_timeout(f, 300);
    printf("renegotiate timeout: %ld", r);
    r = BIO_set_ssl_renegotiate_timeout(f, 10);
    printf(" %ld", r);
    r = BIO_set_ssl_renegotiate_timeout(f, 0);
    printf(" %ld num=%ld\n", r, BIO_get_num_renegotiates(f));
    r = BIO_set_close(f, BIO_NOCLOSE);
    printf("set_close=%ld get_close=%d\n", r, BIO_get_close(f));
    BIO_free_all(f);
    printf("SSL still usable: rbio kept=%d in_init=%d\n", SSL_get_rbio(s) == rm, SSL_in_init(s));
    /* the null BIO stayed chained after rm, which the SSL still holds */
    SSL_free(s);
    print_err("free");

    /* a second BIO_set_ssl on a filter that owns an SSL frees that SSL */
    f = BIO_new_ssl(cctx, 1);
    s = SSL_new(cctx);
    rm = BIO_new(BIO_s_mem());
    wm = BIO_new(BIO_s_mem());
    SSL_set_bio(s, rm, wm);
    SSL_set_accept_state(s);
    r = BIO_set_ssl(f, s, BIO_CLOSE);
    printf("replace: set_ssl=%ld now holds new=%d next is its rbio=%d get_close=%d\n", r,
           ssl_of(f) == s, BIO_next(f) == rm, BIO_get_close(f));
    r = BIO_do_handshake(f);
    flags("server", "BIO_do_handshake (nothing to read)", f, r);
    BIO_free_all(f);
    print_err("free");
}

/* BIO_pop detaches the transport; BIO_reset restarts; BIO_dup_chain copies. */
static void pop_reset_dup(SSL_CTX *cctx, SSL_CTX *sctx)
{
    BIO *cb, *sb, *ce, *dup;
    SSL *s;
    long r;

    printf("== pop / reset / dup ==\n");
    cb = BIO_new_ssl(cctx, 1);
    dup = BIO_dup_chain(cb);
    printf("dup before handshake: ok=%d distinct SSL=%d dup is_server=%d\n", dup != NULL,
           ssl_of(dup) != ssl_of(cb), SSL_is_server(ssl_of(dup)));
    BIO_free_all(dup);
    BIO_free_all(cb);

    make_filters(cctx, sctx, &cb, &sb);
    printf("handshake ok=%d\n", handshake(cb, sb));
    r = BIO_write(cb, "abc", 3);
    printf("client write=%ld\n", r);
    r = BIO_reset(cb);
    printf("client BIO_reset=%ld\n", r);
    print_err("client");
    s = ssl_of(cb);
    printf("after reset: in_before=%d is_server=%d get_shutdown=%d\n", SSL_in_before(s),
           SSL_is_server(s), SSL_get_shutdown(s));

    ce = BIO_next(cb);
    BIO_pop(cb);
    printf("after pop: rbio=%d wbio=%d next=%d\n", SSL_get_rbio(s) != NULL,
           SSL_get_wbio(s) != NULL, BIO_next(cb) != NULL);
    r = BIO_do_handshake(cb);
    flags("client", "BIO_do_handshake without transport", cb, r);
    /* push it back: the transport again */
    BIO_push(cb, ce);
    printf("pushed back: transport=%d\n", SSL_get_rbio(s) == ce);
    BIO_free_all(cb);
    BIO_free_all(sb);
    print_err("free");
}

static void null_args(void)
{
    printf("== NULL arguments ==\n");
    printf("BIO_new_ssl(NULL)=%p\n", (void *)BIO_new_ssl(NULL, 1));
    print_err("new_ssl");
    printf("BIO_new_ssl_connect(NULL)=%p\n", (void *)BIO_new_ssl_connect(NULL));
    print_err("new_ssl_connect");
    printf("BIO_new_buffer_ssl_connect(NULL)=%p\n", (void *)BIO_new_buffer_ssl_connect(NULL));
    print_err("new_buffer_ssl_connect");
    printf("BIO_ssl_copy_session_id(NULL, NULL)=%d\n", BIO_ssl_copy_session_id(NULL, NULL));
    print_err("copy_session_id");
    BIO_ssl_shutdown(NULL);
    print_err("ssl_shutdown");
}

static void connect_s_server(int buffered)
{
    const char *extra[] = { "-www", NULL };
    child_t srv;
    SSL_CTX *ctx = make_client_ctx(SSL_VERIFY_PEER);
    char host[64], line[512];
    BIO *b;
    SSL *s;
    int port, n, lines = 0, saw_new = 0, saw_end = 0;
    long r;

    printf("== %s to s_server -www ==\n",
           buffered ? "BIO_new_buffer_ssl_connect" : "BIO_new_ssl_connect");
    port = start_s_server(&srv, "server-p256.pem", "server-p256.key", extra);
    b = buffered ? BIO_new_buffer_ssl_connect(ctx) : BIO_new_ssl_connect(ctx);
    s = ssl_of(b);
    SSL_set1_host(s, "localhost");
    SSL_set_tlsext_host_name(s, "localhost");
    snprintf(host, sizeof(host), "127.0.0.1:%d", port);
    BIO_set_conn_hostname(b, host);
    printf("chain: %s", BIO_method_name(b));
    for (BIO *x = BIO_next(b); x != NULL; x = BIO_next(x))
        printf(" -> %s", BIO_method_name(x));
    printf("\n");
    r = BIO_do_connect(b);
    flags("client", "BIO_do_connect", b, r);
    printf("client: BIO_get_fd>=0 %d\n", BIO_get_fd(b, NULL) >= 0);
    print_session_info("client", s);
    print_verify_result("client", s);
    r = BIO_puts(b, "GET / HTTP/1.0\r\n\r\n");
    flags("client", "BIO_puts", b, r);
    r = BIO_flush(b);
    flags("client", "BIO_flush", b, r);
    if (buffered) {
        while ((n = BIO_gets(b, line, sizeof(line))) > 0) {
            if (lines++ == 0) {
                printf("status line: ");
                print_escaped(line, strcspn(line, "\r\n"));
                printf("\n");
            }
            saw_new |= strncmp(line, "New, ", 5) == 0;
            saw_end |= strstr(line, "</HTML>") != NULL;
        }
        printf("BIO_gets end ret=%d\n", n);
    } else {
        char *page = malloc(65536);
        size_t got = 0;

        while (got < 65535 && (n = BIO_read(b, page + got, (int)(65535 - got))) > 0)
            got += (size_t)n;
        page[got] = '\0';
        printf("BIO_read end ret=%d\n", n);
        printf("status line: ");
        print_escaped(page, strcspn(page, "\r\n"));
        printf("\n");
        saw_new = strstr(page, "\nNew, ") != NULL;
        saw_end = strstr(page, "</HTML>") != NULL;
        free(page);
    }
    print_err("client");
    printf("New line=%d ends with </HTML>=%d get_shutdown=%d\n", saw_new, saw_end,
           SSL_get_shutdown(s));
    BIO_ssl_shutdown(b);
    print_err("client");
    printf("s_server exit=%d\n", wait_child(&srv, 10000));
    free(child_output(&srv));
    BIO_free_all(b);
    SSL_CTX_free(ctx);
}

int main(int argc, char **argv)
{
    SSL_CTX *cctx, *sctx;

    test_init(argc, argv);
    cctx = make_client_ctx(SSL_VERIFY_PEER);
    sctx = make_server_ctx("server-p256.pem", "server-p256.key");
    basics();
    exchange_through_buffer(cctx, sctx, TLS1_3_VERSION);
    exchange_through_buffer(cctx, sctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(cctx, 0);
    set_ssl_existing(cctx);
    pop_reset_dup(cctx, sctx);
    null_args();
    connect_s_server(0);
    connect_s_server(1);
    SSL_CTX_free(cctx);
    SSL_CTX_free(sctx);
    return test_end();
}
