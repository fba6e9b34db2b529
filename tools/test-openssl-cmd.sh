#!/usr/bin/env bash
# test-openssl-cmd.sh [--lib DIR] -- the system `openssl` command running on oxissl.
#
# Each scenario pairs an `openssl` process on oxissl (LD_LIBRARY_PATH=DIR) with one on the
# system libssl (or on oxissl too), over 127.0.0.1 on free ports, checks the key lines of
# their output with grep, and checks that the oxissl side really loaded DIR/libssl.so.3
# (/proc/PID/maps for servers, LD_DEBUG=libs for short-lived clients). Prints one line
# per scenario and "N passed, N failed"; exits non-zero when a scenario fails.
#
# Default DIR: target/release (build it with `make lib`). KEEP=1 keeps the work directory
# (outputs of every process) for inspection.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$ROOT/target/release
while [ $# -gt 0 ]; do
    case $1 in
        --lib) LIBDIR=$(cd "$2" && pwd); shift 2 ;;
        *) echo "usage: $0 [--lib DIR]" >&2; exit 2 ;;
    esac
done
OXLIB=$LIBDIR/libssl.so.3
[ -e "$OXLIB" ] || { echo "no $OXLIB (run make lib)" >&2; exit 2; }
command -v openssl >/dev/null || { echo "no openssl command" >&2; exit 2; }

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

"$ROOT/c-tests/certs.sh" "$WORK/pki" >/dev/null 2>&1 || { echo "certs.sh failed" >&2; exit 2; }
PKI=$WORK/pki

