#!/usr/bin/env bash
# redis.sh [--lib DIR] -- Redis (Debian 12's redis-server and redis-tools 7.0) over TLS on
# oxissl: redis-server's TLS port, redis-cli --tls, replication over TLS.
#
# A private redis-server (no plaintext port, TLS on 127.0.0.1 on a free port, no
# persistence, its directory and log in $WORK, stopped at exit; the system's Redis service
# is never touched) is started three times: on the system libssl (the OpenSSL 3.0
# baseline), on oxissl through LD_LIBRARY_PATH (`path`) and through LD_PRELOAD (`preload`):
#     tls-cert-file server-rsa.pem, tls-key-file server-rsa.key, tls-ca-cert-file ca.pem,
#     tls-auth-clients yes, loglevel verbose
# Against each run, redis-cli on the same library ("same") and on the other one ("other":
# oxissl path against the system server, the system libssl against the oxissl servers),
# with --tls --cacert ca.pem -h localhost:
#   cert13     a client certificate (client.pem): PING -> PONG, SET k v -> OK, GET k -> v
#   nocert13   no client certificate -> refused. At TLS 1.3 the client's handshake is done
#              before the server checks; what the client then prints is a race on either
#              library ("Error: Connection reset by peer" when the server's reset wins,
#              "Error: Server closed the connection" when SSL_read gets the
#              certificate_required alert first: OpenSSL's SSL_read returns 0 there too), so
#              only "refused" is compared. The server's log line is compared:
#              "Error accepting a client connection: error:0A0000C7:SSL routines::peer did
#              not return a certificate"
#   badca      --cacert ca2.pem -> "SSL_connect failed: certificate verify failed"
#   CONFIG SET tls-protocols TLSv1.2 (redis builds new SSL_CTXs in the running server):
#   proto12    openssl s_client (system) -brief: "Protocol version: TLSv1.2"
#   cert12     with the client certificate: PING -> PONG
#   nocert12   without: refused in the handshake. The client prints the server's alert:
#              "sslv3 alert handshake failure" from OpenSSL's server, "tlsv13 alert
#              certificate required" from oxissl's (README, Deliberate differences: "Missing
#              client certificate in TLS 1.2", rustls sends certificate_required): each side
#              is checked against its own expectation and printed, the observation compared
#              is "refused: alert"; the server's log line is compared exactly
#   CONFIG SET tls-protocols "TLSv1.2 TLSv1.3", tls-auth-clients optional:
#   optional   PING without a client certificate -> PONG, with one -> PONG
#   replication  a second redis-server on the same library, replica of the first over TLS
#              (tls-replication yes, tls-client-cert-file client.pem, the master's
#              tls-auth-clients back to yes): SET on the master -> GET on the replica within
#              10 s; the replica's INFO says master_link_status:up; its log says "MASTER <->
#              REPLICA sync: Finished with success"
# Every expectation is checked on the baseline too; the observations of each oxissl run
# (replies, the kind of failure, the server's log lines about TLS) must equal the
# baseline's. /proc/PID/maps: redis-server, the replica and a redis-cli blocked in BLPOP
# (same and other) have the intended libssl mapped. No "not supported by oxissl",
# "panicked" or crash lines in the logs.
#
# If redis-server or redis-cli is missing, redis-server and redis-tools are installed
# (apt-get, service starts denied). FULL=1 adds tools/oxissl-check's verdict for
# redis-server and redis-cli (a few seconds each). KEEP=1 keeps the work directory.
# About 30 s on 2 busy cores.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"
# the daemons' users write to /dev/null; a regular file left there by something else breaks them
[ -c /dev/null ] || { echo "/dev/null is not a character device (mknod -m 666 /dev/null c 1 3 restores it)" >&2; exit 2; }

export LC_ALL=C

# ---------------------------------------------------------------- packages present?
find_progs() {
    REDIS_SERVER=$(command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; })
    REDIS_CLI=$(command -v redis-cli)
}
find_progs
if [ -z "$REDIS_SERVER" ] || [ -z "$REDIS_CLI" ]; then
    need_packages redis-server:/usr/bin/redis-server redis-tools:/usr/bin/redis-cli
    find_progs
fi
echo "redis: $("$REDIS_SERVER" --version)"

