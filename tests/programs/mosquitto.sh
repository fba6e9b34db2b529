#!/usr/bin/env bash
# mosquitto.sh [--lib DIR] -- the Mosquitto MQTT broker and its clients (Debian 12's
# mosquitto and mosquitto-clients 2.0) over TLS on oxissl, and its PSK listener.
#
# A private broker (mosquitto -c CONF in the foreground, logging everything to stderr,
# listeners on 127.0.0.1 on free ports, no persistence, stopped at exit; the system's
# Mosquitto service is never touched; the broker drops to the mosquitto user, so its key
# file is a copy owned by that user) is run with three configurations, each on the system
# libssl (the OpenSSL 3.0 baseline), on oxissl through LD_LIBRARY_PATH (`path`) and
# through LD_PRELOAD (`preload`). mosquitto_sub and mosquitto_pub (libmosquitto) run on
# the same library as the broker ("same") and on the other one ("other": oxissl path
# against the system broker, the system libssl against the oxissl brokers), with
# -h localhost --cafile ca.pem (the root only).
#
# Configurations "cert13" and "cert12" (certificate listeners only):
#     listener A   cafile ca.pem, certfile server-int-chain.pem (leaf + intermediate),
#                  keyfile server-int.key
#     listener B   the same, require_certificate true, use_identity_as_username true
#   cert12 is the same broker under an openssl.cnf host policy (OPENSSL_CONF,
#   system_default MaxProtocol = TLSv1.2): mosquitto's own tls_version, like the clients'
#   --tls-version, is only a minimum (libmosquitto with --tls-version tlsv1.2 negotiates
#   TLS 1.3 on both libraries).
#     proto     openssl s_client (system) -brief on A: TLSv1.3 (cert13), TLSv1.2 (cert12)
#     msg       sub on A (-C 1), then pub on A: the message arrives. cert13: the publisher
#               is `pub -l` kept connected while /proc/PID/maps of the broker,
#               mosquitto_sub and mosquitto_pub are checked for the intended libssl
#     ccert     sub and pub on B with --cert/--key client.pem: the message arrives; the
#               broker logs the certificate's CN as the user name ("u'oxissl test client'")
#     noccert   pub on B without a certificate: refused; the broker logs "OpenSSL
#               Error[0]: error:0A0000C7:SSL routines::peer did not return a certificate".
#               cert12: refused in the handshake, with the broker's alert in the client's
#               "OpenSSL Error[0]" line: "sslv3 alert handshake failure" from OpenSSL,
#               "tlsv13 alert certificate required" from oxissl (README, Deliberate
#               differences: "Missing client certificate in TLS 1.2"): each side is
#               checked against its own expectation and printed, "refused: alert" is
#               compared. cert13: the client's handshake is done before the broker checks;
#               the client sees the certificate_required alert ("Error: The connection was
#               lost.") or the reset after it ("Error: Protocol error"), a race on both
#               libraries: only "refused" is compared
#     badca     (cert13) pub with --cafile ca2.pem: refused, the client's "OpenSSL
#               Error[0]: ... certificate verify failed", the broker's "tlsv1 alert
#               unknown ca". Whether SSL_connect or the network loop meets the failure
#               ("Unable to connect (A TLS error occurred.)." or "Error: A TLS error
#               occurred.") is a race on both libraries and not compared
#   The observations (messages, client errors, the broker's log lines about these
#   connections, with client ids, ports and times removed) must equal the baseline's.
#
# Configuration "psk" (listener A plus a PSK listener: psk_hint, psk_file):
#   system   the broker runs; sub and pub with --psk/--psk-identity on the PSK listener
#            (system libssl): the message arrives; also through A. mosquitto_pub on oxissl
#            (path) with --psk against it fails (printed: libmosquitto's
#            SSL_CTX_set_psk_client_callback fails on oxissl, the client offers no PSK, the
#            broker logs "no suitable signature algorithm")
#   oxissl   PSK is a deliberate difference (README: "PSK", rustls has no external
#            pre-shared keys): SSL_CTX_set_psk_server_callback and
#            SSL_CTX_use_psk_identity_hint fail naming the feature, and mosquitto 2.0 then
#            refuses to start at all, its certificate listener included: it logs "Error:
#            Unable to set TLS PSK hint." and two "OpenSSL Error[n]:
#            error:0A0C0101:SSL routines::called a function you should not call" lines
#            (mosquitto prints ERR_error_string, without the error data) and exits with
#            status 1; under OXISSL_LOG=info oxissl's own lines name the feature
#            ("SSL_CTX_use_psk_identity_hint is not supported by oxissl: rustls has no
#            pre-shared keys (PSK)"). Checked: exit status 1, those lines, no "running"
#            line, and the certificate listener's port closed afterwards.
#
# Every run's broker log must have no "panicked" lines and no unexpected "not supported
# by oxissl". If mosquitto or the clients are missing, mosquitto and mosquitto-clients are
# installed (apt-get, service starts denied). Needs root (the broker's key file is
# handed to the mosquitto user). FULL=1 adds tools/oxissl-check's verdict for mosquitto,
# mosquitto_pub and mosquitto_sub (a few seconds each; exit 1 expected: the PSK functions
# only fail cleanly). KEEP=1 keeps the work directory. About 35 s on 2 busy cores.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"
# the daemons' users write to /dev/null; a regular file left there by something else breaks them
[ -c /dev/null ] || { echo "/dev/null is not a character device (mknod -m 666 /dev/null c 1 3 restores it)" >&2; exit 2; }

