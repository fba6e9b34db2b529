#!/usr/bin/env bash
# curl.sh [--lib DIR] -- Debian's /usr/bin/curl (libcurl4, OpenSSL backend) on oxissl.
#
# Every scenario runs three times: curl on the system libssl (the baseline: it proves the
# expected output), then curl on oxissl through LD_LIBRARY_PATH (`path`) and LD_PRELOAD
# (`preload`). The HTTPS servers (curl_server.py) always run on the SYSTEM libssl, so only
# the client side is under test; they log what they saw of each connection (version,
# cipher, ALPN, client certificate, whether the session was resumed).
#
#   get        --cacert ca.pem: body, -w '%{ssl_verify_result} %{http_code}' = "0 200",
#              "SSL connection using <version> / <cipher>" as on the system libssl
#   wronghost  exit 60, "SSL: no alternative certificate subject name matches target host name"
#   unknownca  exit 60, "SSL certificate problem: unable to get local issuer certificate"
#   clientcert --cert/--key to a server requiring one; without: the system's exit code/message
#   alpn       "ALPN: offers …" / "ALPN: server accepted http/1.1" (default and --http1.1)
#   resume12/13  two URLs on one command line (the server closes after each response):
#              "SSL re-using session ID" on the second, and the SERVER saw a resumption
#   maps       /proc/PID/maps of a curl waiting on a slow response maps oxissl, not libssl
#
# A documented difference is printed as `note` (curl -v's handshake trace comes from
# SSL_CTX_set_msg_callback, which oxissl stores but never calls: see README).
. "$(dirname "$0")/lib.sh"

HERE=$ROOT/tests/programs
CURL=/usr/bin/curl
[ -x "$CURL" ] || { echo "no $CURL" >&2; exit 2; }

note() { printf 'note  %s\n' "$1"; }

# runc MODE NAME ARGS…: curl on MODE (system|path|preload); stdout in $WORK/NAME.MODE.out,
# stderr in .err, exit code in RC.
runc() {
    local mode=$1 name=$2; shift 2
    local o=$WORK/$name.$mode.out e=$WORK/$name.$mode.err
    if [ "$mode" = system ]; then
        on_system timeout 20 "$CURL" "$@" >"$o" 2>"$e"
    else
        on_oxissl "$mode" timeout 20 "$CURL" "$@" >"$o" 2>"$e"
    fi
    RC=$?
    OUT=$o ERR=$e
}

# start_server LOG ARGS…: curl_server.py on the system libssl; sets PORT.
start_server() {
    local log=$1; shift
    PORT=$(free_port)
    # on_system is a function, so `&` forks a subshell whose child is python: record
    # python's own PID (sh writes it, then execs python) so that the cleanup kills it.
    on_system sh -c 'echo $$ >"$0"; exec "$@"' "$log.pid" \
        python3 "$HERE/curl_server.py" --port "$PORT" --log "$log" "$@" >/dev/null 2>>"$WORK/servers.err" &
    PIDS+=($!)
    wait_port "$PORT" || { echo "curl_server.py did not start: $(cat "$WORK/servers.err")" >&2; exit 2; }
    PIDS+=("$(cat "$log.pid")")
}

# The server's log line for a path (the last one, if several).
srvline() { grep -F " path=$2" "$1" | tail -n 1; }

# first line of FILE matching an extended regexp
line_of() { grep -m1 -E "$2" "$1"; }

MODES=(system path preload)
declare -A SYS   # baseline facts measured with curl on the system libssl

LOG_MAIN=$WORK/main.log
start_server "$LOG_MAIN" --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --alpn http/1.1
P_MAIN=$PORT
LOG_CC=$WORK/clientcert.log
start_server "$LOG_CC" --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --ca "$PKI/ca.pem"
P_CC=$PORT
U=https://localhost:$P_MAIN

