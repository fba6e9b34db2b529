#!/usr/bin/env bash
# lighttpd.sh [--lib DIR] -- lighttpd 1.4 (Debian 12's lighttpd + lighttpd-mod-openssl)
# serving HTTPS on oxissl.
#
# A private lighttpd (its own config, document root, logs and pid file in $WORK, -D in the
# foreground, server.max-worker = 2 so the connections are served by two forked worker
# processes, server.username www-data, ports from free_port on 127.0.0.1) is started three
# times: on the system libssl (the OpenSSL 3.0 baseline), on oxissl through LD_LIBRARY_PATH
# (`path`) and through LD_PRELOAD (`preload`). mod_openssl.so is the module that links
# libssl; /proc/PID/maps of the parent and of both workers must show oxissl's libssl and
# not the system's (the system's and not oxissl's for the baseline).
#
# TLS settings, the same on every socket: ssl.pemfile holds ONLY the leaf
# (server-int.pem, signed by the intermediate CA), ssl.ca-file holds the intermediate and
# the root. lighttpd then completes the chain itself in its certificate callback
# (SSL_set1_chain_cert_store + SSL_build_cert_chain(NO_ROOT), SSL_ctrl 107 and 105) and
# sets SSL_set1_verify_cert_store (SSL_ctrl 106) for client certificates; a stub for those
# once made every handshake fail.
#
#   chain     port "main": `openssl s_client -verify_return_error -verify_hostname
#             localhost` trusting only the root verifies (the intermediate came from
#             ssl.ca-file), the server sends 2 certificates (leaf + intermediate, no root);
#             curl --cacert <root> GETs the static file (200 and its content); TLS 1.2, 1.3
#   resume    port "main": https_resume.py (Python's ssl), 4 connections each offering the
#             session of the one before: full, then resumed (lighttpd's session tickets,
#             its SSL_CTX_set_tlsext_ticket_key_cb keys, shared by the two workers)
#   enforce   ssl.verifyclient.activate + enforce (+ username = SSL_CLIENT_S_DN_CN): with
#             the client certificate a CGI (mod_cgi, /bin/sh) answers 200 with what
#             mod_openssl exported: SSL_PROTOCOL, SSL_CLIENT_VERIFY=SUCCESS, REMOTE_USER = the
#             client's CN, SSL_CLIENT_S_DN; without one the handshake is refused (curl
#             fails, no HTTP status)
#   optional  ssl.verifyclient.activate, enforce disabled: with the certificate as above,
#             without 200 and SSL_CLIENT_VERIFY=NONE
#
# Every observation of an oxissl run equals the baseline's, including the "SSL:" lines of
# lighttpd's error log (message and count). The error log must have no "not supported by
# oxissl", no "SSL: building cert chain" failure and no crash.
#
# KEEP=1 keeps the work directory. Installs lighttpd and lighttpd-mod-openssl if missing.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"

export LC_ALL=C
[ "$(id -u)" -eq 0 ] || { echo "lighttpd.sh starts lighttpd as root (it switches to www-data): run it as root" >&2; exit 2; }

LIGHTTPD=/usr/sbin/lighttpd
MODDIR=/usr/lib/lighttpd
# ---------------------------------------------------------------- packages present?
need_packages lighttpd:"$LIGHTTPD" lighttpd-mod-openssl:"$MODDIR/mod_openssl.so"
for p in curl openssl; do command -v $p >/dev/null || { echo "$p is needed" >&2; exit 2; }; done
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
echo "lighttpd: $("$LIGHTTPD" -v | head -1)"

CA=$PKI/ca.pem
RUNUSER=www-data
id "$RUNUSER" >/dev/null 2>&1 || RUNUSER=nobody
RUNGROUP=$(id -gn "$RUNUSER")
chmod 755 "$WORK"
SOCKS=(main enforce optional)
CLIENT_CN="oxissl test client"
CLIENT_DN="O = oxissl test, CN = oxissl test client"