export LC_ALL=C
[ "$(id -u)" -eq 0 ] || { echo "mosquitto.sh gives the broker's key to the mosquitto user: run it as root" >&2; exit 2; }

# ---------------------------------------------------------------- packages present?
find_progs() {
    MOSQ=$(command -v mosquitto || { [ -x /usr/sbin/mosquitto ] && echo /usr/sbin/mosquitto; })
    MPUB=$(command -v mosquitto_pub)
    MSUB=$(command -v mosquitto_sub)
}
find_progs
if [ -z "$MOSQ" ] || [ -z "$MPUB" ] || [ -z "$MSUB" ]; then
    need_packages mosquitto:/usr/sbin/mosquitto mosquitto-clients:/usr/bin/mosquitto_pub mosquitto-clients:/usr/bin/mosquitto_sub
    find_progs
fi
id mosquitto >/dev/null 2>&1 || { echo "no mosquitto user" >&2; exit 2; }
echo "mosquitto: $("$MOSQ" -h 2>&1 | head -1)"

# FULL=1: tools/oxissl-check's verdict for each binary (exit 0: everything implemented, 1:
# some functions only fail cleanly, 2: it would not load); a few seconds each (it
# disassembles the callers of SSL_ctrl), so not in the default run
if [ -n "${FULL:-}" ]; then
    for b in "$MOSQ" "$MPUB" "$MSUB"; do
        v=$("$ROOT/tools/oxissl-check" --lib "$LIBDIR" --quiet "$b" 2>&1); r=$?
        echo "  $v"
        if [ $r -le 1 ]; then ok "oxissl-check $(basename "$b"): every libssl function it imports is exported (exit $r)"
        else bad "oxissl-check $(basename "$b")" "exit $r: $v"; fi
    done
fi

MODES=(system path preload)
CA=$PKI/ca.pem
chmod 755 "$WORK" "$PKI"
cp "$PKI/server-int.key" "$WORK/broker.key"
chown mosquitto "$WORK/broker.key"
chmod 600 "$WORK/broker.key"
PSK_KEY=0123456789abcdef0123456789abcdef
PSK_ID=oxissl-client
printf '%s:%s\n' "$PSK_ID" "$PSK_KEY" >"$WORK/psk.txt"
chown mosquitto "$WORK/psk.txt"
chmod 600 "$WORK/psk.txt"

