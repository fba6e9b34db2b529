#!/usr/bin/env bash
# test-openssl-cmd.sh [--lib DIR] [--mode path|preload] -- the system `openssl` command
# running on oxissl.
#
# Every scenario runs twice, once per way of putting oxissl under the unchanged program:
#   [path]     LD_LIBRARY_PATH=DIR (LD_PRELOAD unset)
#   [preload]  LD_PRELOAD=<real path of DIR/libssl.so.3> (LD_LIBRARY_PATH unset)
# (--mode runs only one of them). Each scenario pairs an `openssl` process on oxissl with
# one on the system libssl (or on oxissl too), over 127.0.0.1 on free ports, and checks
# the key lines of their output with grep.
#
# Proof of loading: every oxissl `openssl` process is checked while it runs through
# /proc/PID/maps -- PID being the openssl process itself (`env` execs it; its
# /proc/PID/exe is checked) -- for our libssl.so.3 (its real path) mapped and the system's
# /lib/x86_64-linux-gnu/libssl.so.3 (or any other libssl) not. Servers are read once they
# listen; clients once connected, their stdin (a FIFO) held open until then; `ciphers`
# while it waits for its configuration file, OPENSSL_CONF being a FIFO fed the system
# default configuration after the check. Only when a process is already gone does the
# loader's log (LD_DEBUG=libs, kept per PID) stand in, and the PASS line says so.
#
# -sess_out/-sess_in: rustls 0.23 cannot export or import a client's resumption secrets,
# so a client session written by one process and read by another decodes and describes
# the connection but is not resumable (README, "Deliberate differences from OpenSSL"). The
# scenarios assert exactly that: the file oxissl writes parses with the SYSTEM `openssl
# sess_id` (protocol, cipher, session ID), and the -sess_in connection is a full handshake
# ("New"), where the system library says "Reused" in the same setup (checked in the same
# run, as the reference). The same for a file written by the system s_client: oxissl's
# s_client loads it and makes a full handshake. Server sessions round-trip: the system
# s_client resumes from its file against an oxissl s_server ("Reused").
#
# Prints one line per scenario ("PASS  name [mode]" or "FAIL  name [mode]: what is
# missing") and "N passed, N failed"; exits non-zero when a scenario fails.
#
# Default DIR: target/release (build it with `make lib`). KEEP=1 keeps the work directory
# (outputs of every process) for inspection.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$ROOT/target/release
MODES=(path preload)
while [ $# -gt 0 ]; do
    case $1 in
        --lib) LIBDIR=$(cd "$2" && pwd) || exit 2; shift 2 ;;
        --mode)
            case ${2:-} in path | preload) MODES=("$2") ;; *) echo "--mode is path or preload" >&2; exit 2 ;; esac
            shift 2 ;;
        *) echo "usage: $0 [--lib DIR] [--mode path|preload]" >&2; exit 2 ;;
    esac
