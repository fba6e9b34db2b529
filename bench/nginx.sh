#!/usr/bin/env bash
# make bench-nginx (issue #12 item 4): nginx on oxissl against the same nginx on the system
# libssl, loaded over loopback by bench/nginx-load (always on the system libssl).
#   bench/nginx.sh [--rounds N] [--idle N] [--quick]
#
# nginx runs with one worker pinned to core 0 and the load generator to core 1 (taskset).
# Server CPU is the worker's own run time (/proc/PID/task/*/schedstat, nanoseconds) over a
# load, divided by its count: per full handshake (a connection with one GET, TLS 1.3 and
# 1.2), per resumed one (TLS 1.3 ticket, TLS 1.2 session ID from nginx's shared cache) and
# per keep-alive request. Rounds alternate the libraries; medians of the rounds. Then RSS
# per idle TLS connection: the worker's VmRSS (and RssAnon) before and while N connections
# (default 10,000) are held open after their handshake and one keep-alive GET.
# Figures in target/bench/nginx/summary.txt.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROUNDS=5
IDLE=10000
SCALE=1
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=$2; shift 2 ;;
        --idle) IDLE=$2; shift 2 ;;
        --quick) ROUNDS=1; IDLE=1000; SCALE=4; shift ;;
        *) echo "usage: $0 [--rounds N] [--idle N] [--quick]" >&2; exit 2 ;;
    esac
done
# tests/programs/lib.sh: on_system, on_oxissl, maps_check, free_port, wait_port, $PKI, $WORK.
set --
# shellcheck source=tests/programs/lib.sh
. "$HERE/../tests/programs/lib.sh"
# A private copy of the library: a build may replace target/release/libssl.so.3 meanwhile.
mkdir -p "$WORK/lib"
cp "$OXLIB" "$WORK/lib/libssl.so.3" || exit 2
# shellcheck disable=SC2034 # lib.sh's on_oxissl and maps_check read them
LIBDIR=$WORK/lib OXLIB=$WORK/lib/libssl.so.3 OXLIB_REAL=$WORK/lib/libssl.so.3
command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null ||
    { echo "bench-nginx: nginx-light not installed" >&2; exit 2; }
NGINX=$(command -v nginx)
OUT=$ROOT/target/bench/nginx
mkdir -p "$OUT"
cc -O2 -o "$OUT/nginx-load" "$HERE/nginx-load.c" -lssl -lcrypto || exit 2
ulimit -n $((IDLE + 1000)) || { echo "bench-nginx: cannot raise the open-files limit" >&2; exit 2; }
PIN_SERVER=() PIN_CLIENT=()
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
    PIN_SERVER=(taskset -c 0) PIN_CLIENT=(taskset -c 1)
fi

# start_nginx LIB CERT: nginx (master + one worker) on LIB (system|oxissl); sets PORT, MASTER, WORKER
start_nginx() {
    local lib=$1 cert=$2 d=$WORK/nginx-$1 user=
    mkdir -p "$d/tmp"
    PORT=$(free_port)
    [ "$(id -u)" -eq 0 ] && user="user $(id -un) $(id -gn);"
    cat >"$d/nginx.conf" <<EOF
$user
daemon off;
master_process on;
worker_processes 1;
worker_rlimit_nofile $((IDLE + 1000));
pid $d/nginx.pid;
lock_file $d/nginx.lock;
error_log $d/error.log warn;
events { worker_connections $((IDLE + 500)); }
http {
    access_log off;
$(nginx_scratch_http "$d")
    keepalive_timeout 3600s;
    keepalive_requests 10000000;
    ssl_certificate $PKI/server-$cert.pem;
    ssl_certificate_key $PKI/server-$cert.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:SSL:50m;
    ssl_session_tickets on;
    server {
        listen 127.0.0.1:$PORT ssl;
        server_name localhost;
        location / { return 200 "ok\n"; }
    }
}
EOF
    if [ "$lib" = system ]; then
        launch system "nginx-$lib" "${PIN_SERVER[@]}" "$NGINX" -c "$d/nginx.conf"
    else
        launch path "nginx-$lib" "${PIN_SERVER[@]}" "$NGINX" -c "$d/nginx.conf"
    fi
    MASTER=$LPID
    wait_port "$PORT" || { echo "bench-nginx: nginx ($lib) did not start:"; cat "$d/error.log" "$WORK/nginx-$lib.log"; exit 1; } >&2
    for _ in $(seq 50); do
        WORKER=$(ps -o pid= --ppid "$MASTER" | tr -d ' ' | head -1)
        [ -n "$WORKER" ] && break
        sleep 0.1
    done
    libs_check "$lib" "$WORKER" || { echo "bench-nginx: worker $WORKER is not on $lib" >&2; exit 1; }
}
stop_nginx() { stop "$MASTER"; wait 2>/dev/null; }