# FULL=1: tools/oxissl-check's verdict for each binary (exit 0: everything implemented, 1:
# some functions only fail cleanly, 2: it would not load); a few seconds each (it
# disassembles the callers of SSL_ctrl), so not in the default run
if [ -n "${FULL:-}" ]; then
    for b in "$REDIS_SERVER" "$REDIS_CLI"; do
        v=$("$ROOT/tools/oxissl-check" --lib "$LIBDIR" --quiet "$b" 2>&1); r=$?
        echo "  $v"
        if [ $r -le 1 ]; then ok "oxissl-check $(basename "$b"): every libssl function it imports is exported (exit $r)"
        else bad "oxissl-check $(basename "$b")" "exit $r: $v"; fi
    done
fi

MODES=(system path preload)
CA=$PKI/ca.pem

# ---------------------------------------------------------------- helpers
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
mapped() { awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$1/maps" 2>/dev/null | sort -u | tr '\n' ' '; }

# start_redis MODE NAME PORT ARGS…: a redis-server on MODE's libssl, directory and log in
# $D/NAME; its pid in SRVPID
start_redis() {
    local m=$1 name=$2 port=$3 i; shift 3
    mkdir -p "$D/$name"
    modeenv "$m"
    "${MODEENV[@]}" "$REDIS_SERVER" --port 0 --tls-port "$port" --bind 127.0.0.1 \
        --dir "$D/$name" --save '' --appendonly no --daemonize no --loglevel verbose \
        --logfile "$D/$name/redis.log" "$@" >"$D/$name/stdout" 2>&1 &
    SRVPID=$!
    PIDS+=("$SRVPID")
    for i in $(seq 100); do
        grep -q 'Ready to accept connections' "$D/$name/redis.log" 2>/dev/null && break
        kill -0 "$SRVPID" 2>/dev/null || return 1
        sleep 0.1
    done
    wait_port "$port"
}
stop_redis() {
    local p=$1 i
    [ -n "$p" ] || return 0
    kill -TERM "$p" 2>/dev/null
    for i in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
}
# rc CLIENTMODE PORT ARGS…: redis-cli --tls on CLIENTMODE's libssl; output (ports replaced
# by PORT) in OUT, exit status returned
rc_() {
    local cm=$1 port=$2 r; shift 2
    modeenv "$cm"
    OUT=$(timeout 20 "${MODEENV[@]}" "$REDIS_CLI" --tls --cacert "$CA" -h localhost -p "$port" "$@" 2>&1)
    r=$?
    OUT=${OUT//$port/PORT}
    return $r
}
CCERT=(--cert "$PKI/client.pem" --key "$PKI/client.key")
admin() { rc_ system "$PORT" "${CCERT[@]}" "$@" >/dev/null; }
# server_log_since N: the master's log lines after line N about TLS, without pid,
# timestamp and peer port, sorted and unique
LOG=
log_mark() { MARK=$(wc -l <"$LOG"); }
server_tls_lines() {
    sleep 0.2
    tail -n +"$((MARK + 1))" "$LOG" | grep -E 'SSL|TLS|certificate|accepting' |
        sed -E 's/^[0-9]+:[A-Z] [0-9]+ [A-Za-z]+ [0-9]+ [0-9:.]+ [-*#.] //; s/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g; s/ \(conn: [^)]*\)$//' | sort -u
}
# expect NAME KEY WANT-REGEX WANTRC: record OUT (and the server's TLS log lines since the
# mark); ok when the exit status is as wanted and OUT matches
expect() {
    local name=$1 key=$2 want=$3 wantrc=$4 logl
    logl=$(server_tls_lines)
    record "$key" "rc=$([ "$RC" -eq 0 ] && echo 0 || echo fail)|$(flat "$OUT")|log: $(flat "$logl")"
    if { [ "$wantrc" = 0 ] && [ "$RC" -eq 0 ]; } || { [ "$wantrc" != 0 ] && [ "$RC" -ne 0 ]; }; then
        if [[ $OUT =~ $want ]]; then ok "$name"; return 0; fi
    fi
    bad "$name" "rc=$RC, got '$(flat "$OUT")'; server: '$(flat "$logl")'"
    return 1
}
# refused WHO KIND: OUT was one of the two racy TLS 1.3 refusals -> OUT=refused
refused13() {
    if [[ $OUT =~ ^Error:\ (Connection\ reset\ by\ peer|Server\ closed\ the\ connection)$ ]]; then
        echo "  TLS 1.3 without a client certificate, redis-cli on $1 against redis-server on $(label "$MODE"): $OUT"
        OUT="refused (reset or certificate_required alert)"
    fi
}

# probe CLIENTMODE: redis-cli blocked a second in BLPOP; it and the server must have the
# intended libssl mapped
probe() {
    local cm=$1 cpid i name
    modeenv "$cm"
    "${MODEENV[@]}" "$REDIS_CLI" --tls --cacert "$CA" "${CCERT[@]}" -h localhost -p "$PORT" BLPOP nokey 1.5 >"$D/probe.out" 2>&1 &
    cpid=$!
    for i in $(seq 100); do
        rc_ system "$PORT" "${CCERT[@]}" INFO clients
        [[ $OUT == *blocked_clients:1* ]] && break
        kill -0 "$cpid" 2>/dev/null || break
        sleep 0.05
    done
    name="$L: redis-cli on $(label "$cm") (pid $cpid, in BLPOP) and redis-server (pid $SRV) have the intended libssl mapped"
    if libs_check "$cm" "$cpid" && libs_check "$MODE" "$SRV"; then ok "$name"
    else bad "$name" "redis-cli: $(mapped "$cpid"); redis-server: $(mapped "$SRV"); $(cat "$D/probe.out")"; fi
    wait "$cpid" 2>/dev/null
}

clients() { # PHASE: the client scenarios of one server configuration
    local ph=$1 c cm who
    for c in same other; do
        cm=$MODE
        if [ $c = other ]; then if [ "$MODE" = system ]; then cm=path; else cm=system; fi; fi
        who="redis-cli on $(label "$cm")"
        case $ph in
        13)
            probe "$cm"
            log_mark
            rc_ "$cm" "$PORT" "${CCERT[@]}" PING; RC=$?
            local o1=$OUT r1=$RC
            rc_ "$cm" "$PORT" "${CCERT[@]}" SET "k-$c" "v-$cm"; RC=$(( RC + r1 )); OUT="$o1"$'\n'"$OUT"; o1=$OUT r1=$RC
            rc_ "$cm" "$PORT" "${CCERT[@]}" GET "k-$c"; RC=$(( RC + r1 )); OUT="$o1"$'\n'"$OUT"
            OUT=${OUT//v-$cm/v-CLIENT}
            expect "$L: tls-auth-clients yes, a client certificate: PING, SET, GET ($who)" "cert13-$c" \
                '^PONG'$'\n''OK'$'\n''v-CLIENT$' 0
            log_mark
            rc_ "$cm" "$PORT" PING; RC=$?
            refused13 "$(label "$cm")"
            expect "$L: tls-auth-clients yes, no client certificate: refused ($who)" "nocert13-$c" '^refused' 1
            log_mark
            rc_ "$cm" "$PORT" --cacert "$PKI/ca2.pem" "${CCERT[@]}" PING; RC=$?
            expect "$L: --cacert of another root: certificate verify failed ($who)" "badca-$c" \
                '^Could not connect to Redis at localhost:PORT: SSL_connect failed: certificate verify failed$' 1
            ;;
        12)
            log_mark
            rc_ "$cm" "$PORT" "${CCERT[@]}" PING; RC=$?
            expect "$L: tls-protocols TLSv1.2, a client certificate: PING ($who)" "cert12-$c" '^PONG$' 0
            log_mark
            rc_ "$cm" "$PORT" PING; RC=$?
            # the alert the server sends: OpenSSL handshake_failure, oxissl certificate_required
            local want='sslv3 alert handshake failure'
            [ "$MODE" = system ] || want='tlsv13 alert certificate required'
            if [[ $OUT == *"SSL_connect failed: $want"* ]]; then
                echo "  TLS 1.2 without a client certificate, $who against redis-server on $(label "$MODE"): $(head -1 <<<"$OUT")"
                OUT="refused: alert"
            fi
            expect "$L: tls-protocols TLSv1.2, no client certificate: refused with the server's alert, $want ($who)" \
                "nocert12-$c" '^refused: alert$' 1
            ;;
        opt)
            log_mark
            rc_ "$cm" "$PORT" PING; RC=$?
            local o1=$OUT r1=$RC
            rc_ "$cm" "$PORT" "${CCERT[@]}" PING; RC=$(( RC + r1 )); OUT="$o1"$'\n'"$OUT"
            expect "$L: tls-auth-clients optional: PING without and with a client certificate ($who)" "optional-$c" \
                '^PONG'$'\n''PONG$' 0
            ;;
        esac
    done
}

