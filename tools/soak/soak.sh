#!/usr/bin/env bash
# soak.sh [--lib DIR] [--seconds N] [--lib-mode path|preload] [--scale X]
#
# The soak (issue #10 item 5): nginx (Debian's nginx-light, 2 workers) on loopback under a
# mixed load for N seconds (default 600), once on the system libssl (the baseline) and once
# on oxissl (DIR/libssl.so.3, default target/release, through LD_LIBRARY_PATH or LD_PRELOAD).
# The load is tools/soak/load.py, one Python process on the SYSTEM libssl (its
# /proc/PID/maps is checked: oxissl must not be mapped in it): full and resumed handshakes at
# TLS 1.2 and 1.3, keep-alive connections, client certificates, slow clients (one byte at a
# time), clients that vanish mid-handshake, garbage and malformed ClientHellos -- see the
# docstring of load.py. --scale multiplies every rate of load.py (default 1).
#
# Recorded per library (target/soak/<library>/): nginx's error.log and configuration, the
# worker PIDs every second (workers.log), each worker's VmRSS/RssAnon/RssFile/RssShmem every
# 10 s (rss.tsv), the access log's counts (access.counts; the log itself only with KEEP=1),
# the load generator's counters (load.json), CPU seconds used (cpu.txt).  tools/soak/report.py
# then writes the summary (stdout and target/soak/summary.txt) and enforces for oxissl:
#   - 0 worker crashes ("exited on signal" in error.log, or a worker PID change);
#   - the RSS of each worker flat after warm-up: < 5% growth from the sample at 120 s
#     (runs >= 300 s) or at N/3 (shorter runs) to the last one (report.py says which RSS:
#     VmRSS without RssShmem, nginx's shared session cache, and how samples are smoothed);
#   - requests answered (2xx) within a factor of 10 of the baseline;
#   - no [alert]/[crit]/[emerg]/[error] class in error.log that the baseline lacks (the TLS
#     failure reason inside "SSL_do_handshake() failed (SSL: ...)" excepted; listed), and no
#     line in it that nginx did not write (the library printing on stderr);
#   - oxissl mapped in the master and every worker (at the start and at the end), the system
#     libssl mapped in the baseline's, and never oxissl in the load generator.
# Exit status 0 when everything passed, 1 on a failed criterion, 2 when the soak could not run.
# Everything started here is killed on exit (process groups of nginx and the load generator).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LIBDIR=$ROOT/target/release
RUN_SECONDS=600
LIBMODE=path
SCALE=1
usage() { sed -n '2,3p' "$0" | sed 's/^# //' >&2; exit 2; }
while [ $# -gt 0 ]; do
    case $1 in
        --lib) LIBDIR=$(cd "$2" && pwd) || exit 2; shift 2 ;;
        --seconds) RUN_SECONDS=$2; shift 2 ;;
        --lib-mode) LIBMODE=$2; shift 2 ;;
        --scale) SCALE=$2; shift 2 ;;
        -h|--help) usage ;;
        *) echo "soak.sh: unknown argument $1" >&2; usage ;;
    esac
done
case $LIBMODE in path|preload) ;; *) echo "soak.sh: --lib-mode is path or preload" >&2; exit 2 ;; esac
[[ $RUN_SECONDS =~ ^[0-9]+$ ]] && [ "$RUN_SECONDS" -ge 30 ] || { echo "soak.sh: --seconds N, N >= 30" >&2; exit 2; }
[ -e "$LIBDIR/libssl.so.3" ] || { echo "soak.sh: no $LIBDIR/libssl.so.3 (run make lib)" >&2; exit 2; }

# tests/programs/lib.sh: on_system, on_oxissl, maps_check, free_port, wait_port, the test
# PKI ($PKI) and $WORK (removed at exit).  It reads --lib from the positional parameters.
set -- --lib "$LIBDIR"
. "$ROOT/tests/programs/lib.sh"