run_ns() { cat /proc/"$WORKER"/task/*/schedstat | awk '{ s += $1 } END { printf "%d", s }'; }
user_ticks() { sed 's/^.*) //' "/proc/$WORKER/stat" | awk '{ print $12 }'; }

# load MODE COUNT [tls12]: the client against the running nginx; prints the worker's CPU
# time per operation in microseconds, all of it and the user-mode part (clock ticks)
load() {
    local before after out ub ua
    before=$(run_ns)
    ub=$(user_ticks)
    out=$(on_system "${PIN_CLIENT[@]}" "$OUT/nginx-load" "$PORT" "$PKI/ca.pem" "$@") ||
        { echo "bench-nginx: nginx-load $* failed" >&2; exit 1; }
    after=$(run_ns)
    ua=$(user_ticks)
    case $1 in resumed)
        [ "$(sed -n 's/.*reused=//p' <<<"$out")" = "$2" ] ||
            { echo "bench-nginx: not every connection resumed: $out" >&2; exit 1; } ;;
    esac
    awk -v a="$after" -v b="$before" -v n="$2" -v u="$((ua - ub))" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.1f %.1f", (a - b) / n / 1000, u / hz * 1e6 / n }'
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

FIGURES="full-tls13 full-tls12 resumed-tls13 resumed-tls12 keepalive"
count_of() { case $1 in keepalive) echo $((20000 / SCALE)) ;; *) echo $((2000 / SCALE)) ;; esac; }
args_of() {
    case $1 in
        full-tls13) echo full ;; full-tls12) echo "full tls12" ;;
        resumed-tls13) echo resumed ;; resumed-tls12) echo "resumed tls12" ;;
        keepalive) echo keepalive ;;
    esac
}

echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //') ($(nproc) cores);" \
    "nginx $("$NGINX" -v 2>&1 | sed 's/.*version: nginx\///'), one worker on core 0, client on core 1"
echo "server CPU: the worker's run time per operation (us), median of $ROUNDS rounds, libraries alternating"
for cert in p256 rsa; do
    for f in $FIGURES; do : >"$OUT/$cert.$f.system"; : >"$OUT/$cert.$f.oxissl"; done
    for r in $(seq "$ROUNDS"); do
        if [ $((r % 2)) = 1 ]; then order="system oxissl"; else order="oxissl system"; fi
        for lib in $order; do
            start_nginx "$lib" "$cert"
            load full $((200 / SCALE)) >/dev/null   # warm-up
            for f in $FIGURES; do
                # shellcheck disable=SC2046 # args_of prints the mode and its option
                load $(args_of "$f" | awk -v n="$(count_of "$f")" '{ $1 = $1 " " n; print }') >>"$OUT/$cert.$f.$lib" || exit 1
                echo >>"$OUT/$cert.$f.$lib"
            done
            stop_nginx
        done
    done
done
{
    printf "%-24s %12s %12s %6s   %12s %12s %6s\n" "server CPU per operation" "OpenSSL-3.0" oxissl ratio \
        "user: OpenSSL" oxissl ratio
    for cert in p256 rsa; do
        for f in $FIGURES; do
            s=$(awk 'NF {print $1}' "$OUT/$cert.$f.system" | median)
            o=$(awk 'NF {print $1}' "$OUT/$cert.$f.oxissl" | median)
            su=$(awk 'NF {print $2}' "$OUT/$cert.$f.system" | median)
            ou=$(awk 'NF {print $2}' "$OUT/$cert.$f.oxissl" | median)
            printf "%-24s %9s us %9s us %6s   %9s us %9s us %6s\n" "$f ($cert)" "$s" "$o" \
                "$(awk -v s="$s" -v o="$o" 'BEGIN { printf "%.2f", o / s }')" "$su" "$ou" \
                "$(awk -v s="$su" -v o="$ou" 'BEGIN { printf "%.2f", o / s }')"
        done
    done
} | tee "$OUT/summary.txt"

# idle LIB: the worker's memory (KiB: VmRSS RssAnon) before and with IDLE idle connections
idle() {
    local lib=$1 fifo=$WORK/idle.fifo before after
    start_nginx "$lib" p256
    load full $((500 / SCALE)) >/dev/null
    load keepalive 1000 >/dev/null
    before=$(awk '/^VmRSS:/ {v=$2} /^RssAnon:/ {a=$2} END { print v, a }' "/proc/$WORKER/status")
    rm -f "$fifo"; mkfifo "$fifo"
    on_system "${PIN_CLIENT[@]}" "$OUT/nginx-load" "$PORT" "$PKI/ca.pem" idle "$IDLE" <"$fifo" >"$WORK/idle.out" &
    local client=$!
    exec 9>"$fifo"
    for _ in $(seq 1200); do
        grep -q ready "$WORK/idle.out" && break
        kill -0 "$client" 2>/dev/null || break
        sleep 0.1
    done
    grep -q ready "$WORK/idle.out" || { echo "bench-nginx: idle client failed" >&2; exit 1; }
    sleep 1
    after=$(awk '/^VmRSS:/ {v=$2} /^RssAnon:/ {a=$2} END { print v, a }' "/proc/$WORKER/status")
    exec 9>&-
    wait "$client"
    stop_nginx
    echo "$before $after"
}
printf "\n%-28s %12s %12s %7s\n" "RSS per idle connection" "OpenSSL-3.0" oxissl ratio | tee -a "$OUT/summary.txt"
read -r sv sa sv2 sa2 <<<"$(idle system)"
read -r ov oa ov2 oa2 <<<"$(idle oxissl)"
per() { awk -v a="$1" -v b="$2" -v n="$IDLE" 'BEGIN { printf "%.0f", (b - a) * 1024 / n }'; }
for kind in VmRSS RssAnon; do
    if [ $kind = VmRSS ]; then s=$(per "$sv" "$sv2"); o=$(per "$ov" "$ov2"); else s=$(per "$sa" "$sa2"); o=$(per "$oa" "$oa2"); fi
    printf "%-28s %10s B %10s B %7s\n" "$kind ($IDLE connections)" "$s" "$o" \
        "$(awk -v s="$s" -v o="$o" 'BEGIN { printf "%.2f", o / s }')" | tee -a "$OUT/summary.txt"
done
echo "worker KiB before/with: system VmRSS $sv/$sv2 RssAnon $sa/$sa2; oxissl VmRSS $ov/$ov2 RssAnon $oa/$oa2" | tee -a "$OUT/summary.txt"
