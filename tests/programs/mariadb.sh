#!/usr/bin/env bash
# mariadb.sh [--lib DIR] -- MariaDB (Debian 12's mariadb-server and mariadb-client 10.11)
# server and client on oxissl.
#
# Debian 12 builds both mariadbd and the mariadb client (libmariadb, compiled in) with
# OpenSSL: both link libssl.so.3 (checked here with ldd), so both are run on each library.
#
# One private server (mariadb-install-db into $WORK, mariadbd --no-defaults --user=mysql,
# TCP on 127.0.0.1 on a free port and a Unix socket in $WORK, stopped at exit; the system's
# MariaDB is never touched) is started three times: on the system libssl (the OpenSSL 3.0
# baseline), on oxissl through LD_LIBRARY_PATH (`path`) and through LD_PRELOAD (`preload`):
#     --ssl-cert = server-int.pem       the localhost leaf only (signed by the intermediate)
#     --ssl-key  = server-int.key
#     --ssl-ca   = int.pem + ca.pem     (the server completes its chain from it, and verifies
#                                        client certificates with it)
# Users: tlsuser REQUIRE SSL; x509user REQUIRE X509; subjuser REQUIRE SUBJECT
# '/O=oxissl test/CN=oxissl test client' AND ISSUER '/O=oxissl test/CN=oxissl test root CA'.
# Against each run, the mariadb client on the same library ("same") and on the other one
# ("other": oxissl path against the system server, the system libssl against the oxissl
# servers), all with --ssl --ssl-ca=ca.pem (the root only) --ssl-verify-server-cert:
#   tls       tlsuser, -h localhost -> SHOW STATUS Ssl_version TLSv1.3, Ssl_cipher
#             TLS_AES_256_GCM_SHA384, Ssl_verify_mode, Ssl_server_not_before/after
#   tls12     --tls-version=TLSv1.2 -> TLSv1.2, ECDHE-ECDSA-AES256-GCM-SHA384
#   ip        -h 127.0.0.1 (the certificate's IP address SAN) -> connects
#   x509      x509user with --ssl-cert/--ssl-key client.pem -> accepted
#   nox509    x509user without a certificate -> ERROR 1045 Access denied
#   subject   subjuser with client.pem -> accepted (the server's X509_NAME_oneline of the
#             peer certificate's subject and issuer match)
#   nossl     tlsuser with --skip-ssl -> ERROR 1045 Access denied
#   badroot   --ssl-ca=ca2.pem (another root) -> ERROR 2026 "TLS/SSL error: self-signed
#             certificate in certificate chain" (the server sends the root in its chain)
#   badcert   a client certificate from an unknown CA (unknownca.pem) -> refused. TLS 1.3:
#             the client's handshake is done before the server checks the certificate, so
#             the client sees either the server's alert (ERROR 2026 "tlsv1 alert unknown
#             ca") or the reset that follows it (ERROR 2013 "Lost connection ... system
#             error: 104"), a race on either library: only "refused" is compared
# Every expectation is checked on the baseline too; the observations of each oxissl run
# must equal the baseline's, and so must the server's SSL counters at the end (SHOW
# GLOBAL STATUS Ssl_accepts, Ssl_finished_accepts, Ssl_sessions_reused, session cache
# mode and size, verify mode and depth). Ssl_cipher_list is printed, not compared (oxissl
# lists the suites rustls has). /proc/PID/maps: mariadbd and a mariadb client kept
# connected by SELECT SLEEP (same and other) have the intended libssl mapped. The error log
# must have no "not supported by oxissl", [ERROR] or crash ("got signal") lines.
#
# If mariadbd or mariadb is missing, mariadb-server and mariadb-client are installed
# (apt-get, service starts denied; about 70 s). Needs root (mariadbd --user=mysql).
# FULL=1 adds tools/oxissl-check's verdict for mariadbd and mariadb (a few seconds
# each). KEEP=1 keeps the work directory. About 25 s on 2 busy cores.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"
# the daemons' users write to /dev/null; a regular file left there by something else breaks them
[ -c /dev/null ] || { echo "/dev/null is not a character device (mknod -m 666 /dev/null c 1 3 restores it)" >&2; exit 2; }

