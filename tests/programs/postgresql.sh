#!/usr/bin/env bash
# postgresql.sh [--lib DIR] -- PostgreSQL (Debian 12's postgresql 15) server and psql on oxissl.
#
# One private cluster (initdb into $WORK, run as the postgres user with runuser, listening on
# 127.0.0.1 on a free port and on a Unix socket in $WORK, stopped at exit; the system's
# clusters are never touched) is started three times: on the system libssl (the OpenSSL 3.0
# baseline), on oxissl through LD_LIBRARY_PATH (`path`) and through LD_PRELOAD (`preload`).
# Its SSL settings live in an included file:
#     ssl = on
#     ssl_cert_file = server-int.pem        the localhost leaf ONLY (signed by the intermediate)
#     ssl_key_file  = server-int.key
#     ssl_ca_file   = int.pem + ca.pem      the intermediate CA and the root
# so a client that trusts only the root can verify the server only if the server completes
# its chain from ssl_ca_file (OpenSSL's automatic chain building; on oxissl this was a bug,
# fixed in commit 1d7b181 "automatic chain completion"). pg_hba.conf:
#     hostssl certuser   cert map=certmap     (pg_ident: "oxissl test client" -> certuser)
#     hostssl scramuser  scram-sha-256
#     hostssl all        trust
#     host    all        reject               (no plaintext TCP)
#
# Against each run, psql (libpq) twice: on the same library as the server ("same": system,
# oxissl path, oxissl preload) and on the other one ("other": oxissl path against the
# system server, the system libssl against the oxissl servers). Scenarios:
#   chain       sslmode=verify-full sslrootcert=ca.pem (root only), host=localhost ->
#               connects; pg_stat_ssl (ssl, version, cipher, bits, client_dn, issuer_dn)
#               of the own backend: t|TLSv1.3|TLS_AES_256_GCM_SHA384|256||
#   tls12       the same with ssl_max_protocol_version=TLSv1.2 -> pg_stat_ssl and psql's
#               \conninfo: TLSv1.2, ECDHE-ECDSA-AES256-GCM-SHA384 (server-int is P-256)
#   cert        user certuser with sslcert/sslkey = client.pem -> accepted, pg_stat_ssl
#               shows client_dn /O=oxissl test/CN=oxissl test client and the root as issuer;
#               the server logs identity="CN=oxissl test client,O=oxissl test" method=cert
#   nocert      user certuser without a certificate -> refused: FATAL "connection requires
#               a valid client certificate"
#   badcert     a client certificate from an unknown CA (unknownca.pem) -> the server refuses
#               the handshake: psql "SSL error: tlsv1 alert unknown ca", the server logs
#               "could not accept SSL connection: certificate verify failed"
#   badroot     sslrootcert=ca2.pem (another root) -> psql "SSL error: certificate verify
#               failed", the server logs "... tlsv1 alert unknown ca"
#   cbind       SCRAM-SHA-256 with channel_binding=require (tls-server-end-point: the hash
#               of the server certificate, on both ends) -> accepted
#   reload      the included file rewritten to the RSA localhost certificate (server-rsa,
#               signed by the root) and the configuration reloaded (SIGHUP: the postmaster
#               builds a new SSL_CTX) -> new connections verify and get
#               ECDHE-RSA-AES256-GCM-SHA384 at TLS 1.2
# Every expectation is checked on the baseline too; the observations of each oxissl run
# (query output, psql's error line, the server's log lines about the connection) must
# equal the baseline's. /proc/PID/maps: the postmaster, the backend serving a probe
# connection (found in pg_stat_activity) and the psql process itself (client "same" and
# "other") have the intended libssl mapped. The server log must have no "not supported by
# oxissl", PANIC or "terminated by signal" lines.
#
# If PostgreSQL is missing it is installed (apt-get, service starts denied). Needs root
# (runuser -u postgres). FULL=1 adds tools/oxissl-check's verdict for postgres and psql
# (a few seconds each). KEEP=1 keeps the work directory. About 25 s on 2 busy cores.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"
# the daemons' users write to /dev/null; a regular file left there by something else breaks them
[ -c /dev/null ] || { echo "/dev/null is not a character device (mknod -m 666 /dev/null c 1 3 restores it)" >&2; exit 2; }

