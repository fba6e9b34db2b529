#!/usr/bin/env bash
# nginx.sh [--lib DIR] -- nginx (Debian 12's nginx-light, 1.22) serving HTTPS on oxissl.
#
# One nginx instance (foreground master + 1 worker, own prefix/config/ports in $WORK) is
# started three times: on the system libssl (the OpenSSL 3.0 baseline), on oxissl through
# LD_LIBRARY_PATH and on oxissl through LD_PRELOAD.  Each instance has one server block per
# scenario:
#
#   cache    ssl_session_cache shared:SSL:1m; ssl_session_tickets off;
#   ticket   ssl_session_cache none;          ssl_session_tickets on;
#            -> "$ssl_protocol $ssl_cipher $ssl_session_reused", two URLs in ONE curl run
#               (Connection: close, so the second is a new TLS connection that resumes):
#               "." then "r", for TLS 1.2 and TLS 1.3, curl on the system libssl and on
#               oxissl. Exception: curl sets SSL_OP_NO_TICKET (no TLS 1.2 tickets, even on
#               OpenSSL), so for tickets + TLS 1.2 the client is nginx_resume.py (Python's
#               ssl: SSL_get1_session, i2d/d2i_SSL_SESSION copy, SSL_set_session).
#   tkeyA, tkeyB  ssl_session_cache none; ssl_session_tickets on;
#            ssl_session_ticket_key FILE (the same 80-byte file: nginx's ticket key
#            callback, SSL_CTX_set_tlsext_ticket_key_cb): a ticket from server block A
#            (one SSL_CTX) resumes on B (another) -> "." then "r", nginx_resume.py as client
#   early    ssl_early_data on (nginx then starts every handshake with SSL_read_early_data):
#            two fetches (two connections) at TLS 1.2 and at TLS 1.3 succeed. (Whether the
#            second resumes is not checked: with early data on, the system nginx itself
#            did not resume a TLS 1.2 session once in five runs.)
#   staple   ssl_stapling on; ssl_stapling_file (an OCSP response made here by `openssl
#            ocsp` for the server certificate; certificate + CA as the chain): curl
#            --cert-status (libcurl checks the response with OCSP_basic_verify) and
#            `openssl s_client -status` ("Cert Status: good"), TLS 1.2 and TLS 1.3
#   vhost    two server blocks on one port: a default one with ssl_reject_handshake on, and
#            "localhost" with ssl_verify_client optional (nginx's servername callback then
#            reads SSL_SESSION_get0_hostname(SSL_get0_session())): localhost answers with and
#            without a client certificate, another name is refused (unrecognized_name)
#   proxy    plain HTTP, proxy_pass https:// to the cache block: nginx as a TLS client
#            (proxy_ssl_verify, proxy_ssl_server_name, proxy_ssl_session_reuse): three
#            requests per version -> "." then "r", "r" from the upstream; a wrong
#            proxy_ssl_name -> 502 and nginx's "upstream SSL certificate does not match"
#   tls12    ssl_protocols TLSv1.2;  a TLS 1.3-only client fails, a TLS 1.2 client works
#   cipher   ssl_protocols TLSv1.2; ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384;
#            the negotiated $ssl_cipher is that one; a client limited to another cipher fails
#   verify   ssl_verify_client on; ssl_client_certificate ca.pem;
#            client cert -> 200 "SUCCESS <$ssl_client_s_dn>"; none -> nginx's 400
#            "No required SSL certificate was sent"
#   optional ssl_verify_client optional;  client cert -> SUCCESS, none -> 200 "NONE"
#
# Every expectation is checked on the baseline too, the observations of each oxissl run are
# compared with the baseline's, master and worker are checked (/proc/PID/maps) to have the
# intended libssl mapped, and nginx's error.log must not contain [alert]/[emerg]/[crit]
# lines or "not supported by oxissl" (nginx logs "ignoring stale global SSL error" as
# [alert] when a libssl call left an error on the queue).
#
# If nginx is missing it is installed (apt-get, nginx-light) with service starts denied;
# a Debian-started nginx service would not matter anyway: we only use our own instance.
# KEEP=1 keeps the work directory (configs, error.log, access.log of each run).

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"