scenarios() {
    clients 13
    admin CONFIG SET tls-protocols TLSv1.2
    local out
    out=$(echo | on_system timeout 10 openssl s_client -brief -connect "127.0.0.1:$PORT" -CAfile "$CA" \
        -cert "$PKI/client.pem" -key "$PKI/client.key" 2>&1 | grep -E '^(Protocol version|Verification):')
    record proto12 "$(flat "$out")"
    if [[ $out == *"Protocol version: TLSv1.2"* ]]; then ok "$L: CONFIG SET tls-protocols TLSv1.2: s_client gets TLSv1.2"
    else bad "$L: CONFIG SET tls-protocols TLSv1.2: s_client gets TLSv1.2" "$(flat "$out")"; fi
    clients 12
    admin CONFIG SET tls-protocols "TLSv1.2 TLSv1.3"
    admin CONFIG SET tls-auth-clients optional
    clients opt
    admin CONFIG SET tls-auth-clients yes
    # replication over TLS
    admin CONFIG SET repl-diskless-sync-delay 0
    local port2 rpid i v info
    port2=$(free_port)
    if ! start_redis "$MODE" replica "$port2" --tls-cert-file "$PKI/server-rsa.pem" --tls-key-file "$PKI/server-rsa.key" \
        --tls-client-cert-file "$PKI/client.pem" --tls-client-key-file "$PKI/client.key" \
        --tls-ca-cert-file "$CA" --tls-replication yes --replicaof 127.0.0.1 "$PORT"; then
        bad "$L: replica starts" "$(tail -3 "$D/replica/redis.log" "$D/replica/stdout" 2>/dev/null | tr '\n' ' ')"
        return
    fi
    rpid=$SRVPID
    admin SET repl-key replicated-value
    for i in $(seq 100); do
        rc_ system "$port2" "${CCERT[@]}" GET repl-key
        v=$OUT
        [ "$v" = replicated-value ] && break
        sleep 0.1
    done
    rc_ system "$port2" "${CCERT[@]}" INFO replication
    info=$(grep -oE '^(role|master_link_status):[a-z]+' <<<"$OUT" | tr -d '\r')
    record replication "$v|$(flat "$info")"
    name="$L: replication over TLS (replica on $(label "$MODE")): the value arrives, link up, full sync finished"
    if [ "$v" = replicated-value ] && [ "$info" = $'role:slave\nmaster_link_status:up' ] &&
        grep -q 'MASTER <-> REPLICA sync: Finished with success' "$D/replica/redis.log"; then ok "$name"
    else bad "$name" "GET: '$v'; $(flat "$info"); $(grep -E 'MASTER|SSL|TLS' "$D/replica/redis.log" | tail -3 | tr '\n' ' ')"; fi
    check "$L: the replica (pid $rpid) has the intended libssl mapped" libs_check "$MODE" "$rpid"
    stop_redis "$rpid"
}