export LC_ALL=C
[ "$(id -u)" -eq 0 ] || { echo "postgresql.sh runs a private cluster as the postgres user: run it as root" >&2; exit 2; }

# ---------------------------------------------------------------- packages present?
find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
BIN=$(find_bin)
if [ -z "$BIN" ] || [ ! -x "$BIN/postgres" ] || [ ! -x "$BIN/psql" ] || [ ! -x "$BIN/initdb" ]; then
    need_packages postgresql:/usr/lib/postgresql
    BIN=$(find_bin)
    [ -n "$BIN" ] && [ -x "$BIN/postgres" ] || { echo "could not install postgresql" >&2; exit 2; }
fi
id postgres >/dev/null 2>&1 || { echo "no postgres user" >&2; exit 2; }
command -v runuser >/dev/null || { echo "runuser is needed" >&2; exit 2; }
echo "postgresql: $("$BIN/postgres" --version)"

# FULL=1: tools/oxissl-check's verdict for each binary (exit 0: everything implemented, 1:
# some functions only fail cleanly, 2: it would not load); a few seconds each (it
# disassembles the callers of SSL_ctrl), so not in the default run
if [ -n "${FULL:-}" ]; then
    for b in "$BIN/postgres" "$BIN/psql"; do
        v=$("$ROOT/tools/oxissl-check" --lib "$LIBDIR" --quiet "$b" 2>&1); r=$?
        echo "  $v"
        if [ $r -le 1 ]; then ok "oxissl-check $(basename "$b"): every libssl function it imports is exported (exit $r)"
        else bad "oxissl-check $(basename "$b")" "exit $r: $v"; fi
    done
fi
# nothing from the caller's environment steers libpq
for v in $(env | grep -o '^PG[A-Z_]*='); do unset "${v%=}"; done

MODES=(system path preload)
chmod 755 "$WORK"

