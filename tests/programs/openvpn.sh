#!/usr/bin/env bash
# openvpn.sh [--lib DIR] -- OpenVPN (Debian 12's openvpn 2.6) peer-to-peer TLS tunnels on
# oxissl, both ends on the same library.
#
# No tun device is needed: both ends run with `--dev null` (OpenVPN's test device: the
# tunnel comes up, the data channel carries OpenVPN's own pings), on 127.0.0.1, ports from
# free_port, `--tls-server`/`--tls-client` with certificates (server: the RSA or the P-256
# localhost certificate; client: client.pem, P-256) and a `--tls-crypt` key made by
# `openvpn --genkey tls-crypt`, --verb 3, --status FILE 1. Each pair of processes runs
# with both ends on the system libssl (the OpenSSL 3.0 baseline: every expectation is checked
# there too), both on oxissl through LD_LIBRARY_PATH (`path`), both through LD_PRELOAD
# (`preload`), and then mixed (server on oxissl and client on the system libssl, and the
# reverse, through LD_LIBRARY_PATH): the data channel keys come from
# SSL_export_keying_material on each side ("TLS_export=1"), so a mixed pair proves that
# oxissl exports the same keys as OpenSSL.
#
#   udp13      UDP, TLS 1.3 (defaults), RSA server certificate, --remote-cert-tls server,
#              --verify-x509-name localhost name, --ping 1, --reneg-sec 3: both ends log
#              "Initialization Sequence Completed", "Control Channel: TLSv1.3, cipher TLSv1.3
#              TLS_AES_256_GCM_SHA384, peer certificate: …" and "Data Channel: cipher
#              'AES-256-GCM'"; after the renegotiation (a new TLS session in a new SSL
#              object: a second "Control Channel" line on both ends) the pings still
#              authenticate ("Auth read bytes" in the status file grows on both ends) and no
#              "Authenticate/Decrypt packet error" is logged
#   tcp12      TCP, P-256 server certificate, the client with --tls-version-max 1.2 and
#              --tls-cipher ECDHE-ECDSA-AES128-GCM-SHA256: "Control Channel: TLSv1.2, cipher
#              TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256, peer certificate: 256 bit
#              ECprime256v1 …", Initialization Sequence Completed, pings authenticate
#   wrongname  TCP, the client with --verify-x509-name wrong.example name --tls-exit: "VERIFY
#              X509NAME ERROR: O=oxissl test, CN=localhost, must be wrong.example",
#              "OpenSSL: error:0A000086:SSL routines::certificate verify failed", "TLS Error:
#              TLS handshake failed", the client exits
#
# Checked every run: /proc/PID/maps of both openvpn processes has the intended libssl; the
# verification, control channel, data channel, NCP and error lines of both logs equal the
# baseline's (timestamps, ports, session and peer ids dropped); no panic and no "not
# supported by oxissl". If openvpn is missing it is installed (apt-get, service starts
# denied). KEEP=1 keeps the work directory (logs, status files). About 30 s.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/lib-modes.bash"

need_packages openvpn:/usr/sbin/openvpn
OPENVPN=/usr/sbin/openvpn
echo "openvpn: $OPENVPN ($("$OPENVPN" --version | sed -n '1s/^OpenVPN \([^ ]*\) .*/\1/p'))"
CA=$PKI/ca.pem
TC=$WORK/tc.key
on_system "$OPENVPN" --genkey tls-crypt "$TC" >/dev/null 2>&1 || { echo "openvpn --genkey tls-crypt failed" >&2; exit 2; }
COMMON=(--dev null --tls-crypt "$TC" --verb 3 --ping 1 --ping-restart 15 --status-version 1)

# pairs: "KEY SERVER-MODE CLIENT-MODE"
PAIRS=("system system system" "path path path" "preload preload preload" "srv-ox path system" "cli-ox system path")

# logn FILE: the lines compared with the baseline, without time stamps, ports and ids
logn() {
    cut -c21- "$1" | grep -E '^(VERIFY|Control Channel|Data Channel|P2P mode NCP|OpenSSL:|TLS_ERROR|TLS Error|Initialization Sequence|peer info: IV_CIPHERS|Authenticate/Decrypt|AEAD Decrypt|Fatal TLS)' |
        sed -E 's/peer-id [0-9]+/peer-id N/g; s/\[AF_INET\][0-9.:]+/ADDR/g' | sort -u
}
count() { local v; v=$(grep -c "$1" "$2" 2>/dev/null); echo "${v:-0}"; }
# auth FILE: "Auth read bytes" of a status file
auth() { local v; v=$(sed -n 's/^Auth read bytes,//p' "$1" 2>/dev/null | tail -1); echo "${v:-0}"; }

