#!/usr/bin/env bash
# apache.sh [--lib DIR] -- Apache httpd 2.4 (Debian 12's apache2, mod_ssl) serving HTTPS on
# oxissl, with mpm_prefork and mpm_event.
#
# A private Apache instance (its own ServerRoot, config, logs, pid file, shmcb session
# cache and DocumentRoot in $WORK, -DFOREGROUND, workers run as www-data, ports from
# free_port on 127.0.0.1; nothing of /etc/apache2 is read) is started for each MPM three
# times: on the system libssl (the OpenSSL 3.0 baseline), on oxissl through LD_LIBRARY_PATH
# (`path`) and through LD_PRELOAD (`preload`). mod_ssl.so is the module that links libssl;
# /proc/PID/maps of the parent AND of every child process (the workers, which make the TLS
# connections) must show oxissl's libssl and not the system's (or the system's and not
# oxissl's for the baseline).
#
#   prefork  StartServers 6 ... MaxConnectionsPerChild 1: every connection is served by a
#            fresh worker process, forked from the parent after SSL_CTX_new (this is what
#            made each worker's first resumption fail when oxissl's ticket keys were made
#            per process)
#   event    2 processes x 4 threads, mod_http2 loaded, Protocols h2 http/1.1
#
# Three virtual hosts per instance (SSLProtocol all -SSLv3, SSLCipherSuite HIGH:!aNULL as
# Debian's ssl.conf; SSLSessionCache shmcb):
#   site   RSA certificate, session tickets on (mod_ssl's default), <Location /secure> with
#          SSLVerifyClient require (per-directory client certificates)
#   notix  P-256 certificate, SSLSessionTickets off: resumption through the shmcb cache only
#          (session IDs at TLS 1.2, stateful tickets at TLS 1.3)
#   cc     leaf + intermediate chain file, SSLVerifyClient require at server level
#
# Scenarios, each at TLS 1.2 and TLS 1.3 (clients on the system libssl):
#   get      curl --http1.1 GET of a static file: 200 and the file's content
#   h2       (event) curl --http2: HTTP/2 over ALPN h2, 200 and the content
#   resume   https_resume.py (Python's ssl): COUNT connections, each offering the session
#            of the one before: the first full, every later one resumed (client's
#            session_reused and mod_ssl's SSL_SESSION_RESUMED in the access log); on
#            prefork each connection is on a different worker process (the access log's
#            %P), so every resumption is a worker's first connection. On site and on notix.
#   cc       server-level SSLVerifyClient require: with the client certificate 200,
#            SSL_CLIENT_VERIFY SUCCESS and the client's CN; without one the handshake is
#            refused (curl fails, no HTTP status; curl's exit code is not compared: at TLS
#            1.2 rustls sends certificate_required where OpenSSL sends handshake_failure, a
#            README difference, and at TLS 1.3 it is a send or a receive failure by timing)
#   perdir   curl --http1.1 fetching /index.html, /secure/, /index.html in one run
#            (keep-alive), with and without a client certificate; Timeout 20, curl gives
#            up after 8 s:
#            system libssl: with a certificate all three are 200 on one connection (TLS
#            1.2: renegotiation; TLS 1.3: post-handshake auth, which curl offers); without
#            one /secure/ gets no answer (the new handshake fails) and the others are 200.
#            oxissl (deliberate difference, README "Renegotiation" and "TLS 1.3
#            post-handshake client authentication": rustls has neither): /secure/ is 403
#            on the first connection, answered in under 5 s (not after Timeout), the error
#            log names what is missing ("SSL_renegotiate is not supported by oxissl" and
#            "no renegotiation" at TLS 1.2, "SSL_verify_client_post_handshake is not
#            supported by oxissl" at TLS 1.3), and the other URLs before and after are 200.
#            Not compared with the baseline.
#
# Every other observation of an oxissl run equals the baseline's. The error log must have
# no child crash ("exit signal"), [emerg]/[alert]/[crit] line or "not supported by oxissl"
# other than the expected perdir ones.
#
# Environment: FULL=1 makes 12 resumption connections per case (default 6). KEEP=1 keeps
# the work directory (configs, error.log, access.log). Installs apache2 if missing.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"