# ---------------------------------------------------------------- helpers
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
mapped() { awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$1/maps" 2>/dev/null | sort -u | tr '\n' ' '; }
other_of() { if [ "$1" = system ]; then echo path; else echo system; fi; }

# write_conf FILE KIND: the broker configuration (KIND cert or psk); ports PA, PB, PP
write_conf() {
    local f=$1 kind=$2
    cat >"$f" <<EOF
per_listener_settings false
allow_anonymous true
persistence false
log_dest stderr
log_type all
log_timestamp false
listener $PA 127.0.0.1
cafile $CA
certfile $PKI/server-int-chain.pem
keyfile $WORK/broker.key
EOF
    if [ "$kind" = cert ]; then
        cat >>"$f" <<EOF
listener $PB 127.0.0.1
cafile $CA
certfile $PKI/server-int-chain.pem
keyfile $WORK/broker.key
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
EOF
    else
        cat >>"$f" <<EOF
listener $PP 127.0.0.1
psk_hint oxissl-hint
psk_file $WORK/psk.txt
EOF
    fi
}
# start_broker MODE CONF LOG [ENV…]: the broker on MODE's libssl; BROKER is its pid. Returns 1
# when it exits or does not listen on PA within 10 s.
start_broker() {
    local m=$1 conf=$2 log=$3 i; shift 3
    modeenv "$m"
    "${MODEENV[@]}" "$@" "$MOSQ" -c "$conf" >"$log" 2>&1 &
    BROKER=$!
    PIDS+=("$BROKER")
    for i in $(seq 100); do
        grep -q 'running' "$log" 2>/dev/null && wait_port "$PA" && return 0
        kill -0 "$BROKER" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}
stop_broker() {
    local i
    [ -n "${BROKER:-}" ] || return 0
    kill -TERM "$BROKER" 2>/dev/null
    for i in $(seq 50); do kill -0 "$BROKER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$BROKER" 2>/dev/null
    wait "$BROKER" 2>/dev/null
    BROKER=
}
# broker log lines from line MARK on about connections and TLS, normalized
log_mark() { MARK=$(wc -l <"$BLOG"); }
broker_lines() {
    tail -n +"$((MARK + 1))" "$BLOG" |
        grep -E 'OpenSSL Error|New client connected|disconnected|Protocol error|not authorised|Socket error' |
        sed -E 's/^[0-9]+: //; s/auto-[0-9A-F-]+/auto-ID/g; s/127\.0\.0\.1:[0-9]+/127.0.0.1:PORT/g; s/on port [0-9]+/on port P/g; s/ \(p2, c1, k60\)//'
}
# waitsubs N: until the broker has logged N SUBSCRIBE packets since the mark
waitsubs() {
    local i
    for i in $(seq 100); do
        [ "$(tail -n +"$((MARK + 1))" "$BLOG" | grep -c 'Received SUBSCRIBE')" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}

# message NAME KEY CLIENTMODE PORT MAPS CLIENT-ARGS…: sub (-C 1) then pub on PORT with
# CLIENT-ARGS; with MAPS=1 the publisher is `pub -l` kept connected while the maps of
# broker, sub and pub are checked
message() {
    local name=$1 key=$2 cm=$3 port=$4 maps=$5 spid ppid got rc out; shift 5
    local args=(-h localhost -p "$port" "$@")
    modeenv "$cm"
    log_mark
    "${MODEENV[@]}" "$MSUB" "${args[@]}" -t "oxissl/$key" -C 1 -W 12 -v >"$D/sub.$key" 2>&1 &
    spid=$!
    if ! waitsubs 1; then
        bad "$name" "the subscriber did not subscribe: $(flat "$(cat "$D/sub.$key")")"
        kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
        return
    fi
    if [ "$maps" = 1 ]; then
        { sleep 1; echo "hello $key"; sleep 0.2; } | "${MODEENV[@]}" "$MPUB" "${args[@]}" -t "oxissl/$key" -l >"$D/pub.$key" 2>&1 &
        ppid=$!
        local i
        for i in $(seq 40); do
            [ "$(tail -n +"$((MARK + 1))" "$BLOG" | grep -c 'New client connected')" -ge 2 ] && break
            sleep 0.025
        done
        local mname="$L: the broker (pid $BROKER), mosquitto_sub (pid $spid) and mosquitto_pub (pid $ppid) on $(label "$cm") have the intended libssl mapped"
        if libs_check "$MODE" "$BROKER" && libs_check "$cm" "$spid" && libs_check "$cm" "$ppid"; then ok "$mname"
        else bad "$mname" "broker: $(mapped "$BROKER"); sub: $(mapped "$spid"); pub: $(mapped "$ppid")"; fi
        wait "$ppid"; rc=$?
    else
        "${MODEENV[@]}" timeout 15 "$MPUB" "${args[@]}" -t "oxissl/$key" -m "hello $key" >"$D/pub.$key" 2>&1; rc=$?
    fi
    wait "$spid"
    got=$(cat "$D/sub.$key")
    out=$(cat "$D/pub.$key")
    sleep 0.1
    record "$key-$(cl "$cm")" "pub rc=$rc|$(flat "$out")|sub: $(flat "$got")|broker: $(flat "$(broker_lines)")"
    if [ "$rc" -eq 0 ] && [ "$got" = "oxissl/$key hello $key" ]; then ok "$name"
    else bad "$name" "pub rc=$rc '$(flat "$out")'; sub got '$(flat "$got")'; broker: $(flat "$(broker_lines | tail -4)")"; fi
}
cl() { if [ "$1" = "$MODE" ]; then echo same; else echo other; fi; }
# refused NAME KEY CLIENTMODE WANT-REGEX PUB-ARGS…: a publisher (-d, so that libmosquitto
# prints the OpenSSL error) that must fail. Its first line ("Unable to connect (A TLS error
# occurred.)." when SSL_connect meets the failure, "Error: A TLS error occurred." when the
# network loop does) is racy on both libraries: only the kind of failure and the OpenSSL
# error line are compared.
TLSERR='^(Error: A TLS error occurred\.|Unable to connect \(A TLS error occurred\.\)\.)$'
refused() {
    local name=$1 key=$2 cm=$3 want=$4 rc out top err; shift 4
    modeenv "$cm"
    log_mark
    out=$("${MODEENV[@]}" timeout 15 "$MPUB" -d -h localhost "$@" -t "oxissl/$key" -m x 2>&1); rc=$?
    sleep 0.2
    local shown=$out
    top=$(grep -vE '^(OpenSSL Error|Client \(null\) )' <<<"$out" | head -1)
    err=$(grep -m1 '^OpenSSL Error\[0\]' <<<"$out")
    case $key in
    noccert12)
        # the broker's alert differs by library (README: Missing client certificate in TLS 1.2)
        local alert='sslv3 alert handshake failure'
        [ "$MODE" = system ] || alert='tlsv13 alert certificate required'
        if [[ $top =~ $TLSERR ]] && [[ $err == "OpenSSL Error[0]: error:"*":SSL routines::$alert" ]]; then
            echo "  TLS 1.2 without a client certificate, mosquitto_pub on $(label "$cm") against the broker on $(label "$MODE"): $err"
            out="refused: alert"
        fi ;;
    noccert13)
        # TLS 1.3: the client's handshake is done first; reset or alert, racy on both libraries
        if [[ $top =~ ^Error:\ (Protocol\ error|The\ connection\ was\ lost\.)$ ]]; then
            echo "  TLS 1.3 without a client certificate, mosquitto_pub on $(label "$cm") against the broker on $(label "$MODE"): $(flat "$top${err:+
$err}")"
            out="refused (reset or certificate_required alert)"
        fi ;;
    badca)
        [[ $top =~ $TLSERR ]] && out="refused: A TLS error occurred|$err" ;;
    esac
    record "$key-$(cl "$cm")" "pub rc=$([ $rc -eq 0 ] && echo 0 || echo fail)|$(flat "$out")|broker: $(flat "$(broker_lines)")"
    if [ "$rc" -ne 0 ] && [[ $out =~ $want ]]; then ok "$name"
    else bad "$name" "pub rc=$rc '$(flat "$shown")'; broker: $(flat "$(broker_lines | tail -3)")"; fi
}