# A private copy of the library: other builds may replace target/release/libssl.so.3 while
# the soak runs; the copy is what nginx loads, what /proc/PID/maps must show (lib.sh's
# maps_check reads $OXLIB_REAL), and its sha256 is in the summary.
LIBCOPY=$WORK/lib
mkdir -p "$LIBCOPY"
for _ in 1 2 3; do
    s1=$(sha256sum <"$LIBDIR/libssl.so.3")
    cp "$LIBDIR/libssl.so.3" "$LIBCOPY/libssl.so.3"
    s2=$(sha256sum <"$LIBCOPY/libssl.so.3")
    [ "$s1" = "$s2" ] && readelf -d "$LIBCOPY/libssl.so.3" 2>/dev/null | grep -q 'SONAME.*libssl.so.3' && break
    sleep 5     # a build was writing it
done
LIB_SHA=$(sha256sum <"$LIBCOPY/libssl.so.3" | cut -c1-16)
LIB_DATE=$(date -r "$LIBDIR/libssl.so.3" '+%Y-%m-%d %H:%M')
LIBDIR=$LIBCOPY
OXLIB=$LIBCOPY/libssl.so.3
OXLIB_REAL=$(readlink -f "$OXLIB")

OUT=$ROOT/target/soak
mkdir -p "$OUT"
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=$(command -v python3)

# the environments of lib.sh's on_system and on_oxissl, as command prefixes
SYSTEM_ENV=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF)
case $LIBMODE in
    path) OXISSL_ENV=(env -u LD_PRELOAD -u OPENSSL_CONF LD_LIBRARY_PATH="$LIBDIR") ;;
    preload) OXISSL_ENV=(env -u LD_LIBRARY_PATH -u OPENSSL_CONF LD_PRELOAD="$OXLIB_REAL") ;;
esac

GROUPS_TO_KILL=()
soak_cleanup() {
    local g i
    # TERM (nginx: fast shutdown), then KILL whatever is left after 3 s
    for g in "${GROUPS_TO_KILL[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
    for i in $(seq 30); do
        local alive=
        for g in "${GROUPS_TO_KILL[@]}"; do kill -0 -- "-$g" 2>/dev/null && alive=1; done
        [ -z "$alive" ] && break
        sleep 0.1
    done
    for g in "${GROUPS_TO_KILL[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
    cleanup     # lib.sh's: its PIDS, $WORK (the library's copy, the PKI)
}
trap soak_cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- nginx present?
. "$ROOT/tests/programs/packages.bash"
NGINX=$(nginx_binary) || exit 2
"$PYTHON" -c 'import ssl, asyncio' 2>/dev/null || { echo "soak.sh: $PYTHON has no ssl module" >&2; exit 2; }

# Warm-up end: 120 s for runs of 300 s and more, else a third of the run (20 s of 60 s);
# the RSS is sampled every 10 s, so it is rounded to a multiple of 10.
if [ "$RUN_SECONDS" -ge 300 ]; then WARM=120; else WARM=$(( RUN_SECONDS / 3 / 10 * 10 )); fi
[ "$WARM" -ge 10 ] || WARM=10
echo "soak: nginx $("$NGINX" -v 2>&1 | sed 's/.*version: nginx\///'), $RUN_SECONDS s per library, warm-up $WARM s," \
     "oxissl $LIB_SHA ($LIB_DATE, --lib-mode $LIBMODE), load scale $SCALE"