export LC_ALL=C
[ "$(id -u)" -eq 0 ] || { echo "apache.sh runs Apache instances whose workers switch to www-data: run it as root" >&2; exit 2; }

APACHE=/usr/sbin/apache2
MODS=/usr/lib/apache2/modules
# ---------------------------------------------------------------- packages present?
have_apache() {
    [ -x "$APACHE" ] && [ -e "$MODS/mod_ssl.so" ] && [ -e "$MODS/mod_http2.so" ] &&
        [ -e "$MODS/mod_mpm_prefork.so" ] && [ -e "$MODS/mod_mpm_event.so" ]
}
have_apache || need_packages apache2:"$APACHE" apache2:"$MODS/mod_ssl.so" apache2:"$MODS/mod_http2.so" \
    apache2:"$MODS/mod_mpm_prefork.so" apache2:"$MODS/mod_mpm_event.so"
for p in curl openssl; do command -v $p >/dev/null || { echo "$p is needed" >&2; exit 2; }; done
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
echo "apache: $("$APACHE" -v | sed -n 's/^Server version: //p')"

CA=$PKI/ca.pem
COUNT=6
[ -n "${FULL:-}" ] && COUNT=12
RUNUSER=www-data
id "$RUNUSER" >/dev/null 2>&1 || RUNUSER=nobody
RUNGROUP=$(id -gn "$RUNUSER")
# the workers (www-data) must reach the DocumentRoot under $WORK
chmod 755 "$WORK"
VHOSTS=(site notix cc)

# ---------------------------------------------------------------- Apache instance
# write_conf MPM DIR: DIR/httpd.conf; ports in DIR/port.NAME
write_conf() {
    local mpm=$1 d=$2 v mpmconf h2conf=
    mkdir -p "$d/htdocs/secure" "$d/logs" "$d/run"
    for v in "${VHOSTS[@]}"; do free_port >"$d/port.$v"; done
    port() { cat "$d/port.$1"; }
    TOKEN="oxissl apache test $(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
    echo "$TOKEN" >"$d/htdocs/index.html"
    echo "secret area" >"$d/htdocs/secure/index.html"
    chmod -R a+rX "$d"
    case $mpm in
        prefork) mpmconf="StartServers 6
MinSpareServers 6
MaxSpareServers 12
ServerLimit 24
MaxRequestWorkers 24
MaxConnectionsPerChild 1" ;;
        event) mpmconf="StartServers 2
ServerLimit 4
ThreadLimit 4
ThreadsPerChild 4
MinSpareThreads 4
MaxSpareThreads 16
MaxRequestWorkers 16
MaxConnectionsPerChild 0"
            h2conf="LoadModule http2_module $MODS/mod_http2.so
Protocols h2 http/1.1" ;;
    esac
    cat >"$d/httpd.conf" <<EOF
ServerRoot $d
DefaultRuntimeDir $d/run
PidFile $d/httpd.pid
ServerName localhost
User $RUNUSER
Group $RUNGROUP
LoadModule mpm_${mpm}_module $MODS/mod_mpm_${mpm}.so
LoadModule authz_core_module $MODS/mod_authz_core.so
LoadModule mime_module $MODS/mod_mime.so
LoadModule dir_module $MODS/mod_dir.so
LoadModule socache_shmcb_module $MODS/mod_socache_shmcb.so
LoadModule ssl_module $MODS/mod_ssl.so
$h2conf
$mpmconf
Timeout 20
KeepAlive On
ErrorLog $d/error.log
LogLevel notice
LogFormat "%P %{SSL_PROTOCOL}x %{SSL_SESSION_RESUMED}x %{SSL_CLIENT_VERIFY}x %H %>s %U%q %{SSL_CLIENT_S_DN_CN}x" obs
CustomLog $d/access.log obs
TypesConfig /dev/null
DirectoryIndex index.html
DocumentRoot $d/htdocs
<Directory $d/htdocs>
    Require all granted
</Directory>
SSLSessionCache shmcb:$d/run/ssl_scache(512000)
SSLSessionCacheTimeout 300
SSLProtocol all -SSLv3
SSLCipherSuite HIGH:!aNULL
Listen 127.0.0.1:$(port site) https
Listen 127.0.0.1:$(port notix) https
Listen 127.0.0.1:$(port cc) https
<VirtualHost 127.0.0.1:$(port site)>
    SSLEngine on
    SSLCertificateFile $PKI/server-rsa.pem
    SSLCertificateKeyFile $PKI/server-rsa.key
    SSLCACertificateFile $CA
    SSLVerifyDepth 2
    <Location /secure>
        SSLVerifyClient require
    </Location>