# The system libssl: no loader variables at all.
SYSENV=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF)
# oxissl, with the loader's library log in $WORK/ld.<pid> (proof of what was loaded).
OXENV=(env -u LD_PRELOAD -u OPENSSL_CONF LD_LIBRARY_PATH="$LIBDIR" LD_DEBUG=libs LD_DEBUG_OUTPUT="$WORK/ld")

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_listen FILE: up to 5 s for s_server's "ACCEPT" (it listens by then). Probing the
# port with a connection would make the server report a failed handshake.
wait_listen() {
    local i
    for i in $(seq 50); do
        grep -q "^ACCEPT" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# start_server NAME SIDE(sys|ox) PORT ARGS...: an s_server in the background, its stdin
# a FIFO that the scenario may write to ($WORK/NAME.in), output in $WORK/NAME.srv.
SERVER_PID=
start_server() {
    local name=$1 side=$2 port=$3
    shift 3
    mkfifo "$WORK/$name.in"
    # Keep the FIFO open (bounded) so that the server's stdin does not end.
    (exec sleep 30 > "$WORK/$name.in") &
    PIDS+=($!)
    # `env` execs openssl: $! is the server's own PID (for /proc/PID/maps).
    if [ "$side" = ox ]; then
        "${OXENV[@]}" openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" "$@" \
            < "$WORK/$name.in" > "$WORK/$name.srv" 2>&1 &
    else
        "${SYSENV[@]}" openssl s_server -accept "127.0.0.1:$port" -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" "$@" \
            < "$WORK/$name.in" > "$WORK/$name.srv" 2>&1 &
    fi
    SERVER_PID=$!
    PIDS+=($SERVER_PID)
    wait_listen "$WORK/$name.srv" || return 1
    # Which libssl the server mapped, read while it is certainly alive.
    SERVER_ON_OXISSL=0
    server_on_oxissl "$SERVER_PID" && SERVER_ON_OXISSL=1
    return 0
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
}

# The process PID mapped oxissl's libssl.so.3 (and no other libssl).
server_on_oxissl() {
    grep -q " $OXLIB\$" "/proc/$1/maps" 2>/dev/null && ! grep "libssl\.so" "/proc/$1/maps" | grep -vq " $OXLIB\$"
}
# Some oxissl client run since the last reset_ld loaded DIR/libssl.so.3.
client_on_oxissl() {
    cat "$WORK"/ld.* 2>/dev/null | grep -q "calling init: $OXLIB\$"
}
reset_ld() { rm -f "$WORK"/ld.*; }

PASS=0
FAIL=0
# result NAME FAILURES...: one line for the scenario.
result() {
    local name=$1
    shift
    if [ $# -eq 0 ]; then
        PASS=$((PASS + 1))
        printf 'PASS  %s\n' "$name"
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL  %s: %s\n' "$name" "$*"
    fi
}

# need FILE PATTERN LABEL: appends LABEL to $missing unless FILE has a line matching PATTERN.
need() { grep -Eq -- "$2" "$1" || missing+=("$3"); }

HTTP_GET=$'GET / HTTP/1.0\r\n\r\n'

# 1-2. oxissl s_client -> system s_server -www.
for ver in tls1_3 tls1_2; do
    name="oxissl s_client -> system s_server ($ver)"
    missing=()
    port=$(free_port)
    if start_server "www-$ver" sys "$port" -www; then
        reset_ld
        flag=()
        [ $ver = tls1_2 ] && flag=(-tls1_2)
        { printf '%s' "$HTTP_GET"; sleep 1.5; } |
            timeout 10 "${OXENV[@]}" openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" "${flag[@]}" \
            > "$WORK/c-$ver.out" 2>&1
        want=TLSv1.3
        [ $ver = tls1_2 ] && want=TLSv1.2
        need "$WORK/c-$ver.out" "^New, $want, Cipher is " "protocol $want"
        need "$WORK/c-$ver.out" "^ *Verify return code: 0 \(ok\)" "verify ok"
        need "$WORK/c-$ver.out" "^HTTP/1.0 200 ok" "HTTP reply"
        client_on_oxissl || missing+=("client not on oxissl")
        stop_server
    else
        missing+=("server did not start")
    fi
    result "$name" "${missing[@]}"
done

# 3-4. system s_client -> oxissl s_server (data both ways).
for ver in tls1_3 tls1_2; do
    name="system s_client -> oxissl s_server ($ver)"
    missing=()
    port=$(free_port)
    if start_server "echo-$ver" ox "$port"; then
        printf 'pong-from-oxissl-server\n' > "$WORK/echo-$ver.in" &
        flag=()
        [ $ver = tls1_2 ] && flag=(-tls1_2)
        { printf 'ping-from-system-client\n'; sleep 1.5; } |
            timeout 10 "${SYSENV[@]}" openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" "${flag[@]}" \
            > "$WORK/s-$ver.out" 2>&1
        want=TLSv1.3
        [ $ver = tls1_2 ] && want=TLSv1.2
        need "$WORK/s-$ver.out" "^New, $want, Cipher is " "protocol $want"
        need "$WORK/s-$ver.out" "^ *Verify return code: 0 \(ok\)" "verify ok"
        need "$WORK/s-$ver.out" "^pong-from-oxissl-server" "data server->client"
        need "$WORK/echo-$ver.srv" "^ping-from-system-client" "data client->server"
        need "$WORK/echo-$ver.srv" "^DONE" "clean close (DONE)"
        [ "$SERVER_ON_OXISSL" = 1 ] || missing+=("server not on oxissl")
        stop_server
    else
        missing+=("server did not start")
    fi
    result "$name" "${missing[@]}"
done

# 5. oxissl s_client -> oxissl s_server.
name="oxissl s_client -> oxissl s_server (tls1_3)"
missing=()
port=$(free_port)
if start_server "oxox" ox "$port"; then
    reset_ld
    printf 'pong-from-oxissl-server\n' > "$WORK/oxox.in" &
    { printf 'ping-from-oxissl-client\n'; sleep 1.5; } |
        timeout 10 "${OXENV[@]}" openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" \
        > "$WORK/oxox.out" 2>&1
    need "$WORK/oxox.out" "^New, TLSv1.3, Cipher is " "protocol TLSv1.3"
    need "$WORK/oxox.out" "^ *Verify return code: 0 \(ok\)" "verify ok"
    need "$WORK/oxox.out" "^pong-from-oxissl-server" "data server->client"
    need "$WORK/oxox.srv" "^ping-from-oxissl-client" "data client->server"
    [ "$SERVER_ON_OXISSL" = 1 ] || missing+=("server not on oxissl")
    client_on_oxissl || missing+=("client not on oxissl")
    stop_server
else
    missing+=("server did not start")
fi
result "$name" "${missing[@]}"

# 6. oxissl s_client -reconnect -> system s_server (TLS 1.2: OpenSSL 3.0's s_client
#    reconnects before reading TLS 1.3 tickets, so with TLS 1.3 it never resumes, on
#    either library).
name="oxissl s_client -reconnect -> system s_server (tls1_2)"
missing=()
port=$(free_port)
if start_server "rec-sys" sys "$port" -www; then
    reset_ld
    { sleep 1; } | timeout 15 "${OXENV[@]}" openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" -tls1_2 -reconnect \
        > "$WORK/rec-sys.out" 2>&1
    n=$(grep -c "^Reused, TLSv1.2, Cipher is " "$WORK/rec-sys.out")
    [ "$n" = 5 ] || missing+=("$n of 5 reconnections reused")
    need "$WORK/rec-sys.out" "^New, TLSv1.2, Cipher is " "first handshake"
    client_on_oxissl || missing+=("client not on oxissl")
    stop_server
else
    missing+=("server did not start")
fi
result "$name" "${missing[@]}"

# 7. system s_client -reconnect -> oxissl s_server (our server's session cache).
name="system s_client -reconnect -> oxissl s_server (tls1_2)"
missing=()
port=$(free_port)
if start_server "rec-ox" ox "$port" -tls1_2; then
    { sleep 1; } | timeout 15 "${SYSENV[@]}" openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" -reconnect \
        > "$WORK/rec-ox.out" 2>&1
    n=$(grep -c "^Reused, TLSv1.2, Cipher is " "$WORK/rec-ox.out")
    [ "$n" = 5 ] || missing+=("$n of 5 reconnections reused")
    need "$WORK/rec-ox.out" "^New, TLSv1.2, Cipher is " "first handshake"
    [ "$SERVER_ON_OXISSL" = 1 ] || missing+=("server not on oxissl")
    stop_server
else
    missing+=("server did not start")
fi
result "$name" "${missing[@]}"

# 8. openssl ciphers -s -v: our suites, each line formatted exactly as the system's.
name="openssl ciphers -s -v"
missing=()
reset_ld
timeout 10 "${OXENV[@]}" openssl ciphers -s -v > "$WORK/ciphers.ox" 2>&1
"${SYSENV[@]}" openssl ciphers -s -v > "$WORK/ciphers.sys" 2>&1
[ -s "$WORK/ciphers.ox" ] || missing+=("no output")
need "$WORK/ciphers.ox" "^TLS_AES_256_GCM_SHA384 +TLSv1.3 Kx=any +Au=any +Enc=AESGCM\(256\) +Mac=AEAD$" "TLS 1.3 suite line"
need "$WORK/ciphers.ox" "^ECDHE-RSA-AES128-GCM-SHA256 +TLSv1.2 Kx=ECDH +Au=RSA +Enc=AESGCM\(128\) +Mac=AEAD$" "TLS 1.2 suite line"
while IFS= read -r line; do
    grep -Fxq -- "$line" "$WORK/ciphers.sys" || { missing+=("line not as OpenSSL prints it: $line"); break; }
done < "$WORK/ciphers.ox"
client_on_oxissl || missing+=("not on oxissl")
result "$name" "${missing[@]}"

# 9-10. system curl -> oxissl s_server -www: the status page goes out through s_server's
#    BIO_f_buffer -> BIO_f_ssl chain (oxissl's SSL filter BIO).
for ver in tls1_3 tls1_2; do
    name="system curl -> oxissl s_server -www ($ver)"
    missing=()
    if ! command -v curl >/dev/null; then
        result "$name (skipped: no curl)"
        continue
    fi
    port=$(free_port)
    if start_server "www-ox-$ver" ox "$port" -www; then
        want=TLSv1.3
        flag=(--tlsv1.3)
        [ $ver = tls1_2 ] && { want=TLSv1.2; flag=(--tlsv1.2 --tls-max 1.2); }
        timeout 10 "${SYSENV[@]}" curl -sS "${flag[@]}" --cacert "$PKI/ca.pem" \
            --resolve "localhost:$port:127.0.0.1" "https://localhost:$port/" > "$WORK/curl-$ver.out" 2>&1
        need "$WORK/curl-$ver.out" "^<HTML><BODY" "status page"
        need "$WORK/curl-$ver.out" "^New, $want, Cipher is " "protocol $want on the page"
        need "$WORK/curl-$ver.out" "</HTML>" "complete page"
        [ "$SERVER_ON_OXISSL" = 1 ] || missing+=("server not on oxissl")
        stop_server
    else
        missing+=("server did not start")
    fi
    result "$name" "${missing[@]}"
done

# 11. system s_client GET -> oxissl s_server -WWW (a file, served relative to the server's
#     working directory, through the same filter chain).
name="system s_client GET -> oxissl s_server -WWW"
missing=()
port=$(free_port)
printf 'file-served-by-oxissl\n' > "$WORK/www-file.txt"
here=$PWD
cd "$WORK" || exit 2
if start_server "www-file" ox "$port" -WWW; then
    cd "$here" || exit 2
    { printf 'GET /www-file.txt HTTP/1.0\r\n\r\n'; sleep 1.5; } |
        timeout 10 "${SYSENV[@]}" openssl s_client -connect "127.0.0.1:$port" -CAfile "$PKI/ca.pem" \
        > "$WORK/wwwfile.out" 2>&1
    need "$WORK/wwwfile.out" "^HTTP/1.0 200 ok" "HTTP reply"
    need "$WORK/wwwfile.out" "^file-served-by-oxissl" "file content"
    need "$WORK/wwwfile.out" "^ *Verify return code: 0 \(ok\)" "verify ok"
    [ "$SERVER_ON_OXISSL" = 1 ] || missing+=("server not on oxissl")
    stop_server
else
    cd "$here" || exit 2
    missing+=("server did not start")
fi
result "$name" "${missing[@]}"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