done
OXLIB=$LIBDIR/libssl.so.3
[ -e "$OXLIB" ] || { echo "no $OXLIB (run make lib)" >&2; exit 2; }
OXLIB_REAL=$(readlink -f "$OXLIB")
SYSLIB_REAL=$(readlink -f /lib/x86_64-linux-gnu/libssl.so.3 2>/dev/null || echo /usr/lib/x86_64-linux-gnu/libssl.so.3)
command -v openssl >/dev/null || { echo "no openssl command" >&2; exit 2; }
OPENSSL_BIN=$(readlink -f "$(command -v openssl)")

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    # Only those still running as this shell's children (a PID long reaped may be reused).
    for p in "${PIDS[@]}"; do
        [ "$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')" = "$$" ] && kill "$p" 2>/dev/null
    done
    wait 2>/dev/null
    if [ -n "${KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

"$ROOT/c-tests/certs.sh" "$WORK/pki" >/dev/null 2>&1 || { echo "certs.sh failed" >&2; exit 2; }
PKI=$WORK/pki

# The system libssl: no loader variables at all.
SYSENV=(env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF)
# The system's default configuration (what `ciphers` reads, fed through a FIFO).
SYSCONF=$("${SYSENV[@]}" openssl version -d | sed -n 's/^OPENSSLDIR: "\(.*\)"$/\1/p')/openssl.cnf

# set_mode MODE: OXENV runs a command on oxissl in MODE; the loader's library log goes to
# $WORK/ld.<pid> (the fallback proof of what was loaded).
set_mode() {
    MODE=$1
    case $MODE in
        path) OXENV=(env -u LD_PRELOAD -u OPENSSL_CONF LD_LIBRARY_PATH="$LIBDIR") ;;
        preload) OXENV=(env -u LD_LIBRARY_PATH -u OPENSSL_CONF LD_PRELOAD="$OXLIB_REAL") ;;
    esac
    OXENV+=(LD_DEBUG=libs LD_DEBUG_OUTPUT="$WORK/ld")
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for FILE PATTERN TENTHS: up to TENTHS/10 s for a line of FILE to match PATTERN.
wait_for() {
    local i
    for ((i = 0; i < $3; i++)); do
        grep -Eq -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    grep -Eq -- "$2" "$1" 2>/dev/null
}

# on_oxissl PID: PID is an `openssl` process running on oxissl. From /proc/PID/maps while
# it runs: our libssl.so.3 mapped and no other libssl (the system's in particular). When
# PID has already ended, from its LD_DEBUG=libs log: our library initialised and no
# other libssl. Sets PROOF (maps or LD_DEBUG) on success, PROOF_ERR on failure.
on_oxissl() {
    local pid=$1 exe libs other
    PROOF= PROOF_ERR=
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null)
    if [ -n "$exe" ] && cat "/proc/$pid/maps" > "$WORK/maps.$pid" 2>/dev/null && [ -s "$WORK/maps.$pid" ]; then
        if [ "$exe" != "$OPENSSL_BIN" ]; then
            PROOF_ERR="PID $pid is $exe, not $OPENSSL_BIN"
            return 1
        fi
        libs=$(awk '$6 ~ /\/libssl\.so/ {print $6}' "$WORK/maps.$pid" | sort -u)
        if ! grep -qxF "$OXLIB_REAL" <<<"$libs"; then
            PROOF_ERR="$OXLIB_REAL not mapped (libssl mapped: ${libs:-none})"
            return 1
        fi
        if grep -qxF "$SYSLIB_REAL" <<<"$libs"; then
            PROOF_ERR="the system libssl is mapped too"
            return 1
        fi
        other=$(grep -vxF "$OXLIB_REAL" <<<"$libs")
        if [ -n "$other" ]; then
            PROOF_ERR="another libssl is mapped too: $other"
            return 1
        fi
        PROOF=maps
        return 0
    fi
    # Gone before its maps could be read: the loader's log for that PID.
    libs=$(sed -n 's/.*calling init: \(.*\/libssl\.so[^ ]*\)$/\1/p' "$WORK/ld.$pid" 2>/dev/null | sort -u)
    if [ -z "$libs" ]; then
        PROOF_ERR="ended before /proc/$pid/maps could be read, and no LD_DEBUG log of its libssl"
        return 1
    fi
    other=$(grep -vxF -e "$OXLIB" -e "$OXLIB_REAL" <<<"$libs")
    if [ -n "$other" ]; then
        PROOF_ERR="LD_DEBUG: initialised ${other:-no oxissl}"
        return 1
    fi
    PROOF=LD_DEBUG
    return 0
}

# note_proof WHO PID: runs on_oxissl PID, adding a failure to $missing or a note to
# $notes when the loader's log stood in for the maps.
note_proof() {
    if on_oxissl "$2"; then
        [ "$PROOF" = maps ] || notes+=("$1 on oxissl per LD_DEBUG (ended before its maps could be read)")
    else
        missing+=("$1 not proven on oxissl: $PROOF_ERR")
    fi
}