</VirtualHost>
<VirtualHost 127.0.0.1:$(port notix)>
    SSLEngine on
    SSLSessionTickets off
    SSLCertificateFile $PKI/server-p256.pem
    SSLCertificateKeyFile $PKI/server-p256.key
</VirtualHost>
<VirtualHost 127.0.0.1:$(port cc)>
    SSLEngine on
    SSLCertificateFile $PKI/server-int-chain.pem
    SSLCertificateKeyFile $PKI/server-int.key
    SSLCACertificateFile $CA
    SSLVerifyClient require
    SSLVerifyDepth 2
</VirtualHost>
EOF
}


# children: CHILDREN, the live (not zombie) child processes of MASTER
children() { CHILDREN=$(ps -o pid=,stat= --ppid "$MASTER" | awk '$2 !~ /^Z/ {printf "%s ", $1}'); }

# start_apache MODE DIR: sets MASTER and CHILDREN
start_apache() {
    local mode=$1 d=$2 v i
    # setsid: Apache in the foreground signals its whole process group when it stops
    inmode "$mode" setsid "$APACHE" -d "$d" -f "$d/httpd.conf" -DFOREGROUND >"$d/stdout" 2>&1 &
    local bg=$!
    PIDS+=("$bg")
    MASTER= CHILDREN=
    for i in $(seq 150); do
        [ -s "$d/httpd.pid" ] && break
        kill -0 "$bg" 2>/dev/null || break
        sleep 0.1
    done
    MASTER=$(cat "$d/httpd.pid" 2>/dev/null)
    [ -n "$MASTER" ] || return 1
    PIDS+=("$MASTER")
    for v in "${VHOSTS[@]}"; do wait_port "$(cat "$d/port.$v")" || return 1; done
    local want=6
    [ "$MPM" = event ] && want=2
    for i in $(seq 100); do
        children
        [ "$(wc -w <<<"$CHILDREN")" -ge "$want" ] && break
        sleep 0.1
    done
    [ -n "$CHILDREN" ]
}