# ---------------------------------------------------------------- one run
# write_conf DIR: nginx.conf, 2 workers, ports in DIR/port.main and DIR/port.cc
write_conf() {
    local d=$1 user=
    mkdir -p "$d/tmp"
    free_port >"$d/port.main"
    free_port >"$d/port.cc"
    [ "$(id -u)" -eq 0 ] && user="user $(id -un) $(id -gn);"
    cat >"$d/nginx.conf" <<EOF
$user
daemon off;
master_process on;
worker_processes 2;
worker_rlimit_nofile 8192;
pid $d/nginx.pid;
lock_file $d/nginx.lock;
error_log $d/error.log info;
events { worker_connections 4096; }
http {
    log_format soak '\$server_port \$connection \$connection_requests \$ssl_protocol \$ssl_session_reused \$status \$request_uri';
    access_log $d/access.log soak buffer=256k flush=5s;
$(nginx_scratch_http "$d")
    keepalive_requests 1000;
    ssl_certificate $PKI/server-p256.pem;
    ssl_certificate_key $PKI/server-p256.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:10m;
    ssl_session_tickets on;

    server {
        listen 127.0.0.1:$(cat "$d/port.main") ssl;
        server_name localhost;
        location / { return 200 "ok\n"; }
    }
    server {
        listen 127.0.0.1:$(cat "$d/port.cc") ssl;
        server_name localhost;
        ssl_verify_client optional;
        ssl_client_certificate $PKI/ca.pem;
        location / { return 200 "\$ssl_client_verify\n"; }
    }
}
EOF
}

workers_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' | sort -n | tr '\n' ' ' | sed 's/ $//'; }

# rss_sample T PID…: one line per worker in rss.tsv
rss_sample() {
    local t=$1 p; shift
    for p in "$@"; do
        awk -v t="$t" -v p="$p" '
            /^VmRSS:/ {v=$2} /^RssAnon:/ {a=$2} /^RssFile:/ {f=$2} /^RssShmem:/ {s=$2}
            END { if (v != "") printf "%s\t%s\t%s\t%s\t%s\t%s\n", t, p, v, a, f, s }' \
            "/proc/$p/status" 2>/dev/null
    done >>"$D/rss.tsv"
}

cpu_seconds() {  # utime+stime of PID in seconds (0 when gone)
    awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.1f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}


# lib_check NAME PID…: the intended libssl mapped in every PID (note to meta on failure)
lib_check() {
    local name=$1 p; shift
    for p in "$@"; do
        if [ "$NAME" = system ]; then
            sys_maps_check "$p" || { echo "maps_fail $name $p: system libssl not mapped (or oxissl mapped)" >>"$D/meta"; continue; }
        else
            maps_check "$p" 2>>"$D/meta.err" || { echo "maps_fail $name $p: oxissl not mapped" >>"$D/meta"; continue; }
        fi
        echo "maps_ok $name $p" >>"$D/meta"
    done
}