# ---------------------------------------------------------------- helpers
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
mapped() { awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$1/maps" 2>/dev/null | sort -u | tr '\n' ' '; }

# ---------------------------------------------------------------- the cluster
DATA=$WORK/pgdata
SOCK=$WORK/sock
SSLD=$WORK/ssl
mkdir -p "$SOCK" "$SSLD" "$WORK/home" "$DATA"
chmod 700 "$DATA"
chown postgres "$DATA"
cp "$PKI/server-int.pem" "$PKI/server-int.key" "$PKI/server-rsa.pem" "$PKI/server-rsa.key" "$SSLD/"
cat "$PKI/int.pem" "$PKI/ca.pem" >"$SSLD/cafile.pem"
chmod 600 "$SSLD"/*.key
chown -R postgres "$SOCK" "$SSLD"
# psql's own copies of the client keys (libpq wants a private key file not readable by others)
cp "$PKI/client.key" "$PKI/unknownca.key" "$WORK/home/"
chmod 600 "$WORK/home/"*.key

PGUSER_RUN=(runuser -u postgres --)
if ! "${PGUSER_RUN[@]}" env -u LD_LIBRARY_PATH -u LD_PRELOAD "$BIN/initdb" -D "$DATA" -A trust -U postgres \
    --no-sync -E UTF8 --locale=C >"$WORK/initdb.log" 2>&1; then
    bad "initdb" "$(tail -3 "$WORK/initdb.log" | tr '\n' ' ')"
    finish
    exit 1
fi
cat >"$DATA/pg_hba.conf" <<EOF
local   all  all                      trust
hostssl all  certuser   127.0.0.1/32  cert map=certmap
hostssl all  scramuser  127.0.0.1/32  scram-sha-256
hostssl all  all        127.0.0.1/32  trust
host    all  all        127.0.0.1/32  reject
EOF
cat >"$DATA/pg_ident.conf" <<EOF
certmap  "oxissl test client"  certuser
EOF
cat >>"$DATA/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCK'
logging_collector = off
log_connections = on
log_line_prefix = '%m [%p] '
fsync = off
include '$WORK/ssl.conf'
EOF
# ssl_conf CERTNAME: the included SSL settings with SSLD/CERTNAME.pem and .key
ssl_conf() {
    cat >"$WORK/ssl.conf" <<EOF
ssl = on
ssl_cert_file = '$SSLD/$1.pem'
ssl_key_file = '$SSLD/$1.key'
ssl_ca_file = '$SSLD/cafile.pem'
EOF
    chown postgres "$WORK/ssl.conf"
}
ssl_conf server-int
chown -R postgres "$DATA"

# admin SQL over the Unix socket (no TLS), psql on the system libssl
admin() { on_system "$BIN/psql" -X -At -h "$SOCK" -p "$PORT" -U postgres -d postgres "$@"; }

# start_pg MODE: the postmaster on MODE's libssl; sets PM (its pid)
start_pg() {
    local i
    PORT=$(free_port)
    modeenv "$1"
    rm -f "$DATA/postmaster.pid"
    : >"$D/server.log"
    chown postgres "$D/server.log"
    "${PGUSER_RUN[@]}" "${MODEENV[@]}" "$BIN/postgres" -D "$DATA" -c port="$PORT" >>"$D/server.log" 2>&1 &
    local bg=$!
    PIDS+=("$bg")
    PM=
    for i in $(seq 150); do
        grep -q 'ready to accept connections' "$D/server.log" && break
        kill -0 "$bg" 2>/dev/null || break
        sleep 0.1
    done
    PM=$(head -1 "$DATA/postmaster.pid" 2>/dev/null)
    [ -n "$PM" ] || return 1
    PIDS+=("$PM")
    wait_port "$PORT"
}
stop_pg() {
    local i
    [ -n "${PM:-}" ] || return 0
    kill -INT "$PM" 2>/dev/null    # fast shutdown
    for i in $(seq 100); do kill -0 "$PM" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PM" 2>/dev/null
    PM=
}

# pq CLIENTMODE CONNINFO-EXTRA PSQL-ARGS…: psql over TCP+TLS on CLIENTMODE's libssl;
# stdout and stderr (port numbers replaced by PORT) into OUT, exit status returned
pq() {
    local cm=$1 extra=$2 rc; shift 2
    modeenv "$cm"
    OUT=$(timeout 20 "${MODEENV[@]}" HOME="$WORK/home" "$BIN/psql" -X -At \
        "host=localhost hostaddr=127.0.0.1 port=$PORT dbname=postgres connect_timeout=10 $extra" "$@" 2>&1)
    rc=$?
    OUT=${OUT//$PORT/PORT}
    return $rc
}
# new_log_lines: the log lines of the backends that received a TCP connection since the
# last call (each waited for until it exits), without timestamps, pids and ports, and
# without the connection bookkeeping lines
LOGPOS=0
new_log_lines() {
    local n pids p i
    n=$(wc -l <"$D/server.log")
    pids=$(sed -n "$((LOGPOS + 1)),${n}p" "$D/server.log" |
        sed -nE 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[([0-9]+)\] LOG:  connection received: host=127\.0\.0\.1 .*/\1/p')
    LOGPOS=$n
    for p in $pids; do
        for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
    done
    for p in $pids; do
        grep -E "^[0-9-]+ [0-9:.]+ [A-Z]+ \[$p\] " "$D/server.log"
    done | sed -E 's/^[0-9-]+ [0-9:.]+ [A-Z]+ \[[0-9]+\] //; s/port=[0-9]+/port=PORT/' |
        grep -vE '^LOG:  connection (received|authorized)'
}
skip_log() { LOGPOS=$(wc -l <"$D/server.log"); }

STAT="SELECT ssl, version, cipher, bits, client_dn, issuer_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
VFULL="sslmode=verify-full sslrootcert=$PKI/ca.pem"
CLIENT_CERT="sslcert=$PKI/client.pem sslkey=$WORK/home/client.key"