# start_server NAME SIDE(sys|ox) ARGS...: an s_server on a free port (PORT), in the
# background, its stdin a FIFO that the scenario may write to ($WORK/NAME.in), output in
# $WORK/NAME.srv. For an oxissl server, the proof of loading once it listens. A free port
# may be taken by another process (an outgoing connection's ephemeral port) before the
# server binds it: then the server exits, and a new port is tried (3 attempts).
SERVER_PID=
SERVER_WPID=
PORT=
start_server() {
    local name=$1 side=$2 attempt
    shift 2
    mkfifo "$WORK/$name.in"
    for attempt in 1 2 3; do
        PORT=$(free_port)
        # Keep the FIFO open (bounded) so that the server's stdin does not end.
        (exec sleep 60 > "$WORK/$name.in") &
        SERVER_WPID=$!
        PIDS+=("$SERVER_WPID")
        # `env` execs openssl: $! is the server's own PID (for /proc/PID/maps).
        if [ "$side" = ox ]; then
            "${OXENV[@]}" openssl s_server -accept "127.0.0.1:$PORT" -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" "$@" \
                < "$WORK/$name.in" > "$WORK/$name.srv" 2>&1 &
        else
            "${SYSENV[@]}" openssl s_server -accept "127.0.0.1:$PORT" -cert "$PKI/server-rsa.pem" -key "$PKI/server-rsa.key" "$@" \
                < "$WORK/$name.in" > "$WORK/$name.srv" 2>&1 &
        fi
        SERVER_PID=$!
        PIDS+=("$SERVER_PID")
        # "ACCEPT": it listens. Probing the port with a connection would make the server
        # report a failed handshake.
        local i
        for ((i = 0; i < 100; i++)); do
            grep -q "^ACCEPT" "$WORK/$name.srv" 2>/dev/null && break
            kill -0 "$SERVER_PID" 2>/dev/null || break
            sleep 0.1
        done
        if grep -q "^ACCEPT" "$WORK/$name.srv" 2>/dev/null; then
            [ "$side" = ox ] && note_proof server "$SERVER_PID"
            [ "$attempt" -gt 1 ] && notes+=("server started at attempt $attempt (port taken)")
            return 0
        fi
        cp "$WORK/$name.srv" "$WORK/$name.srv.attempt$attempt"
        stop_server
        grep -q "Address already in use" "$WORK/$name.srv.attempt$attempt" || break
    done
    missing+=("server did not start ($(grep -m1 -v '^Using default temp DH' "$WORK/$name.srv.attempt$attempt" | cut -c1-120))")
    return 1
}

stop_server() {
    kill "$SERVER_PID" "$SERVER_WPID" 2>/dev/null
    wait "$SERVER_PID" "$SERVER_WPID" 2>/dev/null
}