# ---------------------------------------------------------------- runs: configuration "cert"
# The host policy that limits the second broker to TLS 1.2 (mosquitto's tls_version is a
# minimum, for the broker and the clients alike)
cat >"$WORK/tls12.cnf" <<EOF
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MaxProtocol = TLSv1.2
EOF
chmod 644 "$WORK/tls12.cnf"
for MODE in "${MODES[@]}"; do
    D=$WORK/run-$MODE
    mkdir -p "$D"
    for V in 13 12; do
        L="mosquitto on $(label "$MODE")"
        PA=$(free_port); PB=$(free_port)
        while [ "$PB" = "$PA" ]; do PB=$(free_port); done
        write_conf "$D/cert$V.conf" cert
        BLOG=$D/broker-cert$V.log
        extra=()
        [ $V = 12 ] && extra=(OPENSSL_CONF="$WORK/tls12.cnf") && L="$L, TLS 1.2 only (openssl.cnf MaxProtocol)"
        if ! start_broker "$MODE" "$D/cert$V.conf" "$BLOG" "${extra[@]}"; then
            bad "$L: the broker starts with certificate listeners" "$(tail -4 "$BLOG" | tr '\n' ' ')"
            stop_broker
            continue
        fi
        ok "$L: the broker starts with two certificate listeners"
        # the protocol the broker negotiates (s_client on the system libssl)
        out=$(echo | on_system timeout 10 openssl s_client -brief -connect "127.0.0.1:$PA" -CAfile "$CA" 2>&1 |
            grep -E '^(Protocol version|Verification):')
        record "proto$V" "$(flat "$out")"
        if [[ $out == *"Protocol version: TLSv1.${V#1}"*"Verification: OK"* ]]; then ok "$L: s_client gets TLSv1.${V#1}, verified"
        else bad "$L: s_client gets TLSv1.${V#1}, verified" "$(flat "$out")"; fi
        for cm in "$MODE" "$(other_of "$MODE")"; do
            who="clients on $(label "$cm")"
            message "$L: a message through the certificate listener ($who)" "msg$V" "$cm" "$PA" "$([ $V = 13 ] && echo 1 || echo 0)" --cafile "$CA"
            message "$L: require_certificate, use_identity_as_username: a message with client certificates ($who)" \
                "ccert$V" "$cm" "$PB" 0 --cafile "$CA" --cert "$PKI/client.pem" --key "$PKI/client.key"
            if ! grep -q "New client connected from 127.0.0.1:[0-9]* as auto-[0-9A-F-]* (p2, c1, k60, u'oxissl test client')" "$BLOG"; then
                bad "$L: the broker names the client by its certificate's CN ($who)" "$(grep 'New client connected' "$BLOG" | tail -2 | tr '\n' ' ')"
            fi
            if [ $V = 12 ]; then
                refused "$L: require_certificate, no client certificate: refused in the TLS 1.2 handshake with the broker's alert ($who)" \
                    noccert12 "$cm" '^refused: alert$' -p "$PB" --cafile "$CA"
            else
                refused "$L: require_certificate, no client certificate: refused ($who)" \
                    noccert13 "$cm" '^refused ' -p "$PB" --cafile "$CA"
                refused "$L: --cafile of another root: refused ($who)" \
                    badca "$cm" '^refused: A TLS error occurred\|OpenSSL Error\[0\]: error:0A000086:SSL routines::certificate verify failed$' -p "$PA" --cafile "$PKI/ca2.pem"
            fi
        done
        stop_broker
        errs=$(grep -E 'panicked|not supported by oxissl' "$BLOG" | sort -u)
        if [ -z "$errs" ]; then ok "$L: broker log clean"
        else bad "$L: broker log clean" "$(head -3 <<<"$errs" | tr '\n' ' ')"; fi
    done