# ---------------------------------------------------------------- runs
for MODE in "${MODES[@]}"; do
    D=$WORK/run-$MODE
    mkdir -p "$D"
    L="redis-server on $(label "$MODE")"
    PORT=$(free_port)
    LOG=$D/master/redis.log
    if ! start_redis "$MODE" master "$PORT" --tls-cert-file "$PKI/server-rsa.pem" --tls-key-file "$PKI/server-rsa.key" \
        --tls-ca-cert-file "$CA" --tls-auth-clients yes; then
        bad "$L: redis-server starts" "$(tail -3 "$LOG" "$D/master/stdout" 2>/dev/null | tr '\n' ' ')"
        stop_redis "$SRVPID"
        continue
    fi
    SRV=$SRVPID
    ok "$L: redis-server starts (TLS port only, tls-auth-clients yes)"
    scenarios
    stop_redis "$SRV"
    errs=$(cat "$D"/*/redis.log "$D"/*/stdout | grep -E 'not supported by oxissl|panicked|crashed|Guru Meditation' | sort -u)
    if [ -z "$errs" ]; then ok "$L: logs clean"
    else bad "$L: logs clean" "$(head -5 <<<"$errs" | tr '\n' ' ')"; fi
done

for MODE in path preload; do
    L="redis-server on oxissl ($MODE)"
    [ -s "$WORK/obs.$MODE" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$MODE") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: same observations as the system libssl"
    else bad "$L: same observations as the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done
[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] || echo "(KEEP=1 keeps the logs and the observations)"
finish