# client SIDE(sys|ox) OUT HOLD UNTIL INPUT ARGS...: `openssl s_client ARGS` in the
# background, output in OUT, stdin a FIFO held open by this shell. An oxissl client is
# proven on oxissl once connected (before any input, so that it is still running). Then
# INPUT is written, and stdin is closed when the client has ended, OUT matches UNTIL
# (when given) or after HOLD seconds, whichever comes first; the client then has 5 s to
# end. Failures go to $missing; CLIENT_RC is its exit status.
client() {
    local side=$1 out=$2 hold=$3 until=$4 input=$5 fd i n
    shift 5
    local fifo=$out.stdin
    rm -f "$fifo"
    mkfifo "$fifo"
    # Read-write: never blocks, and the client's read end sees EOF once this is closed.
    exec {fd}<>"$fifo"
    if [ "$side" = ox ]; then
        "${OXENV[@]}" openssl s_client "$@" < "$fifo" > "$out" 2>&1 {fd}>&- &
    else
        "${SYSENV[@]}" openssl s_client "$@" < "$fifo" > "$out" 2>&1 {fd}>&- &
    fi
    local pid=$!
    PIDS+=("$pid")
    if [ "$side" = ox ]; then
        wait_until_connected "$out" "$pid"
        note_proof client "$pid"
    fi
    [ -n "$input" ] && printf '%s' "$input" >&"$fd"
    n=$(awk -v h="$hold" 'BEGIN { print int(h * 10) }')
    for ((i = 0; i < n; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        [ -n "$until" ] && grep -Eq -- "$until" "$out" && break
        sleep 0.1
    done
    exec {fd}>&-
    for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null
        missing+=("s_client did not end (killed)")
    fi
    wait "$pid" 2>/dev/null
    CLIENT_RC=$?
    rm -f "$fifo"
}

# wait_until_connected OUT PID: up to 5 s for s_client's "CONNECTED(" (it is in main,
# every library loaded, the connection open), or for it to end.
wait_until_connected() {
    local i
    for ((i = 0; i < 50; i++)); do
        grep -q "^CONNECTED(" "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

PASS=0
FAIL=0
# result NAME: one line for the scenario, from $missing (failures) and $notes.
result() {
    local name="$1 [$MODE]"
    if [ ${#missing[@]} -eq 0 ]; then
        PASS=$((PASS + 1))
        if [ ${#notes[@]} -eq 0 ]; then
            printf 'PASS  %s\n' "$name"
        else
            printf 'PASS  %s: %s\n' "$name" "$(joined "${notes[@]}")"
        fi
    else
        FAIL=$((FAIL + 1))
        printf 'FAIL  %s: %s\n' "$name" "$(joined "${missing[@]}")"
    fi
    missing=()
    notes=()
}
# joined ITEMS...: the items separated by "; ".
joined() {
    local out=$1 item
    shift
    for item in "$@"; do out+="; $item"; done
    printf '%s' "$out"
}
missing=()
notes=()

# need FILE PATTERN LABEL: appends LABEL to $missing unless FILE has a line matching PATTERN.
need() { grep -Eq -- "$2" "$1" || missing+=("$3"); }

# handshake FILE: "New" or "Reused" (s_client's summary line), or "none".
handshake() {
    local kind
    kind=$(grep -Eo -m1 "^(New|Reused), TLSv1\.[23], Cipher is " "$1" | cut -d, -f1)
    echo "${kind:-none}"
}

HTTP_GET=$'GET / HTTP/1.0\r\n\r\n'
CA=(-CAfile "$PKI/ca.pem")

run_scenarios() {
    local ver flag want name n f s kind
    set_mode "$1"
    local M=$MODE

    # 1-2. oxissl s_client -> system s_server -www.
    for ver in tls1_3 tls1_2; do
        name="oxissl s_client -> system s_server ($ver)"
        flag=(); want=TLSv1.3
        [ $ver = tls1_2 ] && { flag=(-tls1_2); want=TLSv1.2; }
        if start_server "$M-www-$ver" sys -www; then
            f=$WORK/$M-c-$ver.out
            client ox "$f" 3 "" "$HTTP_GET" -connect "127.0.0.1:$PORT" "${CA[@]}" "${flag[@]}"
            need "$f" "^New, $want, Cipher is " "protocol $want"
            need "$f" "^ *Verify return code: 0 \(ok\)" "verify ok"
            need "$f" "^HTTP/1.0 200 ok" "HTTP reply"
            stop_server
        fi
        result "$name"
    done

    # 3-4. system s_client -> oxissl s_server (data both ways).
    for ver in tls1_3 tls1_2; do
        name="system s_client -> oxissl s_server ($ver)"
        flag=(); want=TLSv1.3
        [ $ver = tls1_2 ] && { flag=(-tls1_2); want=TLSv1.2; }
        if start_server "$M-echo-$ver" ox; then
            s=$WORK/$M-echo-$ver.srv
            printf 'pong-from-oxissl-server\n' > "$WORK/$M-echo-$ver.in"
            f=$WORK/$M-s-$ver.out
            client sys "$f" 3 "^pong-from-oxissl-server" $'ping-from-system-client\n' \
                -connect "127.0.0.1:$PORT" "${CA[@]}" "${flag[@]}"
            need "$f" "^New, $want, Cipher is " "protocol $want"
            need "$f" "^ *Verify return code: 0 \(ok\)" "verify ok"
            need "$f" "^pong-from-oxissl-server" "data server->client"
            # The server reports the client's data and close after the client has ended.
            wait_for "$s" "^DONE" 30
            need "$s" "^ping-from-system-client" "data client->server"
            need "$s" "^DONE" "clean close (DONE)"
            stop_server
        fi
        result "$name"
    done

    # 5. oxissl s_client -> oxissl s_server.
    name="oxissl s_client -> oxissl s_server (tls1_3)"
    if start_server "$M-oxox" ox; then
        s=$WORK/$M-oxox.srv
        printf 'pong-from-oxissl-server\n' > "$WORK/$M-oxox.in"
        f=$WORK/$M-oxox.out
        client ox "$f" 3 "^pong-from-oxissl-server" $'ping-from-oxissl-client\n' -connect "127.0.0.1:$PORT" "${CA[@]}"
        need "$f" "^New, TLSv1.3, Cipher is " "protocol TLSv1.3"
        need "$f" "^ *Verify return code: 0 \(ok\)" "verify ok"
        need "$f" "^pong-from-oxissl-server" "data server->client"
        wait_for "$s" "^ping-from-oxissl-client" 30
        need "$s" "^ping-from-oxissl-client" "data client->server"
        stop_server
    fi
    result "$name"

    # 6. oxissl s_client -reconnect -> system s_server (TLS 1.2: OpenSSL 3.0's s_client
    #    reconnects before reading TLS 1.3 tickets, so with TLS 1.3 it never resumes, on
    #    either library).
    name="oxissl s_client -reconnect -> system s_server (tls1_2)"
    if start_server "$M-rec-sys" sys -www; then
        f=$WORK/$M-rec-sys.out
        client ox "$f" 1.5 "" "" -connect "127.0.0.1:$PORT" "${CA[@]}" -tls1_2 -reconnect
        n=$(grep -c "^Reused, TLSv1.2, Cipher is " "$f")
        [ "$n" = 5 ] || missing+=("$n of 5 reconnections reused")
        need "$f" "^New, TLSv1.2, Cipher is " "first handshake"
        stop_server
    fi
    result "$name"

    # 7. system s_client -reconnect -> oxissl s_server (our server's session cache).
    name="system s_client -reconnect -> oxissl s_server (tls1_2)"
    if start_server "$M-rec-ox" ox -tls1_2; then
        f=$WORK/$M-rec-ox.out
        client sys "$f" 1.5 "" "" -connect "127.0.0.1:$PORT" "${CA[@]}" -reconnect
        n=$(grep -c "^Reused, TLSv1.2, Cipher is " "$f")
        [ "$n" = 5 ] || missing+=("$n of 5 reconnections reused")
        need "$f" "^New, TLSv1.2, Cipher is " "first handshake"
        stop_server
    fi
    result "$name"

    # 8. openssl ciphers -s -v: our suites, each line formatted exactly as the system's.
    #    The command is short-lived: its OPENSSL_CONF is a FIFO, on which it waits (libssl
    #    loaded) until the maps are read; then it is fed the system's default configuration.
    name="openssl ciphers -s -v"
    f=$WORK/$M-ciphers.ox
    local conf=$WORK/$M-openssl.cnf pid i cfd
    mkfifo "$conf"
    "${OXENV[@]}" OPENSSL_CONF="$conf" openssl ciphers -s -v > "$f" 2>&1 &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 50; i++)); do
        [ "$(cat "/proc/$pid/wchan" 2>/dev/null)" = wait_for_partner ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    note_proof ciphers "$pid"
    if kill -0 "$pid" 2>/dev/null; then
        # Read-write open: never blocks, even if the command has just ended.
        exec {cfd}<>"$conf"
        cat "$SYSCONF" >&"$cfd" 2>/dev/null
        exec {cfd}>&-
    fi
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill "$pid" 2>/dev/null && missing+=("ciphers did not end (killed)")
    wait "$pid" 2>/dev/null
    "${SYSENV[@]}" openssl ciphers -s -v > "$WORK/ciphers.sys" 2>&1
    [ -s "$f" ] || missing+=("no output")
    need "$f" "^TLS_AES_256_GCM_SHA384 +TLSv1.3 Kx=any +Au=any +Enc=AESGCM\(256\) +Mac=AEAD$" "TLS 1.3 suite line"
    need "$f" "^ECDHE-RSA-AES128-GCM-SHA256 +TLSv1.2 Kx=ECDH +Au=RSA +Enc=AESGCM\(128\) +Mac=AEAD$" "TLS 1.2 suite line"
    while IFS= read -r line; do
        grep -Fxq -- "$line" "$WORK/ciphers.sys" || { missing+=("line not as OpenSSL prints it: $line"); break; }
    done < "$f"
    result "$name"

    # 9-10. system curl -> oxissl s_server -www: the status page goes out through s_server's
    #    BIO_f_buffer -> BIO_f_ssl chain (oxissl's SSL filter BIO).
    for ver in tls1_3 tls1_2; do
        name="system curl -> oxissl s_server -www ($ver)"
        if ! command -v curl >/dev/null; then
            notes+=("skipped: no curl")
            result "$name"
            continue
        fi
        if start_server "$M-www-ox-$ver" ox -www; then
            want=TLSv1.3
            flag=(--tlsv1.3)
            [ $ver = tls1_2 ] && { want=TLSv1.2; flag=(--tlsv1.2 --tls-max 1.2); }
            f=$WORK/$M-curl-$ver.out
            timeout 10 "${SYSENV[@]}" curl -sS "${flag[@]}" --cacert "$PKI/ca.pem" \
                --resolve "localhost:$PORT:127.0.0.1" "https://localhost:$PORT/" > "$f" 2>&1
            need "$f" "^<HTML><BODY" "status page"
            need "$f" "^New, $want, Cipher is " "protocol $want on the page"
            need "$f" "</HTML>" "complete page"
            stop_server
        fi
        result "$name"
    done

    # 11. system s_client GET -> oxissl s_server -WWW (a file, served relative to the server's
    #     working directory, through the same filter chain).
    name="system s_client GET -> oxissl s_server -WWW"
    mkdir -p "$WORK/$M-www"
    printf 'file-served-by-oxissl\n' > "$WORK/$M-www/www-file.txt"
    local here=$PWD
    cd "$WORK/$M-www" || exit 2
    if start_server "$M-www-file" ox -WWW; then
        cd "$here" || exit 2
        f=$WORK/$M-wwwfile.out
        client sys "$f" 3 "" $'GET /www-file.txt HTTP/1.0\r\n\r\n' -connect "127.0.0.1:$PORT" "${CA[@]}"
        need "$f" "^HTTP/1.0 200 ok" "HTTP reply"
        need "$f" "^file-served-by-oxissl" "file content"
        need "$f" "^ *Verify return code: 0 \(ok\)" "verify ok"
        stop_server
    else
        cd "$here" || exit 2
    fi
    result "$name"

    # 12-15. -sess_out/-sess_in against a system s_server -www. In order, on one server:
    #   the system s_client writes S; oxissl s_client writes F; the system `sess_id` parses
    #   F; oxissl s_client reads F; the system s_client reads S (the reference: "Reused");
    #   oxissl s_client reads S. Each client waits for the server's reply before closing,
    #   so a TLS 1.3 client has processed the NewSessionTickets (sent before the reply).
    for ver in tls1_2 tls1_3; do
        flag=(-tls1_2); want=TLSv1.2
        [ $ver = tls1_3 ] && { flag=(-tls1_3); want=TLSv1.3; }
        local ref=none sysfile=$WORK/$M-sys-$ver.sess oxfile=$WORK/$M-ox-$ver.sess pfx=$WORK/$M-sess-$ver
        local started=1 why=()
        start_server "$M-sess-sys-$ver" sys -www || { started=0; why=("${missing[@]}"); missing=(); }
        local c=(-connect "127.0.0.1:$PORT" "${CA[@]}" "${flag[@]}")

        # 12-13. oxissl s_client -sess_out, then -sess_in.
        name="oxissl s_client -sess_out/-sess_in -> system s_server ($ver)"
        if [ $started = 1 ]; then
            client sys "$pfx.sys-out" 3 "" "$HTTP_GET" "${c[@]}" -sess_out "$sysfile"
            client ox "$pfx.ox-out" 3 "" "$HTTP_GET" "${c[@]}" -sess_out "$oxfile"
            need "$pfx.ox-out" "^New, $want, Cipher is " "-sess_out connection: protocol $want"
            need "$pfx.ox-out" "^HTTP/1.0 200 ok" "-sess_out connection: HTTP reply"
            check_sess_file "$oxfile" "$want"
            client ox "$pfx.ox-in" 3 "" "$HTTP_GET" "${c[@]}" -sess_in "$oxfile"
            check_sess_in "$pfx.ox-in" New
            need "$pfx.ox-in" "^ *Verify return code: 0 \(ok\)" "-sess_in connection: verify ok"
            # The reference: the system library resumes from its own file.
            client sys "$pfx.sys-in" 3 "" "$HTTP_GET" "${c[@]}" -sess_in "$sysfile"
            ref=$(handshake "$pfx.sys-in")
            [ "$ref" = Reused ] || missing+=("reference: the system s_client -sess_in got $ref, not Reused")
            [ ${#missing[@]} -eq 0 ] && notes+=("$SESS_DESC; -sess_in: full handshake (New, $want) as expected, rustls cannot import a client's secrets across processes (system library, same setup: $ref, $want)")
        else
            missing+=("${why[@]}")
        fi
        result "$name"

        # 14. oxissl s_client -sess_in of the system s_client's file.
        name="oxissl s_client -sess_in <system s_client's session> -> system s_server ($ver)"
        if [ $started = 1 ]; then
            client ox "$pfx.ox-in-sys" 3 "" "$HTTP_GET" "${c[@]}" -sess_in "$sysfile"
            check_sess_in "$pfx.ox-in-sys" New
            [ "$ref" = Reused ] || missing+=("reference: the system s_client -sess_in got $ref, not Reused")
            [ ${#missing[@]} -eq 0 ] && notes+=("the file loads; full handshake (New, $want) as expected, rustls cannot import a client's secrets (system library with the same file: $ref)")
            stop_server
        else
            missing+=("${why[@]}")
        fi
        result "$name"
    done

    # 15-16. -sess_out/-sess_in against an oxissl s_server -www: the system s_client
    #   resumes (server sessions round-trip); oxissl s_client's file parses and reading it
    #   back gives a full handshake.
    for ver in tls1_2 tls1_3; do
        flag=(-tls1_2); want=TLSv1.2
        [ $ver = tls1_3 ] && { flag=(-tls1_3); want=TLSv1.3; }
        local sysfile=$WORK/$M-sys-ox-$ver.sess oxfile=$WORK/$M-ox-ox-$ver.sess pfx=$WORK/$M-sess-ox-$ver
        local started=1 why=()
        start_server "$M-sess-ox-$ver" ox -www || { started=0; why=("${missing[@]}"); missing=(); }
        local c=(-connect "127.0.0.1:$PORT" "${CA[@]}" "${flag[@]}")

        name="system s_client -sess_out/-sess_in -> oxissl s_server ($ver)"
        if [ $started = 1 ]; then
            client sys "$pfx.sys-out" 3 "" "$HTTP_GET" "${c[@]}" -sess_out "$sysfile"
            need "$pfx.sys-out" "^New, $want, Cipher is " "-sess_out connection: protocol $want"
            client sys "$pfx.sys-in" 3 "" "$HTTP_GET" "${c[@]}" -sess_in "$sysfile"
            check_sess_in "$pfx.sys-in" Reused
            [ ${#missing[@]} -eq 0 ] && notes+=("Reused, $want: oxissl's server sessions resume across client processes")
        else
            missing+=("${why[@]}")
        fi
        result "$name"

        name="oxissl s_client -sess_out/-sess_in -> oxissl s_server ($ver)"
        if [ $started = 1 ]; then
            client ox "$pfx.ox-out" 3 "" "$HTTP_GET" "${c[@]}" -sess_out "$oxfile"
            need "$pfx.ox-out" "^New, $want, Cipher is " "-sess_out connection: protocol $want"
            check_sess_file "$oxfile" "$want"
            client ox "$pfx.ox-in" 3 "" "$HTTP_GET" "${c[@]}" -sess_in "$oxfile"
            check_sess_in "$pfx.ox-in" New
            [ ${#missing[@]} -eq 0 ] && notes+=("$SESS_DESC; -sess_in: full handshake (New, $want) as expected, rustls cannot import a client's secrets across processes (the system s_client resumes here: Reused)")
            stop_server
        else
            missing+=("${why[@]}")
        fi
        result "$name"
    done
}

# check_sess_in OUT KIND: the -sess_in s_client (output OUT) loaded its file, its
# handshake was KIND (New or Reused) at $want, and it got the server's reply.
check_sess_in() {
    local kind err
    if grep -q "^Can't open session file" "$1"; then
        err=$(grep -m1 -o 'error:[^:]*:[^:]*:[^:]*:[^:]*' "$1")
        missing+=("-sess_in: s_client could not load the session file (${err:-no error queued})")
        return
    fi
    kind=$(handshake "$1")
    if [ "$kind" != "$2" ]; then
        missing+=("-sess_in connection: expected $2, got $kind")
    else
        need "$1" "^$2, $want, Cipher is " "-sess_in connection: protocol $want"
    fi
    need "$1" "^HTTP/1.0 200 ok" "-sess_in connection: HTTP reply"
}

# check_sess_file FILE VERSION: oxissl s_client wrote FILE, and the SYSTEM `openssl
# sess_id` parses it: protocol VERSION, a cipher, a session ID. Sets SESS_DESC.
check_sess_file() {
    local file=$1 want=$2 out=$1.text proto cipher sid
    SESS_DESC=
    if ! [ -s "$file" ]; then
        missing+=("-sess_out wrote no file")
        return
    fi
    grep -q "^-----BEGIN SSL SESSION PARAMETERS-----" "$file" || missing+=("-sess_out file is not a PEM SSL SESSION")
    if ! "${SYSENV[@]}" openssl sess_id -in "$file" -noout -text > "$out" 2>&1; then
        missing+=("the system 'openssl sess_id' cannot parse the -sess_out file ($(grep -m1 -o 'routines:[^:]*:[^:]*:' "$out" | cut -d: -f3), $(grep -m1 -o 'Field=[^,]*' "$out" || head -1 "$out"))")
        return
    fi
    proto=$(sed -n 's/^ *Protocol *: *//p' "$out")
    cipher=$(sed -n 's/^ *Cipher *: *//p' "$out")
    sid=$(sed -n 's/^ *Session-ID: *//p' "$out")
    [ "$proto" = "$want" ] || missing+=("sess_id: Protocol '$proto', expected $want")
    [ -n "$cipher" ] || missing+=("sess_id: no Cipher")
    [ -n "$sid" ] || missing+=("sess_id: no Session-ID")
    SESS_DESC="the file parses (system sess_id: $proto, $cipher, Session-ID ${#sid} hex digits)"
}

for m in "${MODES[@]}"; do
    run_scenarios "$m"
done

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