done

for MODE in path preload; do
    L="mosquitto on oxissl ($MODE)"
    [ -s "$WORK/obs.$MODE" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$MODE") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: same observations as the system libssl (certificate listeners)"
    else bad "$L: same observations as the system libssl (certificate listeners)" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done

# ---------------------------------------------------------------- configuration "psk"
for MODE in "${MODES[@]}"; do
    D=$WORK/run-$MODE
    L="mosquitto on $(label "$MODE") with a certificate and a PSK listener"
    PA=$(free_port); PP=$(free_port)
    while [ "$PP" = "$PA" ]; do PP=$(free_port); done
    write_conf "$D/psk.conf" psk
    BLOG=$D/broker-psk.log
    if [ "$MODE" = system ]; then
        if ! start_broker system "$D/psk.conf" "$BLOG"; then
            bad "$L: the broker starts" "$(tail -4 "$BLOG" | tr '\n' ' ')"
            stop_broker
            continue
        fi
        ok "$L: the broker starts"
        message "$L: a message through the PSK listener (--psk, --psk-identity; clients on system)" psk system "$PP" 0 \
            --psk "$PSK_KEY" --psk-identity "$PSK_ID"
        message "$L: a message through the certificate listener (clients on system)" pskcert system "$PA" 0 --cafile "$CA"
        # libmosquitto on oxissl as a PSK client: not expected to work (no PSK in rustls)
        modeenv path
        log_mark
        out=$("${MODEENV[@]}" timeout 15 "$MPUB" -d -h localhost -p "$PP" --psk "$PSK_KEY" --psk-identity "$PSK_ID" \
            -t oxissl/x -m x 2>&1); rc=$?
        out=$(grep -v '^Client (null) ' <<<"$out")
        for _ in $(seq 20); do broker_lines | grep -q 'disconnected' && break; sleep 0.1; done
        echo "  mosquitto_pub on oxissl (path) with --psk against the system broker's PSK listener: rc=$rc: $(flat "$out"); broker: $(flat "$(broker_lines)")"
        if [ $rc -ne 0 ]; then ok "$L: mosquitto_pub on oxissl (path) with --psk fails (no PSK in rustls)"
        else bad "$L: mosquitto_pub on oxissl (path) with --psk fails (no PSK in rustls)" "it published"; fi
        stop_broker
        continue
    fi
    # oxissl: the PSK set-up is refused, and mosquitto does not start at all
    modeenv "$MODE"
    "${MODEENV[@]}" OXISSL_LOG=info timeout 15 "$MOSQ" -c "$D/psk.conf" >"$BLOG" 2>&1 &
    bpid=$!
    PIDS+=("$bpid")
    for _ in $(seq 100); do kill -0 "$bpid" 2>/dev/null || break; sleep 0.05; done
    # the certificate listener's port: opened and closed again, or never opened
    listening=no
    python3 -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1',$PA)))" 2>/dev/null && listening=yes
    wait "$bpid"; rc=$?
    mosq_lines=$(grep -vE '^oxissl\[' "$BLOG" | sed -E 's/^[0-9]+: //; s/port [0-9]+/port P/')
    ox_lines=$(grep -E '^oxissl\[[0-9]+\]: error queued' "$BLOG" | sed -E 's/^oxissl\[[0-9]+\]: error queued: //; s/ at src\/.*//')
    echo "  $L: exit status $rc; mosquitto logs: $(flat "$mosq_lines")"
    echo "  $L: oxissl logs (OXISSL_LOG=info): $(flat "$ox_lines")"
    name="$L: the PSK set-up is refused naming the feature, and the broker exits (status 1) without serving its certificate listener"
    want_m=$'Error: Unable to set TLS PSK hint.\nOpenSSL Error[0]: error:0A0C0101:SSL routines::called a function you should not call\nOpenSSL Error[1]: error:0A0C0101:SSL routines::called a function you should not call'
    want_o=$'called a function you should not call (257): SSL_CTX_set_psk_server_callback is not supported by oxissl: rustls has no pre-shared keys (PSK)\ncalled a function you should not call (257): SSL_CTX_use_psk_identity_hint is not supported by oxissl: rustls has no pre-shared keys (PSK)'
    if [ "$rc" -eq 1 ] && [[ $mosq_lines == *"$want_m"* ]] && [ "$ox_lines" = "$want_o" ] && [ $listening = no ] &&
        ! grep -q 'mosquitto version [0-9.]* running' "$BLOG"; then ok "$name"
    else bad "$name" "status $rc, certificate port listening: $listening; mosquitto: $(flat "$mosq_lines"); oxissl: $(flat "$ox_lines")"; fi
done

[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] || echo "(KEEP=1 keeps the configurations, broker logs and client output)"
finish