for M in "${MODES[@]}"; do
    # ---- get: verified GET, body, -w, protocol and cipher ---------------------------------
    runc "$M" get -sS -v --cacert "$PKI/ca.pem" -w '\n%{ssl_verify_result} %{http_code}\n' "$U/get-$M"
    conn=$(line_of "$ERR" '^\* SSL connection using ')
    want_body=$(printf 'hello from curl_server /get-%s\n\n0 200' "$M")
    why=""
    [ $RC -eq 0 ] || why="exit $RC: $(tail -n 1 "$ERR")"
    [ -z "$why" ] && [ "$(cat "$OUT")" != "$want_body" ] && why="output $(tr '\n' '|' <"$OUT")"
    [ -z "$why" ] && ! grep -q '^\*  SSL certificate verify ok\.' "$ERR" && why="no 'SSL certificate verify ok.'"
    if [ "$M" = system ]; then
        [[ $conn =~ ^\*\ SSL\ connection\ using\ TLSv1\.3\ /\ TLS_ ]] || why="${why:-unexpected '$conn'}"
        SYS[conn]=$conn
    else
        [ -z "$why" ] && [ "$conn" != "${SYS[conn]}" ] && why="'$conn', system: '${SYS[conn]}'"
    fi
    if [ -z "$why" ]; then ok "get $M (${conn#\* SSL connection using }; -w 0 200)"; else bad "get $M" "$why"; fi

    # the handshake trace of curl -v (msg callback)
    ntrace=$(grep -cE '^\* TLSv1\.[23] \((IN|OUT)\), TLS handshake' "$ERR")
    if [ "$M" = system ]; then
        SYS[trace]=$ntrace
    elif [ "$ntrace" -ne "${SYS[trace]}" ]; then
        note "get $M: curl -v prints $ntrace handshake trace lines ('* TLSv1.3 (OUT), TLS handshake, Client hello (1):' …), system ${SYS[trace]}: deliberate, oxissl never calls SSL_CTX_set_msg_callback's callback (README)"
    fi

    # ---- wrong host name -------------------------------------------------------------------
    runc "$M" wronghost -sS --cacert "$PKI/ca.pem" --resolve "wrong.example:$P_MAIN:127.0.0.1" "https://wrong.example:$P_MAIN/wh-$M"
    msg="curl: (60) SSL: no alternative certificate subject name matches target host name 'wrong.example'"
    if [ $RC -eq 60 ] && grep -qxF "$msg" "$ERR"; then ok "wronghost $M (exit 60)"
    else bad "wronghost $M" "exit $RC: $(head -n 1 "$ERR")"; fi

    # ---- unknown CA (the server's certificate is not issued by the --cacert CA) ---------
    runc "$M" unknownca -sS --cacert "$PKI/ca2.pem" "$U/uca-$M"
    msg="curl: (60) SSL certificate problem: unable to get local issuer certificate"
    if [ $RC -eq 60 ] && grep -qxF "$msg" "$ERR"; then ok "unknownca $M (exit 60)"
    else bad "unknownca $M" "exit $RC: $(head -n 1 "$ERR")"; fi

    # ---- client certificate ----------------------------------------------------------------
    for v in 1.3 1.2; do
        vopt=(--tlsv1.3); [ $v = 1.2 ] && vopt=(--tlsv1.2 --tls-max 1.2)
        runc "$M" cc$v -sS "${vopt[@]}" --cacert "$PKI/ca.pem" --cert "$PKI/client.pem" --key "$PKI/client.key" "https://localhost:$P_CC/cc$v-$M"
        sl=$(srvline "$LOG_CC" "/cc$v-$M")
        if [ $RC -eq 0 ] && grep -qxF "hello from curl_server /cc$v-$M" "$OUT" && [[ $sl == *"version=TLSv$v "*"client=oxissl-test-client "* ]]; then
            ok "clientcert TLSv$v $M (server saw CN=oxissl test client)"
        else bad "clientcert TLSv$v $M" "exit $RC: $(head -n 1 "$ERR"); server: ${sl:-nothing}"; fi

        # Without a certificate the server refuses. TLS 1.2: the handshake fails (exit 35,
        # "sslv3 alert handshake failure"). TLS 1.3: the client's handshake is over before
        # the server's alert, which SSL_read reports (exit 56, "tlsv13 alert certificate
        # required"), unless the server has closed before curl's getpeername() (exit 55);
        # that race exists on the system libssl too. The errno curl appends to the SSL_read
        # message is compared with the system's but only reported (`note`).
        runc "$M" nocc$v -sS "${vopt[@]}" --cacert "$PKI/ca.pem" "https://localhost:$P_CC/nocc$v-$M"
        msg=$(head -n 1 "$ERR")
        if [ $v = 1.2 ]; then
            [ $RC -eq 35 ] && [[ $msg == "curl: (35) OpenSSL/"*": error:0A000410:SSL routines::sslv3 alert handshake failure" ]]
        else
            { [ $RC -eq 56 ] && [[ $msg == "curl: (56) OpenSSL SSL_read: OpenSSL/"*": error:0A00045C:SSL routines::tlsv13 alert certificate required, errno "* ]]; } ||
                { [ $RC -eq 55 ] && [[ $msg == "curl: (55) getpeername() failed with errno 107"* ]]; }
        fi
        if [ $? -eq 0 ]; then ok "clientcert missing TLSv$v $M (exit $RC)"
        else bad "clientcert missing TLSv$v $M" "exit $RC: $msg"; fi
        if [ $RC -eq 56 ]; then
            if [ "$M" = system ]; then SYS[errno$v]=${msg##*, }
            elif [ -n "${SYS[errno$v]:-}" ] && [ "${msg##*, }" != "${SYS[errno$v]}" ]; then
                note "clientcert missing TLSv$v $M: curl's SSL_read message ends '${msg##*, }', system '${SYS[errno$v]}' (errno after SSL_read failed with SSL_ERROR_SSL; intermittent)"
            fi
        fi
    done

    # ---- ALPN --------------------------------------------------------------------------------
    why=""
    for h in default http1.1; do
        opt=(); want_offer="* ALPN: offers h2,http/1.1"
        [ $h = http1.1 ] && { opt=(--http1.1); want_offer="* ALPN: offers http/1.1"; }
        runc "$M" alpn-$h -sS -v "${opt[@]}" --cacert "$PKI/ca.pem" "$U/alpn-$h-$M"
        sl=$(srvline "$LOG_MAIN" "/alpn-$h-$M")
        [ $RC -eq 0 ] || { why+=" $h: exit $RC $(tail -n 1 "$ERR");"; continue; }
        grep -qxF "$want_offer" "$ERR" || why+=" $h: no '$want_offer';"
        grep -qxF "* ALPN: server accepted http/1.1" "$ERR" || why+=" $h: $(grep -m1 'ALPN: server' "$ERR");"
        [[ $sl == *" alpn=http/1.1 "* ]] || why+=" $h: server: ${sl:-nothing};"
    done
    if [ -z "$why" ]; then ok "alpn $M (offers h2,http/1.1 | http/1.1; server accepted http/1.1)"
    else bad "alpn $M" "$why"; fi

    # ---- session reuse within one curl run ---------------------------------------------------
    for v in 1.2 1.3; do
        vopt=(--tlsv1.3); [ $v = 1.2 ] && vopt=(--tlsv1.2 --tls-max 1.2)
        runc "$M" resume$v -sS -v "${vopt[@]}" --cacert "$PKI/ca.pem" "$U/r$v-$M/1" "$U/r$v-$M/2"
        s1=$(srvline "$LOG_MAIN" "/r$v-$M/1") s2=$(srvline "$LOG_MAIN" "/r$v-$M/2")
        nre=$(grep -c '^\* SSL re-using session ID' "$ERR")
        why=""
        [ $RC -eq 0 ] || why="exit $RC: $(tail -n 1 "$ERR")"
        [ -z "$why" ] && [ "$(grep -c '^hello from curl_server' "$OUT")" -ne 2 ] && why="bodies: $(tr '\n' '|' <"$OUT")"
        [ -z "$why" ] && [ "$nre" -ne 1 ] && why="'SSL re-using session ID' printed $nre times"
        [ -z "$why" ] && [[ $s1 != *"version=TLSv$v "*"reused=False "* ]] && why="server, 1st: ${s1:-nothing}"
        [ -z "$why" ] && [[ $s2 != *"version=TLSv$v "*"reused=True "* ]] &&
            why="curl offered the session ('SSL re-using session ID') but the server did a full handshake: ${s2:-nothing}"
        if [ -z "$why" ]; then ok "resume TLSv$v $M ('SSL re-using session ID'; server: 2nd connection resumed)"
        else bad "resume TLSv$v $M" "$why"; fi
    done

    # ---- /proc/PID/maps of a running curl ------------------------------------------------
    # sh records its PID, then becomes curl (exec keeps the PID)
    slow=(sh -c 'echo $$ >"$0"; exec "$@"' "$WORK/slow.$M.pid" "$CURL" -sS --cacert "$PKI/ca.pem" "$U/slow-$M")
    rm -f "$WORK/slow.$M.pid"
    if [ "$M" = system ]; then
        on_system "${slow[@]}" >"$WORK/slow.$M.out" 2>&1 &
    else
        on_oxissl "$M" "${slow[@]}" >"$WORK/slow.$M.out" 2>&1 &
    fi
    bgpid=$!
    for _ in $(seq 50); do srvline "$LOG_MAIN" "/slow-$M" | grep -q . && break; sleep 0.1; done
    cpid=$(cat "$WORK/slow.$M.pid" 2>/dev/null)
    if [ "$M" = system ]; then
        libs=$(awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$cpid/maps" 2>/dev/null | sort -u)
        [ "$libs" = "$SYSLIB_REAL" ]; mres=$?
    else
        maps_check "$cpid" 2>"$WORK/maps.$M.err"; mres=$?
    fi
    wait "$bgpid"; crc=$?
    if [ $mres -eq 0 ] && [ $crc -eq 0 ] && grep -qxF "hello from curl_server /slow-$M" "$WORK/slow.$M.out"; then
        if [ "$M" = system ]; then ok "maps $M (running curl maps $SYSLIB_REAL)"
        else ok "maps $M (running curl maps $OXLIB_REAL, not the system libssl)"; fi
    else
        bad "maps $M" "maps: ${libs:-$(cat "$WORK/maps.$M.err" 2>/dev/null)}; curl exit $crc: $(head -n 1 "$WORK/slow.$M.out")"
    fi
done

finish