# ---------------------------------------------------------------- lighttpd instance
write_conf() {
    local d=$1 s
    mkdir -p "$d/htdocs" "$d/logs"
    for s in "${SOCKS[@]}"; do free_port >"$d/port.$s"; done
    port() { cat "$d/port.$1"; }
    TOKEN="oxissl lighttpd test $(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "$TOKEN" >"$d/htdocs/index.html"
    # mod_openssl's view of the connection, through mod_cgi's environment
    printf '%s\n' "printf 'Content-Type: text/plain\\r\\n\\r\\n'" \
        'echo "$SSL_PROTOCOL verify=${SSL_CLIENT_VERIFY:-unset} user=${REMOTE_USER:-none} dn=${SSL_CLIENT_S_DN:-none}"' >"$d/htdocs/env.sh"
    cat "$PKI/int.pem" "$PKI/ca.pem" >"$d/cas.pem"
    chmod -R a+rX "$d"
    # lighttpd opens its logs after switching to its user
    chown "$RUNUSER:$RUNGROUP" "$d/logs"
    cat >"$d/lighttpd.conf" <<EOF
server.document-root = "$d/htdocs"
server.bind = "127.0.0.1"
server.port = $(port main)
server.pid-file = "$d/lighttpd.pid"
server.errorlog = "$d/logs/error.log"
server.username = "$RUNUSER"
server.groupname = "$RUNGROUP"
server.max-worker = 2
server.modules = ( "mod_openssl", "mod_cgi" )
cgi.assign = ( ".sh" => "/bin/sh" )
mimetype.assign = ( ".html" => "text/html" )
index-file.names = ( "index.html" )
ssl.engine = "enable"
ssl.pemfile = "$PKI/server-int.pem"
ssl.privkey = "$PKI/server-int.key"
ssl.ca-file = "$d/cas.pem"
\$SERVER["socket"] == "127.0.0.1:$(port enforce)" {
    ssl.engine = "enable"
    ssl.pemfile = "$PKI/server-int.pem"
    ssl.privkey = "$PKI/server-int.key"
    ssl.ca-file = "$d/cas.pem"
    ssl.verifyclient.activate = "enable"
    ssl.verifyclient.enforce = "enable"
    ssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"
}
\$SERVER["socket"] == "127.0.0.1:$(port optional)" {
    ssl.engine = "enable"
    ssl.pemfile = "$PKI/server-int.pem"
    ssl.privkey = "$PKI/server-int.key"
    ssl.ca-file = "$d/cas.pem"
    ssl.verifyclient.activate = "enable"
    ssl.verifyclient.enforce = "disable"
    ssl.verifyclient.username = "SSL_CLIENT_S_DN_CN"
}
EOF
}


children() { CHILDREN=$(ps -o pid=,stat= --ppid "$MASTER" | awk '$2 !~ /^Z/ {printf "%s ", $1}'); }

# start_lighttpd MODE DIR: sets MASTER and CHILDREN
start_lighttpd() {
    local mode=$1 d=$2 s i
    # setsid: its own process group, whatever lighttpd signals when it stops
    inmode "$mode" setsid "$LIGHTTPD" -D -m "$MODDIR" -f "$d/lighttpd.conf" >"$d/stdout" 2>&1 &
    local bg=$!
    PIDS+=("$bg")
    MASTER= CHILDREN=
    for i in $(seq 150); do
        [ -s "$d/lighttpd.pid" ] && break
        kill -0 "$bg" 2>/dev/null || break
        sleep 0.1
    done
    MASTER=$(cat "$d/lighttpd.pid" 2>/dev/null)
    [ -n "$MASTER" ] || return 1
    PIDS+=("$MASTER")
    for s in "${SOCKS[@]}"; do wait_port "$(cat "$d/port.$s")" || return 1; done
    for i in $(seq 100); do
        children
        [ "$(wc -w <<<"$CHILDREN")" -ge 2 ] && break
        sleep 0.1
    done
    [ -n "$CHILDREN" ]
}

stop_lighttpd() {
    local i
    [ -n "${MASTER:-}" ] || return 0
    kill -TERM "$MASTER" 2>/dev/null
    for i in $(seq 100); do kill -0 "$MASTER" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$MASTER" 2>/dev/null; then
        for i in $(pgrep -P "$MASTER"); do kill -KILL "$i" 2>/dev/null; done
        kill -KILL "$MASTER" 2>/dev/null
    fi
    MASTER=
}

all_mapped() {
    local m=$1 p; shift
    for p in "$@"; do
        if [ "$m" = system ]; then sys_maps_check "$p" || return 1; else maps_check "$p" || return 1; fi
    done
}