# ---------------------------------------------------------------- nginx present?
. "$ROOT/tests/programs/packages.bash"
NGINX=$(nginx_binary) || exit 2
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 2; }
echo "nginx: $NGINX ($("$NGINX" -v 2>&1 | sed 's/.*version: //'))"

CA=$PKI/ca.pem
# nginx 1.22 prints $ssl_client_s_dn in RFC 2253 order.
CLIENT_DN="CN=oxissl test client,O=oxissl test"
SCEN=(cache ticket tkeyA tkeyB early staple vhost proxy tls12 cipher verify optional)

# ---------------------------------------------------------------- nginx instance
# make_ocsp DIR: DIR/ocsp.der, a "good" OCSP response for the server certificate signed by
# the CA, and DIR/chain.pem (server certificate + CA: libcurl needs the issuer to check it)
make_ocsp() {
    local d=$1 serial
    serial=$(openssl x509 -in "$PKI/server-p256.pem" -noout -serial | cut -d= -f2)
    printf 'V\t491231000000Z\t\t%s\tunknown\t/O=oxissl test/CN=localhost\n' "$serial" >"$d/ocsp-index.txt"
    cat "$PKI/server-p256.pem" "$PKI/ca.pem" >"$d/chain.pem"
    on_system openssl ocsp -issuer "$PKI/ca.pem" -cert "$PKI/server-p256.pem" -no_nonce -reqout "$d/ocsp-req.der" >/dev/null 2>&1 &&
        on_system openssl ocsp -index "$d/ocsp-index.txt" -rsigner "$PKI/ca.pem" -rkey "$PKI/ca.key" -CA "$PKI/ca.pem" \
            -reqin "$d/ocsp-req.der" -respout "$d/ocsp.der" -ndays 2 >/dev/null 2>&1
}