stop_apache() {
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

# gone PID: PID has exited (or is a zombie: a prefork worker that served its one connection,
# perhaps wait_port's probe, and has not been reaped yet)
gone() { [ ! -e "/proc/$1" ] || [ "$(awk '/^State:/ {print $2}' "/proc/$1/status" 2>/dev/null)" = Z ]; }
# all_mapped MODE PID…: every PID still alive has MODE's libssl mapped (at least one does);
# CHECKED is how many were checked
all_mapped() {
    local m=$1 p; shift
    CHECKED=0
    for p in "$@"; do
        if [ "$m" = system ]; then
            sys_maps_check "$p" && { CHECKED=$((CHECKED + 1)); continue; }
        else
            maps_check "$p" 2>/dev/null && { CHECKED=$((CHECKED + 1)); continue; }
        fi
        gone "$p" && continue
        # a worker exiting right now (its memory already released) is gone a moment later
        [ -z "$(awk '$6 ~ /libssl\.so/' "/proc/$p/maps" 2>/dev/null)" ] && sleep 0.3 && gone "$p" && continue
        echo "all_mapped: $p ($(ps -o args= -p "$p" | cut -c1-40)) has $(awk '$6 ~ /libssl\.so/ {print $6}' "/proc/$p/maps" 2>/dev/null | sort -u | tr '\n' ' ')" >&2
        return 1
    done
    [ "$CHECKED" -gt 0 ]
}

# ---------------------------------------------------------------- clients
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MPM.$MODE"; }
vopts() { if [ "$1" = 1.2 ]; then echo "--tlsv1.2 --tls-max 1.2"; else echo "--tlsv1.3"; fi; }
# c VHOST VERSION curl-args… : curl on the system libssl to https://localhost:PORT/…
c() {
    local p; p=$(cat "$D/port.$1"); local v=$2; shift 2
    echo "== curl $*" >>"$D/curl.err"
    # shellcheck disable=SC2046
    on_system curl -sS --max-time 30 --cacert "$CA" --resolve "localhost:$p:127.0.0.1" $(vopts "$v") "$@" 2>>"$D/curl.err"
}
url() { echo "https://localhost:$(cat "$D/port.$1")$2"; }
# access log lines whose request carries TAG
alog() { grep -F -- "$1" "$D/access.log"; }
# the same, once written: Apache logs a request after its response is sent, so the client
# may be done first (up to 5 s)
alog_wait() {
    local i
    for i in $(seq 50); do grep -qF -- "$1" "$D/access.log" && break; sleep 0.1; done
    alog "$1"
}

scenarios() {
    local v out rc name want tag lines
    for v in 1.2 1.3; do
        # ---- get
        out=$(c site $v --http1.1 -w '%{http_code} %{http_version}' "$(url site /index.html?get-$v)")
        record "get-$v" "$(flat "${out//$TOKEN/TOKEN}")"
        name="$L: GET a static file, TLSv$v"
        if [ "$out" = "$TOKEN"$'\n'"200 1.1" ] && alog_wait "get-$v" | grep -q "^[0-9]* TLSv$v Initial "; then ok "$name"
        else bad "$name" "got '$(flat "$out")' ($(tail -n1 "$D/curl.err")); access log: $(alog "get-$v")"; fi

        # ---- h2 (event)
        if [ "$MPM" = event ]; then
            out=$(c site $v --http2 -w '%{http_code} %{http_version}' "$(url site /index.html?h2-$v)")
            record "h2-$v" "$(flat "${out//$TOKEN/TOKEN}")"
            name="$L: HTTP/2 (mod_http2, ALPN h2), TLSv$v"
            if [ "$out" = "$TOKEN"$'\n'"200 2" ] && alog_wait "h2-$v" | grep -q " HTTP/2.0 200 "; then ok "$name"
            else bad "$name" "got '$(flat "$out")' ($(tail -n1 "$D/curl.err")); access log: $(alog "h2-$v")"; fi
        fi

        # ---- resume, on site (tickets) and notix (shmcb only)
        local vh
        for vh in site notix; do
            tag="resume-$vh-$v-"
            out=$(on_system "$PYTHON" "$HERE/https_resume.py" "$(cat "$D/port.$vh")" $v "$CA" "$COUNT" "$tag" 2>>"$D/curl.err")
            lines=$(alog "?$tag")
            local creused sresumed pids npids
            creused=$(awk '{print $3}' <<<"$out" | sed 's/reused=//' | tr -d '\n')
            sresumed=$(awk '{print ($3=="Resumed") ? 1 : 0}' <<<"$lines" | tr -d '\n')
            pids=$(awk '{print $1}' <<<"$lines" | sort -u | wc -l)
            want="0$(printf '1%.0s' $(seq 2 "$COUNT"))"
            npids=$pids
            [ "$MPM" = event ] && npids=any
            record "resume-$vh-$v" "client=$creused server=$sresumed pids=$npids $(awk '{print $2, $4}' <<<"$out" | sort -u | tr '\n' ' ')"
            case $vh in site) name="tickets" ;; notix) name="SSLSessionTickets off" ;; esac
            name="$L: resumption, shmcb cache, $name, $COUNT connections, TLSv$v"
            [ "$MPM" = prefork ] && name="$name, each on a new worker process"
            if [ "$creused" = "$want" ] && [ "$sresumed" = "$want" ] &&
                { [ "$MPM" = event ] || [ "$pids" -eq "$COUNT" ]; } &&
                [ "$(grep -c " TLSv$v reused=[01] 200$" <<<"$out")" -eq "$COUNT" ]; then ok "$name ($pids processes)"
            else bad "$name" "client reused: $creused, mod_ssl resumed: $sresumed (want $want), $pids worker processes; client: $(flat "$out")"; fi
        done

        # ---- cc: SSLVerifyClient require at server level
        out=$(c cc $v --http1.1 --cert "$PKI/client.pem" --key "$PKI/client.key" -w '%{http_code}' "$(url cc /index.html?cc-$v)"); rc=$?
        lines=$(alog_wait "cc-$v")
        record "cc-cert-$v" "rc=$rc $(flat "${out//$TOKEN/TOKEN}") $(awk '{print $4}' <<<"$lines") CN=$(sed -E 's/.*\?cc-[0-9.]+ //' <<<"$lines")"
        name="$L: SSLVerifyClient require (server), client certificate, TLSv$v"
        if [ $rc -eq 0 ] && [ "$out" = "$TOKEN"$'\n'"200" ] && grep -q " SUCCESS HTTP/1.1 200 .* oxissl test client$" <<<"$lines"; then ok "$name"
        else bad "$name" "rc=$rc '$(flat "$out")' ($(tail -n1 "$D/curl.err")); access log: $lines"; fi
        out=$(c cc $v --http1.1 -w '%{http_code}' "$(url cc /index.html?ccnone-$v)"); rc=$?
        # curl's exit code is not compared: at TLS 1.2 OpenSSL sends handshake_failure (35)
        # where rustls sends certificate_required (curl: 98), a README difference; at TLS 1.3
        # the refusal comes after curl's handshake, as a send (55) or receive (56) failure
        record "cc-none-$v" "refused=$([ $rc -ne 0 ] && echo yes || echo no) $out"
        name="$L: SSLVerifyClient require (server), no client certificate: refused, TLSv$v"
        if [ $rc -ne 0 ] && ! grep -q '^[1-5][0-9][0-9]$' <<<"$out" && [ -z "$(alog "ccnone-$v")" ]; then ok "$name (curl rc=$rc)"
        else bad "$name" "rc=$rc '$(flat "$out")'"; fi

        # ---- perdir: <Location /secure> SSLVerifyClient require
        local cert
        for cert in with without; do
            local certopt=() before t sec
            [ $cert = with ] && certopt=(--cert "$PKI/client.pem" --key "$PKI/client.key")
            before=$(wc -l <"$D/error.log")
            tag="perdir-$cert-$v"
            # --max-time 8: an answer that waits for Apache's Timeout (20 s) fails sooner
            out=$(c site $v --http1.1 --max-time 8 "${certopt[@]}" -w '%{http_code} %{num_connects} %{time_total}\n' \
                -o /dev/null -o /dev/null -o /dev/null \
                "$(url site /index.html?$tag-a)" "$(url site /secure/?$tag-b)" "$(url site /index.html?$tag-c)"); rc=$?
            local newerr codes conns
            newerr=$(tail -n +"$((before + 1))" "$D/error.log")
            codes=$(awk '{print $1}' <<<"$out" | tr '\n' ' ' | sed 's/ $//')
            conns=$(awk '{print $2}' <<<"$out" | tr '\n' ' ' | sed 's/ $//')
            t=$(sed -n 2p <<<"$out" | awk '{print $3}')
            sec=${t%.*}
            name="$L: <Location /secure> SSLVerifyClient require, $cert client certificate, TLSv$v"
            if [ "$MODE" = system ] && [ $cert = without ]; then
                # the baseline's renegotiation (TLS 1.2) or post-handshake auth (TLS 1.3)
                # fails without a certificate: the connection ends with no response
                if [ "$(cut -d' ' -f1,3 <<<"$codes")" = "200 200" ] && [ "$(cut -d' ' -f2 <<<"$codes")" != 200 ]; then
                    ok "$name: refused (HTTP code $(cut -d' ' -f2 <<<"$codes")), the other URLs 200"
                else bad "$name" "rc=$rc codes '$codes' (want 200 <not 200> 200)"; fi
            elif [ "$MODE" = system ]; then
                # the baseline renegotiates (TLS 1.2) or asks after the handshake (TLS 1.3)
                if [ "$codes" = "200 200 200" ] && [ "$conns" = "1 0 0" ]; then ok "$name: 200 on one connection (OpenSSL: $( [ $v = 1.2 ] && echo renegotiation || echo post-handshake auth))"
                else bad "$name" "rc=$rc codes '$codes' connects '$conns' (want 200 200 200 on one connection)"; fi
            else
                # deliberate difference: no renegotiation / post-handshake auth in rustls
                local want_err
                if [ $v = 1.2 ]; then want_err="SSL_renegotiate is not supported by oxissl"
                else want_err="SSL_verify_client_post_handshake is not supported by oxissl"; fi
                local why=()
                [ "$codes" = "200 403 200" ] || why+=("HTTP codes '$codes', want '200 403 200'")
                [ "${sec:-99}" -lt 5 ] || why+=("/secure/ took ${t}s, want < 5 s (Apache's Timeout is 20 s)")
                [ "$(cut -d' ' -f1,2 <<<"$conns")" = "1 0" ] || why+=("connections '$conns', want the 403 on the first")
                grep -qF "$want_err" <<<"$newerr" || why+=("the error log does not say \"$want_err\"")
                [ $v = 1.3 ] || grep -qF "no renegotiation" <<<"$newerr" || why+=("the error log does not say \"no renegotiation\"")
                if [ ${#why[@]} -eq 0 ]; then
                    ok "$name: 403 in ${t}s (deliberate difference), error log: \"$want_err\""
                else
                    bad "$name" "$(printf '%s; ' "${why[@]}")new error log lines: $(flat "$(sed -E 's/^\[[^]]*\] //; s/\[pid [0-9:tid ]+\] //' <<<"$newerr" | cut -c1-200)")"
                fi
            fi
        done
    done
}

# ---------------------------------------------------------------- runs
for MPM in prefork event; do
    for MODE in system path preload; do
        D=$WORK/apache-$MPM-$MODE
        case $MODE in system) L="apache $MPM on system" ;; *) L="apache $MPM on oxissl ($MODE)" ;; esac
        write_conf "$MPM" "$D"
        t0=$(date +%s.%N)
        if ! start_apache "$MODE" "$D"; then
            bad "$L: apache starts" "$(cat "$D/error.log" "$D/stdout" 2>/dev/null | grep -vE ':notice\]' | head -5)"
            stop_apache
            continue
        fi
        LIBNAME=oxissl
        [ $MODE = system ] && LIBNAME="the system libssl"
        # shellcheck disable=SC2086
        if all_mapped "$MODE" $CHILDREN && n=$CHECKED && all_mapped "$MODE" "$MASTER"; then
            ok "$L: parent $MASTER and its $n worker processes have $LIBNAME mapped (/proc/PID/maps)"
        else bad "$L: parent and worker processes have $LIBNAME mapped" "parent $MASTER, workers $CHILDREN"; fi
        scenarios
        if [ "$MPM" = prefork ]; then
            # the workers forked since (MaxConnectionsPerChild 1) too
            children
            # shellcheck disable=SC2086
            if all_mapped "$MODE" $CHILDREN; then ok "$L: the $CHECKED worker processes forked during the run have $LIBNAME mapped"
            else bad "$L: the worker processes forked during the run have $LIBNAME mapped" "workers $CHILDREN"; fi
        fi
        stop_apache
        errs=$(grep -E 'exit signal|:(emerg|alert|crit)\]|not supported by oxissl|panicked' "$D/error.log" "$D/stdout" 2>/dev/null |
            grep -vE 'SSL_renegotiate is not supported by oxissl|renegotiation is not supported by oxissl|SSL_verify_client_post_handshake is not supported by oxissl' |
            sed -E 's/^[^:]*://; s/^\[[^]]*\] //; s/\[pid [0-9]+(:tid [0-9]+)?\] //; s/\[client [^]]*\] //' | sort | uniq -c | sort -rn)
        if [ -z "$errs" ]; then ok "$L: error.log has no crash, emerg/alert/crit or unexpected unsupported function"
        else bad "$L: error.log clean" $'\n'"$(head -8 <<<"$errs" | sed 's/^/        /')"; fi
        printf '      (%s: %.1f s)\n' "$L" "$(echo "$(date +%s.%N) - $t0" | bc)"
    done
    for MODE in path preload; do
        L="apache $MPM on oxissl ($MODE)"
        [ -s "$WORK/obs.$MPM.$MODE" ] || continue
        d=$(diff <(sort "$WORK/obs.$MPM.system") <(sort "$WORK/obs.$MPM.$MODE") | grep '^[<>]')
        if [ -z "$d" ]; then ok "$L: same observations as the system libssl ($(wc -l <"$WORK/obs.$MPM.system") compared)"
        else bad "$L: same observations as the system libssl" $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
    done
done

[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] ||
    echo "(KEEP=1 keeps the configs, error.log, access.log and client stderr of each run)"
finish