# ---------------------------------------------------------------- clients
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
vopts() { if [ "$1" = 1.2 ]; then echo "--tlsv1.2 --tls-max 1.2"; else echo "--tlsv1.3"; fi; }
c() {
    local p; p=$(cat "$D/port.$1"); local v=$2 path=$3; shift 3
    echo "== curl $*" >>"$D/curl.err"
    # shellcheck disable=SC2046
    on_system curl -sS --max-time 20 --cacert "$CA" --resolve "localhost:$p:127.0.0.1" $(vopts "$v") \
        "$@" "https://localhost:$p$path" 2>>"$D/curl.err"
}

scenarios() {
    local v out rc name certs vr lines
    for v in 1.2 1.3; do
        # ---- chain completed from ssl.ca-file, verified against the root alone
        local so=-tls1_3
        [ $v = 1.2 ] && so=-tls1_2
        out=$(echo | on_system timeout 10 openssl s_client -connect "127.0.0.1:$(cat "$D/port.main")" -servername localhost \
            $so -CAfile "$CA" -verify_return_error -verify_hostname localhost -showcerts 2>&1)
        certs=$(grep -c -- '-----BEGIN CERTIFICATE-----' <<<"$out")
        vr=$(grep -m1 -o 'Verify return code: .*' <<<"$out")
        local proto; proto=$(grep -m1 -oE 'Protocol *: *TLSv1\.[23]|^New, TLSv1\.[23]' <<<"$out" | grep -oE 'TLSv1\.[23]')
        local subjects; subjects=$(grep -E '^ *[0-9] s:' <<<"$out" | sed -E 's/^ *//' | tr '\n' ';')
        record "chain-sclient-$v" "$proto $certs certs $vr $subjects"
        name="$L: ssl.pemfile leaf only + ssl.ca-file (intermediate, root): s_client trusting the root verifies, TLSv$v"
        if [ "$vr" = "Verify return code: 0 (ok)" ] && [ "$certs" -eq 2 ] && [ "$proto" = "TLSv$v" ]; then ok "$name ($certs certificates sent)"
        else bad "$name" "$vr, $certs certificates, protocol '$proto': $(grep -m3 -iE 'error|verify' <<<"$out" | tr '\n' ' ')"; fi

        out=$(c main $v "/index.html?get-$v" -w '%{http_code}'); rc=$?
        record "chain-curl-$v" "rc=$rc $(flat "${out//$TOKEN/TOKEN}")"
        name="$L: curl GET, chain verified against the root, TLSv$v"
        if [ $rc -eq 0 ] && [ "$out" = "$TOKEN"$'\n'"200" ]; then ok "$name"
        else bad "$name" "rc=$rc '$(flat "$out")' ($(tail -n1 "$D/curl.err"))"; fi

        # ---- resumption with lighttpd's session tickets
        out=$(on_system "$PYTHON" "$HERE/https_resume.py" "$(cat "$D/port.main")" $v "$CA" 4 "resume-$v-" 2>>"$D/curl.err")
        local creused; creused=$(awk '{print $3}' <<<"$out" | sed 's/reused=//' | tr -d '\n')
        record "resume-$v" "$creused $(awk '{print $2, $4}' <<<"$out" | sort -u | tr '\n' ' ')"
        name="$L: session resumption (tickets), 4 connections, TLSv$v"
        if [ "$creused" = 0111 ] && [ "$(grep -c " TLSv$v reused=[01] 200$" <<<"$out")" -eq 4 ]; then ok "$name"
        else bad "$name" "client: $(flat "$out")"; fi

        # ---- client certificates: enforce and optional (env.sh: what mod_openssl exports)
        local s want
        for s in enforce optional; do
            out=$(c $s $v /env.sh --cert "$PKI/client.pem" --key "$PKI/client.key" -w '%{http_code}'); rc=$?
            record "$s-cert-$v" "rc=$rc $(flat "$out")"
            name="$L: ssl.verifyclient.activate$([ $s = enforce ] && echo ' + enforce'), client certificate, TLSv$v"
            want="TLSv$v verify=SUCCESS user=$CLIENT_CN dn=$CLIENT_DN"$'\n'"200"
            if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then ok "$name: 200, SSL_CLIENT_VERIFY=SUCCESS, REMOTE_USER '$CLIENT_CN'"
            else bad "$name" "rc=$rc '$(flat "$out")', want '$(flat "$want")' ($(tail -n1 "$D/curl.err"))"; fi

            out=$(c $s $v /env.sh -w '%{http_code}'); rc=$?
            name="$L: ssl.verifyclient.activate$([ $s = enforce ] && echo ' + enforce'), no client certificate, TLSv$v"
            if [ $s = enforce ]; then
                # curl's exit code is not compared: at TLS 1.2 OpenSSL sends handshake_failure
                # (curl 35) where rustls sends certificate_required (curl 98), a README
                # difference; at TLS 1.3 the refusal comes after curl's handshake
                record "$s-none-$v" "refused=$([ $rc -ne 0 ] && echo yes || echo no) $out"
                if [ $rc -ne 0 ] && ! grep -q '^[1-5][0-9][0-9]$' <<<"$out"; then ok "$name: refused (curl rc=$rc)"
                else bad "$name" "rc=$rc '$(flat "$out")'"; fi
            else
                record "$s-none-$v" "rc=$rc $(flat "$out")"
                want="TLSv$v verify=NONE user=none dn=none"$'\n'"200"
                if [ $rc -eq 0 ] && [ "$out" = "$want" ]; then ok "$name: 200, SSL_CLIENT_VERIFY=NONE"
                else bad "$name" "rc=$rc '$(flat "$out")', want '$(flat "$want")' ($(tail -n1 "$D/curl.err"))"; fi
            fi
        done
    done
}

# ---------------------------------------------------------------- runs
for MODE in system path preload; do
    D=$WORK/lighttpd-$MODE
    case $MODE in system) L="lighttpd on system" ;; *) L="lighttpd on oxissl ($MODE)" ;; esac
    write_conf "$D"
    t0=$(date +%s.%N)
    if ! start_lighttpd "$MODE" "$D"; then
        bad "$L: lighttpd starts" "$(cat "$D/logs/error.log" "$D/stdout" 2>/dev/null | head -5)"
        stop_lighttpd
        continue
    fi
    LIBNAME=oxissl
    [ $MODE = system ] && LIBNAME="the system libssl"
    # shellcheck disable=SC2086
    check "$L: parent $MASTER and workers $(sed 's/ $//; s/ /, /g' <<<"$CHILDREN") have $LIBNAME mapped (/proc/PID/maps)" \
        all_mapped "$MODE" "$MASTER" $CHILDREN
    scenarios
    children
    # shellcheck disable=SC2086
    check "$L: both workers alive after the run with $LIBNAME mapped" all_mapped "$MODE" $CHILDREN
    stop_lighttpd
    errs=$(grep -E 'not supported by oxissl|building cert chain|panicked|signal|Segmentation|assert' "$D/logs/error.log" "$D/stdout" 2>/dev/null |
        sed -E 's/^[^:]*://; s/^[0-9-]+ [0-9:]+: //' | sort | uniq -c | sort -rn)
    if [ -z "$errs" ]; then ok "$L: error.log has no unsupported function, chain-building failure or crash"
    else bad "$L: error.log clean" $'\n'"$(head -8 <<<"$errs" | sed 's/^/        /')"; fi
    # mod_openssl's error lines (their counts) are an observation like the others: the
    # two refused handshakes without a client certificate, nothing else
    grep -F 'SSL:' "$D/logs/error.log" | sed -E 's/^[0-9-]+ [0-9:]+: //' | sort | uniq -c | sed -E 's/^ +//' >"$WORK/errlog.$MODE"
    printf '      (%s: %.1f s)\n' "$L" "$(echo "$(date +%s.%N) - $t0" | bc)"
done

for MODE in path preload; do
    L="lighttpd on oxissl ($MODE)"
    [ -s "$WORK/obs.$MODE" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$MODE") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: same observations as the system libssl ($(wc -l <"$WORK/obs.system") compared)"
    else bad "$L: same observations as the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
    d=$(diff "$WORK/errlog.system" "$WORK/errlog.$MODE" | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: mod_openssl's error.log lines (message, count) as on the system libssl"
    else bad "$L: mod_openssl's error.log lines (message, count) as on the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done

[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] ||
    echo "(KEEP=1 keeps the configs, error.log, access.log and client stderr of each run)"
finish