# write_conf DIR: nginx.conf with one server per scenario; ports in DIR/port.NAME
write_conf() {
    local d=$1 s user=
    mkdir -p "$d/tmp"
    for s in "${SCEN[@]}"; do free_port >"$d/port.$s"; done
    port() { cat "$d/port.$1"; }
    [ "$(id -u)" -eq 0 ] && user="user $(id -un) $(id -gn);"
    head -c 80 /dev/urandom >"$d/ticket.key"
    make_ocsp "$d"
    cat >"$d/nginx.conf" <<EOF
$user
daemon off;
master_process on;
worker_processes 1;
pid $d/nginx.pid;
lock_file $d/nginx.lock;
error_log $d/error.log info;
events { worker_connections 64; }
http {
    access_log $d/access.log;
$(nginx_scratch_http "$d")
    ssl_certificate $PKI/server-p256.pem;
    ssl_certificate_key $PKI/server-p256.key;
    ssl_protocols TLSv1.2 TLSv1.3;

    server {
        listen 127.0.0.1:$(port cache) ssl;
        server_name localhost;
        ssl_session_cache shared:SSL:1m;
        ssl_session_tickets off;
        location / { return 200 "\$ssl_protocol \$ssl_cipher \$ssl_session_reused\n"; }
    }
    server {
        listen 127.0.0.1:$(port ticket) ssl;
        server_name localhost;
        ssl_session_cache none;
        ssl_session_tickets on;
        location / { return 200 "\$ssl_protocol \$ssl_cipher \$ssl_session_reused\n"; }
    }
    server {
        listen 127.0.0.1:$(port tkeyA) ssl;
        server_name localhost;
        ssl_session_cache none;
        ssl_session_tickets on;
        ssl_session_ticket_key $d/ticket.key;
        location / { return 200 "\$ssl_protocol \$ssl_cipher \$ssl_session_reused\n"; }
    }
    server {
        listen 127.0.0.1:$(port tkeyB) ssl;
        server_name localhost;
        ssl_session_cache none;
        ssl_session_tickets on;
        ssl_session_ticket_key $d/ticket.key;
        location / { return 200 "\$ssl_protocol \$ssl_cipher \$ssl_session_reused\n"; }
    }
    server {
        listen 127.0.0.1:$(port early) ssl;
        server_name localhost;
        ssl_session_cache shared:EARLY:1m;
        ssl_session_tickets off;
        ssl_early_data on;
        location / { return 200 "\$ssl_protocol \$ssl_cipher \$ssl_session_reused\n"; }
    }
    server {
        listen 127.0.0.1:$(port staple) ssl;
        server_name localhost;
        ssl_certificate $d/chain.pem;
        ssl_stapling on;
        ssl_stapling_file $d/ocsp.der;
        location / { return 200 "\$ssl_protocol \$ssl_cipher\n"; }
    }
    server {
        listen 127.0.0.1:$(port vhost) ssl default_server;
        ssl_reject_handshake on;
    }
    server {
        listen 127.0.0.1:$(port vhost) ssl;
        server_name localhost;
        ssl_verify_client optional;
        ssl_client_certificate $CA;
        location / { return 200 "\$ssl_client_verify\n"; }
    }
    server {
        listen 127.0.0.1:$(port proxy);
        proxy_ssl_verify on;
        proxy_ssl_trusted_certificate $CA;
        proxy_ssl_server_name on;
        proxy_ssl_session_reuse on;
        location /v1.2 { proxy_pass https://127.0.0.1:$(port cache)/; proxy_ssl_name localhost; proxy_ssl_protocols TLSv1.2; }
        location /v1.3 { proxy_pass https://127.0.0.1:$(port cache)/; proxy_ssl_name localhost; proxy_ssl_protocols TLSv1.3; }
        location /bad { proxy_pass https://127.0.0.1:$(port cache)/; proxy_ssl_name wrong.example; }
    }
    server {
        listen 127.0.0.1:$(port tls12) ssl;
        server_name localhost;
        ssl_protocols TLSv1.2;
        location / { return 200 "\$ssl_protocol \$ssl_cipher\n"; }
    }
    server {
        listen 127.0.0.1:$(port cipher) ssl;
        server_name localhost;
        ssl_protocols TLSv1.2;
        ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384;
        location / { return 200 "\$ssl_protocol \$ssl_cipher\n"; }
    }
    server {
        listen 127.0.0.1:$(port verify) ssl;
        server_name localhost;
        ssl_verify_client on;
        ssl_client_certificate $CA;
        location / { return 200 "\$ssl_client_verify \$ssl_client_s_dn\n"; }
    }
    server {
        listen 127.0.0.1:$(port optional) ssl;
        server_name localhost;
        ssl_verify_client optional;
        ssl_client_certificate $CA;
        location / { return 200 "\$ssl_client_verify \$ssl_client_s_dn\n"; }
    }
}
EOF
}

# start_nginx MODE DIR: MODE is system, path or preload; sets MASTER and WORKER
start_nginx() {
    local mode=$1 d=$2 s i
    local cmd=("$NGINX" -p "$d/" -c "$d/nginx.conf" -e "$d/error.log")
    if [ "$mode" = system ]; then
        on_system "${cmd[@]}" >"$d/stdout" 2>&1 &
    else
        on_oxissl "$mode" "${cmd[@]}" >"$d/stdout" 2>&1 &
    fi
    local bg=$!
    PIDS+=("$bg")
    MASTER= WORKER=
    # nginx writes its pid file once its listening sockets are open; give up at once if
    # it exits (a configuration the library refused is an [emerg] and exit 1)
    for i in $(seq 100); do
        [ -s "$d/nginx.pid" ] && break
        kill -0 "$bg" 2>/dev/null || break
        sleep 0.1
    done
    MASTER=$(cat "$d/nginx.pid" 2>/dev/null)
    [ -n "$MASTER" ] || return 1
    PIDS+=("$MASTER")
    for s in "${SCEN[@]}"; do
        wait_port "$(cat "$d/port.$s")" || return 1
    done
    for i in $(seq 50); do
        WORKER=$(ps -o pid= --ppid "$MASTER" | head -1 | tr -d ' ')
        [ -n "$WORKER" ] && break
        sleep 0.1
    done
    [ -n "$WORKER" ]
}

stop_nginx() {
    local i
    [ -n "${MASTER:-}" ] || return 0
    kill -QUIT "$MASTER" 2>/dev/null
    for i in $(seq 50); do kill -0 "$MASTER" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$MASTER" 2>/dev/null
    MASTER=
}


both() { "$1" "$2" && "$1" "$3"; }

# ---------------------------------------------------------------- clients
# cl CLIENT curl-args…: curl on the system libssl (CLIENT=sys) or on oxissl (CLIENT=ox)
cl() {
    local c=$1; shift
    if [ "$c" = sys ]; then on_system curl "$@"; else on_oxissl path curl "$@"; fi
}
# get CLIENT NAME curl-args…: HTTPS to scenario NAME; body on stdout, curl's rc returned
get() {
    local c=$1 p; p=$(cat "$D/port.$2"); shift 2
    echo "== curl on $c: $*" >>"$D/curl.err"
    cl "$c" -sS --max-time 5 --cacert "$CA" --resolve "localhost:$p:127.0.0.1" \
        -H 'Connection: close' "$@" "https://localhost:$p/" 2>>"$D/curl.err"
}

who() { if [ "$1" = sys ]; then echo "curl on system"; else echo "curl on oxissl"; fi; }

# record KEY VALUE: the observation compared between the baseline and oxissl
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }

# py CLIENT args…: the resumption helper on Debian's python3 (its _ssl uses libssl.so.3)
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
py() {
    local c=$1; shift
    if [ "$c" = sys ]; then on_system "$PYTHON" "$HERE/nginx_resume.py" "$@"
    else on_oxissl path "$PYTHON" "$HERE/nginx_resume.py" "$@"; fi
}

# resume SCEN CLIENT TLS: two fetches, two TLS connections, the second offering the first's
# session -> a fresh, then a resumed session. curl (two URLs in one run) everywhere but for
# TLS 1.2 tickets: curl sets SSL_OP_NO_TICKET, so there the Python helper is the client.
resume() {
    local s=$1 c=$2 v=$3 opts out p who
    if [ "$v" = 1.2 ]; then opts=(--tlsv1.2 --tls-max 1.2); else opts=(--tlsv1.3); fi
    if [ "$s" = tkeys ]; then p="$(cat "$D/port.tkeyA"),$(cat "$D/port.tkeyB")"; else p=$(cat "$D/port.$s"); fi
    if [ "$s" = tkeys ] || { [ "$s" = ticket ] && [ "$v" = 1.2 ]; }; then
        out=$(py "$c" "$p" "$v" "$CA" 2>>"$D/curl.err")
        who=$(who "$c"); who="python${who#curl}"
    else
        out=$(get "$c" "$s" "${opts[@]}" "https://localhost:$p/")
        who=$(who "$c")
    fi
    local name="$L: $s resumption TLSv$v ($who)"
    [ "$s" = tkeys ] && name="$L: ssl_session_ticket_key, ticket from block A resumed on block B, TLSv$v ($who)"
    record "$s-$v-$c" "$(flat "$out")"
    if [[ $out =~ ^TLSv$v\ [A-Z0-9_-]+\ \.$'\n'TLSv$v\ [A-Z0-9_-]+\ r$ ]]; then
        ok "$name"
    else
        bad "$name" "got '$(flat "$out")', want 'TLSv$v <cipher> .|TLSv$v <cipher> r'"
    fi
}

scenarios() {
    local c out out2 rc name
    for s in cache ticket tkeys; do
        for c in sys ox; do
            resume "$s" "$c" 1.2
            resume "$s" "$c" 1.3
        done
    done
    # nginx as a TLS client (proxy_pass https://), fetched over plain HTTP
    local pp v
    pp=$(cat "$D/port.proxy")
    for v in 1.2 1.3; do
        out=$(for _ in 1 2 3; do on_system curl -sS --max-time 5 "http://127.0.0.1:$pp/v$v"; done 2>>"$D/curl.err")
        record "proxy-$v" "$(flat "$out")"
        name="$L: proxy_pass https, proxy_ssl_session_reuse, TLSv$v"
        if [[ $out =~ ^TLSv$v\ [A-Z0-9_-]+\ \.$'\n'TLSv$v\ [A-Z0-9_-]+\ r$'\n'TLSv$v\ [A-Z0-9_-]+\ r$ ]]; then ok "$name"
        else bad "$name" "got '$(flat "$out")', want '. r r'"; fi
    done
    out=$(on_system curl -sS --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$pp/bad" 2>>"$D/curl.err")
    record "proxy-bad" "$out"
    name="$L: proxy_pass https with a wrong proxy_ssl_name"
    if [ "$out" = 502 ] && grep -q 'upstream SSL certificate does not match "wrong.example"' "$D/error.log"; then ok "$name"
    else bad "$name" "HTTP $out; error.log: $(grep -m1 'upstream' "$D/error.log")"; fi

    for c in sys ox; do
        local who; who=$(who "$c")

        # ssl_early_data on: every handshake goes through SSL_read_early_data
        for v in 1.2 1.3; do
            local eo=(--tlsv1.3)
            [ $v = 1.2 ] && eo=(--tlsv1.2 --tls-max 1.2)
            out=$(get "$c" early "${eo[@]}"; get "$c" early "${eo[@]}")
            out=$(sed -E 's/ .*//' <<<"$out")
            record "early-$v-$c" "$(flat "$out")"
            name="$L: ssl_early_data on, two connections, TLSv$v ($who)"
            if [ "$out" = "TLSv$v"$'\n'"TLSv$v" ]; then ok "$name"
            else bad "$name" "got '$(flat "$out")' ($(tail -n 1 "$D/curl.err"))"; fi
        done

        # a rejecting default server and a named one with optional client certificates
        out=$(get "$c" vhost; get "$c" vhost --cert "$PKI/client.pem" --key "$PKI/client.key")
        p=$(cat "$D/port.vhost")
        cl "$c" -sS --max-time 5 --cacert "$CA" --resolve "other.example:$p:127.0.0.1" \
            "https://other.example:$p/" >/dev/null 2>>"$D/curl.err"; rc=$?
        record "vhost-$c" "$(flat "$out")|rc-other=$rc"
        name="$L: ssl_reject_handshake default + localhost with ssl_verify_client optional ($who)"
        if [ "$out" = $'NONE\nSUCCESS' ] && [ $rc -eq 35 ]; then ok "$name"
        else bad "$name" "localhost: '$(flat "$out")' (want NONE|SUCCESS); other name: rc=$rc (want 35) ($(tail -n 1 "$D/curl.err"))"; fi

        # ssl_stapling: curl --cert-status, then s_client -status
        for v in 1.2 1.3; do
            local vo=(--tlsv1.3) so=-tls1_3 p
            [ $v = 1.2 ] && vo=(--tlsv1.2 --tls-max 1.2) && so=-tls1_2
            out=$(get "$c" staple --cert-status "${vo[@]}"); rc=$?
            p=$(cat "$D/port.staple")
            if [ "$c" = sys ]; then
                out2=$(echo | on_system timeout 5 openssl s_client -connect "127.0.0.1:$p" -servername localhost -status $so -CAfile "$CA" 2>&1)
            else
                out2=$(echo | on_oxissl path timeout 5 openssl s_client -connect "127.0.0.1:$p" -servername localhost -status $so -CAfile "$CA" 2>&1)
            fi
            out2=$(grep -oE 'OCSP Response Status: [a-z]+|Cert Status: [a-z]+|Verify return code: [0-9]+' <<<"$out2" | sort -u)
            record "staple-$v-$c" "rc=$rc|$out|$(flat "$out2")"
            name="$L: ssl_stapling, curl --cert-status and s_client -status, TLSv$v ($who, s_client alike)"
            if [ $rc -eq 0 ] && [[ $out == "TLSv$v "* ]] &&
                [ "$out2" = $'Cert Status: good\nOCSP Response Status: successful\nVerify return code: 0' ]; then ok "$name"
            else bad "$name" "curl: rc=$rc '$out' ($(tail -n 1 "$D/curl.err")); s_client: '$(flat "$out2")'"; fi
        done

        # ssl_protocols TLSv1.2
        out=$(get "$c" tls12 --tlsv1.3); rc=$?
        out2=$(get "$c" tls12 --tlsv1.2 --tls-max 1.2)
        record "tls12-$c" "rc13=$rc|$out2"
        name="$L: ssl_protocols TLSv1.2 ($who)"
        if [ "$rc" -ne 0 ] && [ -z "$out" ] && [[ $out2 == "TLSv1.2 "* ]]; then ok "$name"
        else bad "$name" "TLS 1.3 client: rc=$rc '$out' (want a failure); TLS 1.2 client: '$out2'"; fi

        # ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384
        out=$(get "$c" cipher)
        out2=$(get "$c" cipher --ciphers ECDHE-ECDSA-AES128-GCM-SHA256); rc=$?
        record "cipher-$c" "$out|rc128=$rc"
        name="$L: ssl_ciphers ECDHE-ECDSA-AES256-GCM-SHA384 ($who)"
        if [ "$out" = "TLSv1.2 ECDHE-ECDSA-AES256-GCM-SHA384" ] && [ "$rc" -ne 0 ] && [ -z "$out2" ]; then ok "$name"
        else bad "$name" "default client: '$out'; AES128-only client: rc=$rc '$out2' (want a failure)"; fi

        # ssl_verify_client on
        out=$(get "$c" verify --cert "$PKI/client.pem" --key "$PKI/client.key" -w ' %{http_code}')
        out2=$(get "$c" verify -w '%{http_code}')
        record "verify-$c" "$(flat "$out")|$(flat "$(grep -o 'No required SSL certificate was sent\|^[0-9]*$' <<<"$out2")")"
        name="$L: ssl_verify_client on ($who)"
        if [ "$out" = "SUCCESS $CLIENT_DN"$'\n'" 200" ] &&
            grep -q 'No required SSL certificate was sent' <<<"$out2" && [[ $out2 == *400 ]]; then ok "$name"
        else bad "$name" "with cert: '$(flat "$out")'; without: '$(flat "$out2" | cut -c1-200)'"; fi

        # ssl_verify_client optional
        out=$(get "$c" optional --cert "$PKI/client.pem" --key "$PKI/client.key")
        out2=$(get "$c" optional -w '%{http_code}')
        record "optional-$c" "$out|$(flat "$out2")"
        name="$L: ssl_verify_client optional ($who)"
        if [ "$out" = "SUCCESS $CLIENT_DN" ] && [ "$out2" = "NONE "$'\n'"200" ]; then ok "$name"
        else bad "$name" "with cert: '$out'; without: '$(flat "$out2")'"; fi
    done
}

# ---------------------------------------------------------------- runs
# curl on oxissl really resolves libssl to oxissl
curl_on_oxissl() { on_oxissl path ldd "$(command -v curl)" | grep -qF "=> $LIBDIR/libssl.so.3"; }
check "curl (libcurl) on oxissl resolves libssl.so.3 to $LIBDIR" curl_on_oxissl

for MODE in system path preload; do
    D=$WORK/nginx-$MODE
    case $MODE in system) L="nginx on system" ;; *) L="nginx on oxissl ($MODE)" ;; esac
    write_conf "$D"
    if ! start_nginx "$MODE" "$D"; then
        bad "$L: nginx starts" "$(cat "$D/error.log" "$D/stdout" 2>/dev/null |
            grep -E '\[(emerg|alert|crit)\]|not supported' | sed -E 's/^[0-9\/]+ [0-9:]+ //' | sort -u | head -3)"
        stop_nginx
        continue
    fi
    if [ "$MODE" = system ]; then
        check "$L: master $MASTER and worker $WORKER have the system libssl mapped" \
            both sys_maps_check "$MASTER" "$WORKER"
    else
        check "$L: master $MASTER and worker $WORKER have oxissl mapped" \
            both maps_check "$MASTER" "$WORKER"
    fi
    scenarios
    stop_nginx
    # error.log: nothing at [alert]/[emerg]/[crit], nothing unsupported
    # (one line per distinct message: date, pid, connection number and addresses dropped)
    errs=$(cat "$D/error.log" "$D/stdout" 2>/dev/null | grep -E '\[(alert|emerg|crit)\]|not supported by oxissl' |
        sed -E 's/^[0-9\/]+ [0-9:]+ //; s/ [0-9]+#[0-9]+: (\*[0-9]+ )?/ /; s/, (client|server): .*//' | sort | uniq -c | sort -rn)
    if [ -z "$errs" ]; then ok "$L: error.log clean"
    else bad "$L: error.log clean" $'\n'"$(head -8 <<<"$errs" | sed 's/^/        /')"; fi
done

# every observation on oxissl equals the baseline's
for MODE in path preload; do
    L="nginx on oxissl ($MODE)"
    [ -s "$WORK/obs.$MODE" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$MODE") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$L: same observations as the system libssl"
    else bad "$L: same observations as the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done

[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] ||
    echo "(KEEP=1 keeps the configs, error.log, access.log and client stderr of each run)"
finish