# expect NAME KEY WANT-REGEX: record OUT and the server's log lines under KEY; ok when
# the exit status RC is as wanted (0 or not) and OUT matches WANT-REGEX
expect() {
    local name=$1 key=$2 want=$3 wantrc=$4 logl
    new_log_lines >"$D/loglines"    # not in a subshell: it advances LOGPOS
    logl=$(cat "$D/loglines")
    LOGL=$logl
    record "$key" "rc=$([ "$RC" -eq 0 ] && echo 0 || echo fail)|$(flat "$OUT")|log: $(flat "$logl")"
    if { [ "$wantrc" = 0 ] && [ "$RC" -eq 0 ]; } || { [ "$wantrc" != 0 ] && [ "$RC" -ne 0 ]; }; then
        if [[ $OUT =~ $want ]]; then ok "$name"; return 0; fi
    fi
    bad "$name" "rc=$RC, got '$(flat "$OUT")'; server: '$(flat "$logl")'"
    return 1
}

# probe CLIENTMODE: a connection that stays open a second; the psql process, its backend
# and the postmaster must have the intended libssl mapped
probe() {
    local cm=$1 i cpid bpid= name
    modeenv "$cm"
    "${MODEENV[@]}" HOME="$WORK/home" "$BIN/psql" -X -At \
        "host=localhost hostaddr=127.0.0.1 port=$PORT dbname=postgres user=postgres $VFULL application_name=mapsprobe" \
        -c "SELECT pg_sleep(1.5)" >"$D/probe.out" 2>&1 &
    cpid=$!
    for i in $(seq 100); do
        bpid=$(admin -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'mapsprobe'" 2>/dev/null | head -1)
        [ -n "$bpid" ] && break
        kill -0 "$cpid" 2>/dev/null || break
        sleep 0.05
    done
    name="$L: psql on $(label "$cm") (pid $cpid), its backend (pid ${bpid:-?}) and the postmaster (pid $PM) have the intended libssl mapped"
    if [ -n "$bpid" ] && libs_check "$cm" "$cpid" && libs_check "$MODE" "$bpid" && libs_check "$MODE" "$PM"; then
        ok "$name"
    else
        bad "$name" "psql: $(mapped "$cpid"); backend: $( [ -n "$bpid" ] && mapped "$bpid"); postmaster: $(mapped "$PM")"
    fi
    wait "$cpid" 2>/dev/null
    skip_log
}

# wait_reload: until a new backend sees a configuration load time after BEFORE
wait_reload() {
    local i t
    for i in $(seq 50); do
        t=$(admin -c "SELECT pg_conf_load_time() > '$BEFORE'::timestamptz" 2>/dev/null)
        [ "$t" = t ] && return 0
        sleep 0.1
    done
    return 1
}

scenarios() {
    local c who k
    for c in same other; do
        local cm=$MODE
        if [ $c = other ]; then if [ "$MODE" = system ]; then cm=path; else cm=system; fi; fi
        who="psql on $(label "$cm")"
        probe "$cm"
        skip_log
        pq "$cm" "$VFULL user=postgres" -c "$STAT"; RC=$?
        expect "$L: verify-full with only the root CA, the chain completed from ssl_ca_file ($who)" \
            "chain-$c" '^t\|TLSv1\.3\|TLS_AES_256_GCM_SHA384\|256\|\|$' 0
        pq "$cm" "$VFULL user=postgres ssl_max_protocol_version=TLSv1.2" -c "$STAT" -c '\conninfo'; RC=$?
        expect "$L: TLS 1.2, pg_stat_ssl and \\conninfo ($who)" "tls12-$c" \
            '^t\|TLSv1\.2\|ECDHE-ECDSA-AES256-GCM-SHA384\|256\|\|'$'\n''.*SSL connection \(protocol: TLSv1\.2, cipher: ECDHE-ECDSA-AES256-GCM-SHA384, compression: off\)' 0
        pq "$cm" "$VFULL user=certuser $CLIENT_CERT" -c "$STAT"; RC=$?
        expect "$L: hostssl cert, client certificate accepted ($who)" "cert-$c" \
            '^t\|TLSv1\.3\|TLS_AES_256_GCM_SHA384\|256\|/O=oxissl test/CN=oxissl test client\|/O=oxissl test/CN=oxissl test root CA$' 0 &&
            { grep -q 'identity="CN=oxissl test client,O=oxissl test" method=cert' <<<"$LOGL" ||
                bad "$L: the server logs the certificate identity ($who)" "$(flat "$LOGL")"; }
        pq "$cm" "$VFULL user=certuser" -c "SELECT 1"; RC=$?
        expect "$L: hostssl cert without a client certificate refused ($who)" "nocert-$c" \
            'FATAL:  connection requires a valid client certificate' 1
        pq "$cm" "$VFULL user=postgres sslcert=$PKI/unknownca.pem sslkey=$WORK/home/unknownca.key" -c "SELECT 1"; RC=$?
        expect "$L: a client certificate from an unknown CA refused in the handshake ($who)" "badcert-$c" \
            'SSL error: tlsv1 alert unknown ca' 1
        pq "$cm" "sslmode=verify-full sslrootcert=$PKI/ca2.pem user=postgres" -c "SELECT 1"; RC=$?
        expect "$L: sslrootcert of another CA: certificate verify failed ($who)" "badroot-$c" \
            'SSL error: certificate verify failed' 1
        pq "$cm" "$VFULL user=scramuser password=pw channel_binding=require" -c "SELECT 'bound'"; RC=$?
        expect "$L: SCRAM-SHA-256 with channel_binding=require ($who)" "cbind-$c" '^bound$' 0
    done
    # reload with another certificate: a new SSL_CTX in the running postmaster
    BEFORE=$(admin -c "SELECT now()")
    ssl_conf server-rsa
    admin -c "SELECT pg_reload_conf()" >/dev/null
    if wait_reload; then
        skip_log
        for c in same other; do
            local cm=$MODE
            if [ $c = other ]; then if [ "$MODE" = system ]; then cm=path; else cm=system; fi; fi
            who="psql on $(label "$cm")"
            pq "$cm" "$VFULL user=postgres ssl_max_protocol_version=TLSv1.2" -c "$STAT"; RC=$?
            expect "$L: after a reload with the RSA certificate, TLS 1.2 ($who)" "reload-$c" \
                '^t\|TLSv1\.2\|ECDHE-RSA-AES256-GCM-SHA384\|256\|\|$' 0
        done
    else
        bad "$L: configuration reload" "no new configuration load time"
    fi
    ssl_conf server-int
}

# ---------------------------------------------------------------- runs
for MODE in "${MODES[@]}"; do
    D=$WORK/run-$MODE
    mkdir -p "$D"
    chown postgres "$D"
    L="postgres on $(label "$MODE")"
    LOGPOS=0
    if ! start_pg "$MODE"; then
        bad "$L: postgres starts" "$(tail -5 "$D/server.log" | tr '\n' ' ')"
        stop_pg
        continue
    fi
    ok "$L: postgres starts (ssl = on, leaf-only ssl_cert_file, ssl_ca_file with intermediate + root)"
    if [ "$MODE" = system ]; then
        admin -c "SET password_encryption = 'scram-sha-256'" -c "CREATE USER certuser" \
            -c "CREATE USER scramuser PASSWORD 'pw'" >/dev/null 2>"$WORK/admin.err" ||
            bad "creating the roles" "$(cat "$WORK/admin.err")"
    fi
    scenarios
    stop_pg
    errs=$(grep -E 'not supported by oxissl|PANIC|terminated by signal|could not load|panicked' "$D/server.log" | sort -u)
    if [ -z "$errs" ]; then ok "$L: server log clean"
    else bad "$L: server log clean" "$(head -5 <<<"$errs" | tr '\n' ' ')"; fi
done

for MODE in path preload; do
    L="postgres on oxissl ($MODE)"
    [ -s "$WORK/obs.$MODE" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$MODE") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: same observations as the system libssl"
    else bad "$L: same observations as the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done
[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] || echo "(KEEP=1 keeps the cluster, the server logs and the observations)"
finish