# start_pair NAME SERVER-ARGS… -- CLIENT-ARGS…: both ends in the background (server first,
# the client once the server's socket is bound); SP_NAME / CP_NAME hold their PIDs
start_pair() {
    local name=$1; shift
    local sargs=() cargs=() proto=udp port
    while [ "$1" != -- ]; do sargs+=("$1"); shift; done; shift
    cargs=("$@")
    [[ " ${sargs[*]} " == *" tcp-server "* ]] && proto=tcp
    port=${sargs[$((${#sargs[@]} - 1))]}
    launch "$SM" "$PK-$name-srv" "$OPENVPN" "${COMMON[@]}" --status "$WORK/$PK-$name-srv.status" 1 "${sargs[@]}"
    printf -v "SP_$name" %s "$LPID"
    if [ "$proto" = udp ]; then wait_listen_udp "$port" "$LPID"; else wait_listen "$port" "$LPID"; fi
    launch "$CM" "$PK-$name-cli" "$OPENVPN" "${COMMON[@]}" --status "$WORK/$PK-$name-cli.status" 1 "${cargs[@]}"
    printf -v "CP_$name" %s "$LPID"
}

# wait_for SECONDS CONDITION…: poll (0.2 s) until the shell condition holds
wait_for() {
    local n=$(( $1 * 5 )) i; shift
    for i in $(seq "$n"); do eval "$*" && return 0; sleep 0.2; done
    return 1
}

SRVRSA=(--tls-server --ca "$CA" --cert "$PKI/server-rsa.pem" --key "$PKI/server-rsa.key" --dh none)
SRVEC=(--tls-server --ca "$CA" --cert "$PKI/server-p256.pem" --key "$PKI/server-p256.key" --dh none)
CLI=(--tls-client --nobind --ca "$CA" --cert "$PKI/client.pem" --key "$PKI/client.key" --remote-cert-tls server)

for pair in "${PAIRS[@]}"; do
    read -r PK SM CM <<<"$pair"
    MODE=$PK
    if [ "$SM" = "$CM" ]; then L="openvpn, both ends on $(label "$SM")"
    else L="openvpn, server on $(label "$SM"), client on $(label "$CM")"; fi
    new_port PU; new_port PT; new_port PW
    start_pair udp13 --proto udp4 --reneg-sec 3 "${SRVRSA[@]}" --local 127.0.0.1 --lport "$PU" -- \
        --proto udp4 --reneg-sec 3 "${CLI[@]}" --verify-x509-name localhost name --remote 127.0.0.1 "$PU"
    start_pair tcp12 --proto tcp-server "${SRVEC[@]}" --local 127.0.0.1 --lport "$PT" -- \
        --proto tcp-client "${CLI[@]}" --tls-version-max 1.2 --tls-cipher ECDHE-ECDSA-AES128-GCM-SHA256 \
        --verify-x509-name localhost name --remote 127.0.0.1 "$PT"
    start_pair wrongname --proto tcp-server "${SRVRSA[@]}" --local 127.0.0.1 --lport "$PW" -- \
        --proto tcp-client "${CLI[@]}" --verify-x509-name wrong.example name --tls-exit --connect-retry-max 1 \
        --remote 127.0.0.1 "$PW"
    for n in udp13 tcp12 wrongname; do
        sp=SP_$n cp=CP_$n
        libs_line "$L: $n server" "$SM" "${!sp}"
        libs_line "$L: $n client" "$CM" "${!cp}"
    done
    su=$WORK/$PK-udp13-srv; cu=$WORK/$PK-udp13-cli
    st=$WORK/$PK-tcp12-srv; ct=$WORK/$PK-tcp12-cli
    sw=$WORK/$PK-wrongname-srv; cw=$WORK/$PK-wrongname-cli

    # ---- tcp12 and udp13 up
    wait_for 20 '[ "$(count "Initialization Sequence Completed" "$st.log")" -ge 1 ] && [ "$(count "Initialization Sequence Completed" "$ct.log")" -ge 1 ] && [ "$(count "Initialization Sequence Completed" "$su.log")" -ge 1 ] && [ "$(count "Initialization Sequence Completed" "$cu.log")" -ge 1 ]'
    # ---- the renegotiation of udp13, then the pings must go on authenticating
    wait_for 15 '[ "$(count "Control Channel:" "$su.log")" -ge 2 ] && [ "$(count "Control Channel:" "$cu.log")" -ge 2 ]'
    a_s=$(auth "$su.status"); a_c=$(auth "$cu.status")
    wait_for 6 '[ "$(auth "$su.status")" -gt "${a_s:-0}" ] && [ "$(auth "$cu.status")" -gt "${a_c:-0}" ] && [ "$(auth "$st.status")" -gt 0 ] && [ "$(auth "$ct.status")" -gt 0 ]'
    wait_for 5 '! kill -0 "$CP_wrongname" 2>/dev/null'

    # udp13
    why=
    for f in "$su" "$cu"; do
        [ "$(count "Initialization Sequence Completed" "$f.log")" -ge 1 ] || why+=" ${f##*-}: no Initialization Sequence Completed;"
        grep -q "Control Channel: TLSv1.3, cipher TLSv1.3 TLS_AES_256_GCM_SHA384, peer certificate: " "$f.log" || why+=" ${f##*-}: no TLS 1.3 control channel;"
        grep -q "Data Channel: cipher 'AES-256-GCM'" "$f.log" || why+=" ${f##*-}: no AES-256-GCM data channel;"
        [ "$(count "Control Channel:" "$f.log")" -ge 2 ] || why+=" ${f##*-}: no renegotiation;"
        grep -qE 'Authenticate/Decrypt packet error|AEAD Decrypt error' "$f.log" && why+=" ${f##*-}: decrypt errors;"
    done
    [ "$(auth "$su.status")" -gt "${a_s:-0}" ] && [ "$(auth "$cu.status")" -gt "${a_c:-0}" ] ||
        why+=" pings after the renegotiation not authenticated (Auth read bytes: server ${a_s:-?} -> $(auth "$su.status"), client ${a_c:-?} -> $(auth "$cu.status"));"
    if [ -z "$why" ]; then
        ok "$L: udp13: Initialization Sequence Completed on both ends, $(grep -m1 -o 'Control Channel: TLSv1.3, cipher [^,]*' "$cu.log"), data channel AES-256-GCM, renegotiated (reneg-sec 3), pings authenticated before and after (Auth read bytes $(auth "$su.status")/$(auth "$cu.status"))"
    else
        bad "$L: udp13" "$why"
    fi
    # tcp12
    why=
    for f in "$st" "$ct"; do
        [ "$(count "Initialization Sequence Completed" "$f.log")" -ge 1 ] || why+=" ${f##*-}: no Initialization Sequence Completed;"
        grep -q "Control Channel: TLSv1.2, cipher TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256, peer certificate: " "$f.log" || why+=" ${f##*-}: no TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256 control channel;"
        [ "$(auth "$f.status")" -gt 0 ] 2>/dev/null || why+=" ${f##*-}: no authenticated pings;"
    done
    grep -q "peer certificate: 256 bit ECprime256v1" "$ct.log" || why+=" the client did not see the P-256 server certificate;"
    if [ -z "$why" ]; then
        ok "$L: tcp12: Initialization Sequence Completed on both ends, Control Channel: TLSv1.2, cipher TLSv1.2 ECDHE-ECDSA-AES128-GCM-SHA256, P-256 server certificate, pings authenticated"
    else
        bad "$L: tcp12" "$why"
    fi
    # wrongname
    why=
    grep -q 'VERIFY X509NAME ERROR: O=oxissl test, CN=localhost, must be wrong.example' "$cw.log" || why+=" no VERIFY X509NAME ERROR;"
    grep -q 'OpenSSL: error:0A000086:SSL routines::certificate verify failed' "$cw.log" || why+=" no 'certificate verify failed';"
    grep -q 'TLS Error: TLS handshake failed' "$cw.log" || why+=" no 'TLS handshake failed';"
    grep -q 'Initialization Sequence Completed' "$cw.log" "$sw.log" && why+=" a tunnel came up;"
    kill -0 "$CP_wrongname" 2>/dev/null && why+=" the client did not exit (--tls-exit);"
    if [ -z "$why" ]; then ok "$L: wrongname: VERIFY X509NAME ERROR, certificate verify failed, TLS handshake failed, the client exits"
    else bad "$L: wrongname" "$why $(flat "$(logn "$cw.log")" | cut -c1-300)"; fi

    for n in udp13 tcp12 wrongname; do
        sp=SP_$n cp=CP_$n
        stop "${!cp}"; stop "${!sp}"
    done
    for n in udp13 tcp12 wrongname; do
        for side in srv cli; do
            logn "$WORK/$PK-$n-$side.log" | record_lines "$n $side"
        done
    done
    no_trouble "$L" "$WORK/$PK"-*.log
done

# every pair's observations equal the baseline's
for pair in "${PAIRS[@]:1}"; do
    read -r PK _ _ <<<"$pair"
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$PK") | grep '^[<>]')
    if [ -z "$d" ]; then ok "openvpn pair $PK: same log lines as both ends on the system libssl ($(wc -l <"$WORK/obs.$PK") lines)"
    else bad "openvpn pair $PK: same log lines as the system libssl" \
        $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done
lib_unchanged
finish