export LC_ALL=C
[ "$(id -u)" -eq 0 ] || { echo "mariadb.sh runs mariadbd --user=mysql: run it as root" >&2; exit 2; }

# ---------------------------------------------------------------- packages present?
find_progs() {
    MARIADBD=$(command -v mariadbd || { [ -x /usr/sbin/mariadbd ] && echo /usr/sbin/mariadbd; })
    MARIADB=$(command -v mariadb)
    INSTALL_DB=$(command -v mariadb-install-db || { [ -x /usr/bin/mariadb-install-db ] && echo /usr/bin/mariadb-install-db; })
}
find_progs
if [ -z "$MARIADBD" ] || [ -z "$MARIADB" ] || [ -z "$INSTALL_DB" ]; then
    need_packages mariadb-server:/usr/sbin/mariadbd mariadb-client:/usr/bin/mariadb mariadb-server:/usr/bin/mariadb-install-db
    find_progs
fi
id mysql >/dev/null 2>&1 || { echo "no mysql user" >&2; exit 2; }
echo "mariadb: $("$MARIADBD" --version | sed 's/^.*Ver //')"
for b in "$MARIADBD" "$MARIADB"; do
    if on_system ldd "$b" | grep -q 'libssl\.so\.3'; then
        echo "  $b links libssl.so.3: $(on_system ldd "$b" | grep -E 'lib(ssl|crypto|gnutls|wolfssl)' | awk '{print $1}' | tr '\n' ' ')"
    else
        bad "$b links libssl.so.3" "ldd: $(on_system ldd "$b" | grep -iE 'ssl|tls' | tr '\n' ' ') (a client on another TLS library cannot be tested on oxissl)"
    fi
done

# FULL=1: tools/oxissl-check's verdict for each binary (exit 0: everything implemented, 1:
# some functions only fail cleanly, 2: it would not load); a few seconds each (it
# disassembles the callers of SSL_ctrl), so not in the default run
if [ -n "${FULL:-}" ]; then
    for b in "$MARIADBD" "$MARIADB"; do
        v=$("$ROOT/tools/oxissl-check" --lib "$LIBDIR" --quiet "$b" 2>&1); r=$?
        echo "  $v"
        if [ $r -le 1 ]; then ok "oxissl-check $(basename "$b"): every libssl function it imports is exported (exit $r)"
        else bad "oxissl-check $(basename "$b")" "exit $r: $v"; fi
    done
fi

MODES=(system path preload)
chmod 755 "$WORK"