# run_one NAME: NAME is system or oxissl
run_one() {
    NAME=$1
    D=$OUT/$NAME
    rm -rf "$D"; mkdir -p "$D"
    write_conf "$D"
    {
        echo "library $NAME"
        [ "$NAME" = oxissl ] && echo "lib_mode $LIBMODE" && echo "lib_sha $LIB_SHA" && echo "lib_date $LIB_DATE"
        echo "seconds $RUN_SECONDS"
        echo "warm $WARM"
        echo "scale $SCALE"
        echo "loadavg $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
    } >"$D/meta"
    # a simple command (not lib.sh's functions) in the background: $! is then nginx's master
    # itself (env and setsid exec), the leader of its own process group
    local envs
    if [ "$NAME" = system ]; then envs=("${SYSTEM_ENV[@]}"); else envs=("${OXISSL_ENV[@]}"); fi
    "${envs[@]}" setsid "$NGINX" -p "$D/" -c "$D/nginx.conf" -e "$D/error.log" >"$D/stdout" 2>&1 &
    local master=$! i
    GROUPS_TO_KILL+=("$master")
    for i in $(seq 100); do
        [ -s "$D/nginx.pid" ] && break
        kill -0 "$master" 2>/dev/null || break
        sleep 0.1
    done
    if ! [ -s "$D/nginx.pid" ] || ! wait_port "$(cat "$D/port.main")" || ! wait_port "$(cat "$D/port.cc")"; then
        echo "soak: nginx on $NAME did not start:" >&2
        grep -hE '\[(emerg|alert|crit)\]' "$D/error.log" "$D/stdout" 2>/dev/null | head -5 >&2
        echo "start_failed" >>"$D/meta"
        return 1
    fi
    local workers=
    for i in $(seq 50); do
        workers=$(workers_of "$master")
        [ "$(wc -w <<<"$workers")" -eq 2 ] && break
        sleep 0.1
    done
    echo "master $master" >>"$D/meta"
    echo "workers $workers" >>"$D/meta"
    lib_check start "$master" $workers

    # the load generator, on the system libssl, in its own process group
    "${SYSTEM_ENV[@]}" setsid "$PYTHON" "$HERE/load.py" --port "$(cat "$D/port.main")" --cc-port "$(cat "$D/port.cc")" \
        --ca "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client.key" \
        --seconds $((RUN_SECONDS + 3)) --scale "$SCALE" --out "$D/load.json" >"$D/load.out" 2>&1 &
    local loader=$!
    GROUPS_TO_KILL+=("$loader")
    sleep 1
    local llibs
    llibs=$(awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$loader/maps" 2>/dev/null | sort -u | tr '\n' ' ')
    echo "loader_libssl $llibs" >>"$D/meta"

    # watch: worker PIDs every second, RSS every 10 s, until RUN_SECONDS after the start
    local t0 now t next_rss=0 cur
    t0=$(date +%s)
    printf 't\tpid\tVmRSS_kB\tRssAnon_kB\tRssFile_kB\tRssShmem_kB\n' >"$D/rss.tsv"
    echo "0 $workers" >"$D/workers.log"
    while :; do
        now=$(date +%s); t=$((now - t0))
        cur=$(workers_of "$master")
        [ "$cur" = "$workers" ] || { echo "$t $cur" >>"$D/workers.log"; workers=$cur; }
        if [ "$t" -ge "$next_rss" ]; then     # recorded at its nominal time (0, 10, 20 s, ...)
            rss_sample "$next_rss" $cur
            next_rss=$((next_rss + 10))
        fi
        [ "$t" -ge "$RUN_SECONDS" ] && break
        kill -0 "$master" 2>/dev/null || { echo "master_died $t" >>"$D/meta"; break; }
        kill -0 "$loader" 2>/dev/null || { echo "loader_died $t" >>"$D/meta"; break; }
        sleep 1
    done
    lib_check end "$master" $(workers_of "$master")
    {
        echo "cpu_master $(cpu_seconds "$master")"
        for p in $(workers_of "$master"); do echo "cpu_worker $p $(cpu_seconds "$p")"; done
        echo "cpu_loader $(cpu_seconds "$loader")"
    } >"$D/cpu.txt"

    # the load generator stops by itself (3 s after the watch, then up to 17 s of draining)
    for i in $(seq 400); do kill -0 "$loader" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$loader" 2>/dev/null; then
        echo "loader_killed" >>"$D/meta"; kill -KILL -- "-$loader" 2>/dev/null
    fi
    wait "$loader" 2>/dev/null; echo "loader_rc $?" >>"$D/meta"

    # graceful stop; the access log buffer is flushed at exit
    kill -QUIT "$master" 2>/dev/null
    for i in $(seq 100); do kill -0 "$master" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$master" 2>/dev/null; then
        echo "nginx_stop_timeout" >>"$D/meta"; kill -KILL -- "-$master" 2>/dev/null
    fi
    wait "$master" 2>/dev/null
    # counts of the access log: server-port/first-request-of-connection/protocol/reused/status/uri
    awk '{ first = ($3 == 1) ? "first" : "more"; c[$1 " " first " " $4 " " $5 " " $6 " " $7]++ }
         END { for (k in c) print c[k], k }' "$D/access.log" | sort -k2 >"$D/access.counts"
    [ -n "${KEEP:-}" ] || rm -f "$D/access.log"
    rm -rf "$D/tmp"
    return 0
}

run_one system
run_one oxissl
"$PYTHON" "$HERE/report.py" --dir "$OUT" --out "$OUT/summary.txt"
rc=$?
cp "$OUT/summary.txt" "$OUT/summary-${RUN_SECONDS}s.txt"    # survives runs of another length
exit $rc