# ---------------------------------------------------------------- helpers
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
mapped() { awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$1/maps" 2>/dev/null | sort -u | tr '\n' ' '; }

# ---------------------------------------------------------------- the server
DATA=$WORK/data
SSLD=$WORK/ssl
mkdir -p "$DATA" "$SSLD" "$WORK/home"
cp "$PKI/server-int.pem" "$PKI/server-int.key" "$SSLD/"
cat "$PKI/int.pem" "$PKI/ca.pem" >"$SSLD/cafile.pem"
chmod 600 "$SSLD"/*.key
chown -R mysql "$DATA" "$SSLD"
SRV_OPTS=(--innodb-buffer-pool-size=16M --innodb-log-file-size=8M --skip-log-bin --skip-name-resolve)
if ! on_system "$INSTALL_DB" --no-defaults --datadir="$DATA" --user=mysql --skip-test-db \
    --auth-root-authentication-method=socket "${SRV_OPTS[@]}" >"$WORK/install-db.log" 2>&1; then
    bad "mariadb-install-db" "$(tail -3 "$WORK/install-db.log" | tr '\n' ' ')"
    finish
    exit 1
fi

# start_db MODE: mariadbd on MODE's libssl; sets SRV (its pid) and PORT
start_db() {
    local i
    PORT=$(free_port)
    modeenv "$1"
    RUN=$D
    SOCK=$RUN/mdb.sock
    "${MODEENV[@]}" "$MARIADBD" --no-defaults --user=mysql --datadir="$DATA" --socket="$SOCK" \
        --port="$PORT" --bind-address=127.0.0.1 --pid-file="$RUN/mdb.pid" --log-error="$RUN/err.log" \
        "${SRV_OPTS[@]}" --ssl-cert="$SSLD/server-int.pem" --ssl-key="$SSLD/server-int.key" \
        --ssl-ca="$SSLD/cafile.pem" >"$RUN/stdout" 2>&1 &
    local bg=$!
    PIDS+=("$bg")
    SRV=$bg
    for i in $(seq 200); do
        grep -q 'ready for connections' "$RUN/err.log" 2>/dev/null && break
        kill -0 "$bg" 2>/dev/null || return 1
        sleep 0.1
    done
    wait_port "$PORT"
}
stop_db() {
    local i
    [ -n "${SRV:-}" ] || return 0
    kill -TERM "$SRV" 2>/dev/null
    for i in $(seq 150); do kill -0 "$SRV" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SRV" 2>/dev/null
    wait "$SRV" 2>/dev/null
    SRV=
}
# admin SQL over the Unix socket as root (unix_socket authentication), without TLS (so
# that the SSL counters count only the scenarios)
admin() { on_system "$MARIADB" --no-defaults --skip-ssl -S "$SOCK" -u root -N -B "$@"; }

# my CLIENTMODE ARGS…: the mariadb client over TCP on CLIENTMODE's libssl; output (port
# numbers replaced by PORT) in OUT, exit status returned
my() {
    local cm=$1 rc; shift
    modeenv "$cm"
    OUT=$(timeout 20 "${MODEENV[@]}" HOME="$WORK/home" "$MARIADB" --no-defaults --protocol=tcp -P "$PORT" \
        --connect-timeout=10 -N -B "$@" 2>&1)
    rc=$?
    OUT=${OUT//$PORT/PORT}
    return $rc
}
Q="SHOW STATUS LIKE 'Ssl_version'; SHOW STATUS LIKE 'Ssl_cipher'; SHOW STATUS LIKE 'Ssl_verify_mode';
   SHOW STATUS LIKE 'Ssl_server_not_before'; SHOW STATUS LIKE 'Ssl_server_not_after'; SELECT CURRENT_USER()"
VERIFY=(--ssl --ssl-ca="$PKI/ca.pem" --ssl-verify-server-cert)
CCERT=(--ssl-cert="$PKI/client.pem" --ssl-key="$PKI/client.key")
# the two certificate dates as OpenSSL prints them (ASN1_TIME_print)
NB=$(on_system openssl x509 -in "$PKI/server-int.pem" -noout -startdate | cut -d= -f2)
NA=$(on_system openssl x509 -in "$PKI/server-int.pem" -noout -enddate | cut -d= -f2)
status_re() { # VERSION CIPHER USER
    printf '^Ssl_version\t%s\nSsl_cipher\t%s\nSsl_verify_mode\t[0-9]+\nSsl_server_not_before\t%s\nSsl_server_not_after\t%s\n%s@%%$' \
        "$1" "$2" "$NB" "$NA" "$3"
}

# expect NAME KEY WANT-REGEX WANTRC: record OUT; ok when the exit status RC is as wanted
# (0 or not) and OUT matches WANT-REGEX
expect() {
    local name=$1 key=$2 want=$3 wantrc=$4
    record "$key" "rc=$([ "$RC" -eq 0 ] && echo 0 || echo fail)|$(flat "$OUT")"
    if { [ "$wantrc" = 0 ] && [ "$RC" -eq 0 ]; } || { [ "$wantrc" != 0 ] && [ "$RC" -ne 0 ]; }; then
        if [[ $OUT =~ $want ]]; then ok "$name"; return 0; fi
    fi
    bad "$name" "rc=$RC, got '$(flat "$OUT")'"
    return 1
}

# probe CLIENTMODE: a client connected for a second; it and mariadbd must have the
# intended libssl mapped
probe() {
    local cm=$1 i cpid n name
    modeenv "$cm"
    "${MODEENV[@]}" HOME="$WORK/home" "$MARIADB" --no-defaults --protocol=tcp -h localhost -P "$PORT" \
        -u tlsuser -ppw "${VERIFY[@]}" -N -B -e "SELECT 'mapsprobe', SLEEP(1.5)" >"$D/probe.out" 2>&1 &
    cpid=$!
    for i in $(seq 100); do
        n=$(admin -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%mapsprobe%' AND ID <> CONNECTION_ID()" 2>/dev/null)
        [ "${n:-0}" -gt 0 ] && break
        kill -0 "$cpid" 2>/dev/null || break
        sleep 0.05
    done
    name="$L: mariadb on $(label "$cm") (pid $cpid) and mariadbd (pid $SRV) have the intended libssl mapped"
    if [ "${n:-0}" -gt 0 ] && libs_check "$cm" "$cpid" && libs_check "$MODE" "$SRV"; then
        ok "$name"
    else
        bad "$name" "mariadb: $(mapped "$cpid"); mariadbd: $(mapped "$SRV"); $(flat "$(cat "$D/probe.out")")"
    fi
    wait "$cpid" 2>/dev/null
}

scenarios() {
    local c who cm
    for c in same other; do
        cm=$MODE
        if [ $c = other ]; then if [ "$MODE" = system ]; then cm=path; else cm=system; fi; fi
        who="mariadb on $(label "$cm")"
        probe "$cm"
        my "$cm" -h localhost -u tlsuser -ppw "${VERIFY[@]}" -e "$Q"; RC=$?
        expect "$L: --ssl-verify-server-cert with only the root CA, TLS 1.3 ($who)" "tls-$c" \
            "$(status_re TLSv1.3 TLS_AES_256_GCM_SHA384 tlsuser)" 0
        my "$cm" -h localhost -u tlsuser -ppw "${VERIFY[@]}" --tls-version=TLSv1.2 -e "$Q"; RC=$?
        expect "$L: --tls-version=TLSv1.2 ($who)" "tls12-$c" \
            "$(status_re TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384 tlsuser)" 0
        my "$cm" -h 127.0.0.1 -u tlsuser -ppw "${VERIFY[@]}" -e "SELECT CURRENT_USER()"; RC=$?
        expect "$L: -h 127.0.0.1 verified against the IP address SAN ($who)" "ip-$c" '^tlsuser@%$' 0
        my "$cm" -h localhost -u x509user -ppw "${VERIFY[@]}" "${CCERT[@]}" -e "$Q"; RC=$?
        expect "$L: REQUIRE X509 with a client certificate ($who)" "x509-$c" \
            "$(status_re TLSv1.3 TLS_AES_256_GCM_SHA384 x509user)" 0
        my "$cm" -h localhost -u x509user -ppw "${VERIFY[@]}" -e "SELECT CURRENT_USER()"; RC=$?
        expect "$L: REQUIRE X509 without a client certificate refused ($who)" "nox509-$c" \
            "^ERROR 1045 \(28000\): Access denied for user 'x509user'@'127.0.0.1' \(using password: YES\)$" 1
        my "$cm" -h localhost -u subjuser -ppw "${VERIFY[@]}" "${CCERT[@]}" -e "SELECT CURRENT_USER()"; RC=$?
        expect "$L: REQUIRE SUBJECT ... AND ISSUER ... with the client certificate ($who)" "subject-$c" '^subjuser@%$' 0
        my "$cm" -h localhost -u tlsuser -ppw --skip-ssl -e "SELECT CURRENT_USER()"; RC=$?
        expect "$L: REQUIRE SSL user without TLS refused ($who)" "nossl-$c" \
            "^ERROR 1045 \(28000\): Access denied for user 'tlsuser'@'127.0.0.1'" 1
        my "$cm" -h localhost -u tlsuser -ppw --ssl --ssl-ca="$PKI/ca2.pem" --ssl-verify-server-cert -e "SELECT 1"; RC=$?
        expect "$L: --ssl-ca of another root: the server certificate refused ($who)" "badroot-$c" \
            '^ERROR 2026 \(HY000\): TLS/SSL error: self-signed certificate in certificate chain$' 1
        my "$cm" -h localhost -u x509user -ppw "${VERIFY[@]}" --ssl-cert="$PKI/unknownca.pem" \
            --ssl-key="$PKI/unknownca.key" -e "SELECT 1"; RC=$?
        # the message is racy on both libraries (see the header): keep only its kind
        if [[ $OUT =~ ^ERROR\ 2026\ \(HY000\):\ TLS/SSL\ error:\ tlsv1\ alert\ unknown\ ca$ ||
              $OUT =~ ^ERROR\ 2013\ \(HY000\):\ Lost\ connection\ to\ server\ at\ \'sending\ authentication\ information\',\ system\ error:\ 104$ ]]; then
            echo "$who: $OUT" >>"$D/badcert.txt"
            OUT="refused (alert unknown ca or connection reset)"
        fi
        expect "$L: a client certificate from an unknown CA refused ($who)" "badcert-$c" '^refused' 1
    done
}

# ---------------------------------------------------------------- runs
for MODE in "${MODES[@]}"; do
    D=$WORK/run-$MODE
    mkdir -p "$D"
    chown mysql "$D"
    L="mariadbd on $(label "$MODE")"
    if ! start_db "$MODE"; then
        bad "$L: mariadbd starts" "$(grep -E 'ERROR|not supported' "$D/err.log" "$D/stdout" 2>/dev/null | tail -5 | tr '\n' ' ')"
        stop_db
        continue
    fi
    ok "$L: mariadbd starts (--ssl-cert leaf only, --ssl-ca intermediate + root)"
    if [ "$MODE" = system ]; then
        admin -e "CREATE USER tlsuser@'%' IDENTIFIED BY 'pw' REQUIRE SSL;
            CREATE USER x509user@'%' IDENTIFIED BY 'pw' REQUIRE X509;
            CREATE USER subjuser@'%' IDENTIFIED BY 'pw' REQUIRE SUBJECT '/O=oxissl test/CN=oxissl test client'
                AND ISSUER '/O=oxissl test/CN=oxissl test root CA'" 2>"$WORK/admin.err" ||
            bad "creating the users" "$(cat "$WORK/admin.err")"
    fi
    scenarios
    g=$(admin -e "SHOW GLOBAL STATUS WHERE Variable_name IN ('Ssl_accepts', 'Ssl_finished_accepts',
        'Ssl_sessions_reused', 'Ssl_session_cache_mode', 'Ssl_session_cache_size', 'Ssl_ctx_verify_mode',
        'Ssl_ctx_verify_depth', 'Ssl_accept_renegotiates')" 2>&1)
    record "global-status" "$(flat "$g")"
    my "$MODE" -h localhost -u tlsuser -ppw "${VERIFY[@]}" -e "SHOW STATUS LIKE 'Ssl_cipher_list'"
    echo "  $L: Ssl_cipher_list (SSL_get_cipher_list of a connection) $(cut -f2 <<<"$OUT")"
    [ -s "$D/badcert.txt" ] && sed 's/^/  unknown-CA client certificate, /' "$D/badcert.txt"
    stop_db
    errs=$(grep -E 'not supported by oxissl|\[ERROR\]|got signal|panicked' "$D/err.log" "$D/stdout" | sort -u)
    if [ -z "$errs" ]; then ok "$L: error log clean"
    else bad "$L: error log clean" "$(head -5 <<<"$errs" | tr '\n' ' ')"; fi
done

for MODE in path preload; do
    L="mariadbd on oxissl ($MODE)"
    [ -s "$WORK/obs.$MODE" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$MODE") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: same observations as the system libssl"
    else bad "$L: same observations as the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done
[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] || echo "(KEEP=1 keeps the data directory, the error logs and the observations)"
finish
