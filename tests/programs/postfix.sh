#!/usr/bin/env bash
# postfix.sh [--lib DIR] -- Postfix (Debian 12's postfix 3.7) as a TLS server and a TLS
# client, at every TLS security level including DANE, on oxissl.
#
# How Postfix is run on oxissl: postfix(1) and master(8) clear the environment of every
# process they start, keeping only the variables named in `import_environment`. Each
# instance here therefore adds the loader variable to that list in its main.cf:
#     import_environment = <the default list> LD_LIBRARY_PATH=/path/to/oxissl/target/release
# (or LD_PRELOAD=/path/to/libssl.so.3); smtpd, smtp and tlsmgr then load oxissl (their
# RUNPATH is /usr/lib/postfix, so LD_LIBRARY_PATH wins for libssl.so.3). posttls-finger is
# an ordinary command: the variable in its environment is enough.
#
# Private instances only: the system's /etc/postfix and mail service are never touched. Each
# instance has its own config_directory, queue_directory, data_directory and maillog_file
# under $WORK, compatibility_level = 3.6, listens on 127.0.0.1 on ports from free_port, runs
# no service chrooted, and is stopped at exit. Two kinds of instance:
#
#   recv   the receiving MTA, always on the system libssl: one smtpd (RSA localhost
#          certificate, level may, smtpd_tls_received_header) per client scenario below, on
#          its own port, delivering to one mbox (virtual(8)) in $WORK
#   snd    the instance under test, started three times: on the system libssl (the OpenSSL
#          3.0 baseline), on oxissl through LD_LIBRARY_PATH (`path`) and through LD_PRELOAD
#          (`preload`); it runs in a private mount namespace (unshare -m) where
#          /etc/resolv.conf is a bind mount of "nameserver 127.0.0.153 / options trust-ad",
#          and fake_dns.py answers on 127.0.0.153:53 (UDP+TCP) for the test names with the AD
#          bit set (DNSSEC-validated, as far as glibc and Postfix can tell): the host's
#          resolver and its /etc/resolv.conf are untouched
#
# Postfix as a TLS client (snd's smtp(8) and tlsmgr(8)): one message per scenario is
# injected with `sendmail -C`; transport_maps and smtp_tls_policy_maps send each recipient
# domain to its own recv port at its own level (smtp_tls_CAfile ca.pem, a client
# certificate, smtp_tls_fingerprint_digest sha256, a tlsmgr session cache). Checked: the
# kind of "… TLS connection established to …" line, status=sent|deferred, and the message in
# recv's mbox; compared with the baseline: every smtp(8) line for that port (kind, protocol,
# cipher, key-exchange, server-signature/-digest, client-signature, "server certificate
# verification failed … num=62:hostname mismatch / num=65:no matching DANE TLSA records",
# status and reason), recv's "TLS connection established from" lines and the Received:
# header recv wrote (the client's TLS as the OpenSSL server saw it):
#     may          level may, no CAfile (transport smtp-noca)    -> Untrusted, sent
#     encrypt      encrypt                                       -> Trusted, sent
#     tls12        encrypt protocols=<=TLSv1.2 exclude=aNULL     -> Trusted TLSv1.2, sent
#     tls12-anon   may protocols=<=TLSv1.2 (aNULL allowed): OpenSSL -> Anonymous
#                  ADH-AES256-GCM-SHA384; oxissl -> Trusted ECDHE-RSA-AES256-GCM-SHA384
#                  (known difference, a "note": rustls has no anonymous suites; not compared)
#     fp           fingerprint match=<sha256 of recv's certificate> -> Verified, sent
#     fpbad        fingerprint match=<another certificate's digest> -> deferred
#     verify       verify (host name localhost)                  -> Verified, sent
#     secure       secure match=nexthop, recv asks for a client certificate
#                  (smtpd_tls_ask_ccert)                         -> Verified, sent; recv logs
#                  "Trusted TLS connection established from" with client-signature ECDSA
#     wronghost    secure, recv presents wronghost.pem           -> deferred
#     dane-ee      dane, [mx.dane.test]:PORT, TLSA 3 1 1 <sha256 of recv's SPKI>
#                                                               -> Verified, sent
#     dane-bad     dane, TLSA 3 1 1 <another key's SPKI digest>  -> deferred
#     dane-ta      dane, [localhost]:PORT, recv presents server-int-chain.pem, TLSA 2 0 1
#                  <sha256 of the intermediate CA>               -> Verified, sent
#     dane-taname  the same TLSA for [mx.dane.test], a name the certificate lacks
#                                                               -> deferred
#     dane-none    dane, no TLSA record (NXDOMAIN)               -> Trusted (opportunistic), sent
#     resume       encrypt through transport smtp-once (max_use=1), two messages one after
#                  the other: the second smtp process takes the session the first left in
#                  tlsmgr's cache; OpenSSL resumes it (recv's line has no server-digest);
#                  on oxissl a full handshake is a "note" (known difference: client sessions
#                  restored with d2i_SSL_SESSION resume only in the process that made them)
#   The DANE scenarios use a transport "dane" with smtp_dns_support_level = dnssec and
#   smtp_host_lookup = dns; the others look hosts up in /etc/hosts.
#   The key regression: Postfix's TLS client always calls SSL_CTX_dane_enable; a stub made
#   it log "OpenSSL DANE initialization failed: disabling TLS support" and send in clear.
#   posttls-finger (smtp(8)'s TLS code, with its certmatch logging) on snd's libssl, as a
#   client of recv: -l secure -r 1 at TLS 1.3 and at TLS 1.2 ("matched peername: localhost",
#   Verified, reconnect -> "Reusing old session"), and -l dane against dane-ee ("Matched
#   DANE EE certificate at depth 0: 3 1 1 …"), dane-bad (Untrusted, num=65) and dane-ta
#   ("matched peername", "Matched DANE TA certificate at depth 1: 2 0 1 …").
#
# Postfix as a TLS server (snd's smtpd): port "may" (may, server-rsa), port "encrypt"
# (encrypt, smtpd_tls_chain_files = server-int.key + server-int-chain.pem, ask_ccert,
# smtpd_tls_CAfile ca.pem) and port "anon" (as "may"), with clients on the system libssl:
#     openssl s_client -starttls smtp -brief -CAfile ca.pem -verify_hostname localhost:
#         TLS 1.3 and 1.2 on "may", TLS 1.3 and 1.2 with a client certificate on "encrypt"
#         -> protocol, ciphersuite, peer certificate, signature type and hash, temp key,
#         "Verification: OK" (the 1.2 RSA hash, SHA512 on oxissl, is the known difference
#         t_keytype_rsa: a "note")
#     posttls-finger: -l may -> Untrusted and -l secure -F ca.pem -> Verified on both ports
#         (with a client certificate on "encrypt"); -l secure -r 1 at TLS 1.3 and 1.2 on
#         "may" -> the reconnection resumes ("Reusing old session": Postfix's session cache
#         and ticket keys through tlsmgr), and smtpd logs that resumed TLS 1.3 handshake
#         without "server-digest" (SSL_get_signature_nid: no signature was made);
#         -l may -p <=TLSv1.2 on "anon": OpenSSL Anonymous ADH, oxissl Untrusted ECDHE-RSA
#         (known difference, a "note")
#     Python's smtplib: STARTTLS + a message on "may" -> 250; on "encrypt" MAIL FROM
#         without STARTTLS -> 530, STARTTLS with a client certificate + a message -> 250
#     smtpd's own "Anonymous/Trusted TLS connection established from" lines (compared)
#
# Every run: /proc/PID/maps of snd's smtpd, smtp and tlsmgr processes (children of its
# master) has the intended libssl (oxissl and not the system's, or the system's for the
# baseline); snd's log and posttls-finger's output have no "disabling TLS support",
# "not supported by oxissl", "DANE initialization failed", "panicked", "fatal:", "panic:"
# or daemon crash ("killed by signal") lines; every expectation is checked on the baseline
# too, and each oxissl run's observations equal the baseline's (warnings included).
#
# If postfix is missing it is installed (apt-get, debconf "No configuration", service starts
# denied). Needs root (Postfix drops to its mail_owner; port 53; unshare -m). Without a
# mount namespace the DANE scenarios fail (say so) and the others still run. KEEP=1 keeps
# the work directory (configs, maillogs, mbox, client output). About 40 s.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/packages.bash"

export LC_ALL=C
[ "$(id -u)" -eq 0 ] || { echo "postfix.sh runs Postfix instances: run it as root" >&2; exit 2; }

# ---------------------------------------------------------------- packages present?
if [ ! -x /usr/sbin/postfix ] || [ ! -x /usr/sbin/posttls-finger ]; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    need_packages postfix:/usr/sbin/postfix postfix:/usr/sbin/posttls-finger
fi
for p in openssl python3 unshare mount; do command -v $p >/dev/null || { echo "$p is needed" >&2; exit 2; }; done
PATH=/usr/sbin:$PATH
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
echo "postfix: $(postconf -d -h mail_version 2>/dev/null)"

MODES=(system path preload)
LIB_STAMP=$(stat -c %Y.%s "$OXLIB_REAL")
# Postfix's mail_owner must reach the queue and data directories under $WORK
chmod 755 "$WORK"
CA=$PKI/ca.pem
DEFAULT_IMPORT=$(postconf -d -h import_environment)

# ---------------------------------------------------------------- common helpers
record() { printf '%s\t%s\n' "$1" "$2" >>"$WORK/obs.$MODE"; }
record_lines() { local l; while IFS= read -r l; do record "$1" "$l"; done; }

# new_port VAR: a free port (free_port) not handed out before in this run, into VAR
USED_PORTS=" "
new_port() {
    local p
    while :; do p=$(free_port); [[ $USED_PORTS == *" $p "* ]] || break; done
    USED_PORTS+="$p "
    printf -v "$1" %s "$p"
}

# ---------------------------------------------------------------- fake DNS
DNS_ADDR=127.0.0.153
ZONE=$WORK/dns.zone
RESOLV=$WORK/resolv.conf
printf 'nameserver %s\noptions trust-ad attempts:1 timeout:2\n' "$DNS_ADDR" >"$RESOLV"
: >"$ZONE"
DNS_OK=
"$PYTHON" "$HERE/fake_dns.py" "$DNS_ADDR" 53 "$ZONE" 2>"$WORK/dns.log" &
DNS_PID=$!
PIDS+=("$DNS_PID")
for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/dns.log" && { DNS_OK=1; break; }
    kill -0 "$DNS_PID" 2>/dev/null || break
    sleep 0.05
done
# in_ns CMD…: CMD in a private mount namespace whose /etc/resolv.conf is $RESOLV
in_ns() {
    unshare -m sh -c 'mount --bind "$0" /etc/resolv.conf && exec "$@"' "$RESOLV" "$@"
}
NS_OK=
[ -n "$DNS_OK" ] && [ "$(in_ns cat /etc/resolv.conf 2>/dev/null)" = "$(cat "$RESOLV")" ] && NS_OK=1
if [ -n "$NS_OK" ]; then
    ok "fake DNS on $DNS_ADDR:53 and a private mount namespace with its resolv.conf"
else
    bad "fake DNS on $DNS_ADDR:53 and a private mount namespace with its resolv.conf" \
        "dns: $(flat "$(tail -3 "$WORK/dns.log")"); unshare -m + mount --bind: $(in_ns true 2>&1 | head -2 | tr '\n' ' ') (the DANE scenarios cannot work)"
fi

# ---------------------------------------------------------------- Postfix instances
INSTANCES=()
MASTER_CF_BASE='pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd'

# pf_make DIR MODE NAME: DIR/etc/main.cf (common part; callers append) and master.cf (the
# base services; callers append their smtpd ports and transports)
pf_make() {
    local d=$1 m=$2 name=$3 imp=$DEFAULT_IMPORT
    case $m in
        path) imp+=" LD_LIBRARY_PATH=$LIBDIR" ;;
        preload) imp+=" LD_PRELOAD=$OXLIB_REAL" ;;
    esac
    mkdir -p "$d/etc" "$d/queue" "$d/data"
    chown postfix "$d/data"
    cat >"$d/etc/main.cf" <<EOF
compatibility_level = 3.6
config_directory = $d/etc
queue_directory = $d/queue
data_directory = $d/data
maillog_file = $d/maillog
maillog_file_prefixes = /var, /dev/stdout, $WORK
syslog_name = postfix-$name
import_environment = $imp
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = $name.test
mydomain = $name.test
myorigin = \$myhostname
mydestination =
relay_domains =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
biff = no
smtpd_peername_lookup = no
smtpd_banner = \$myhostname ESMTP
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
smtp_host_lookup = native
EOF
    printf '%s\n' "$MASTER_CF_BASE" >"$d/etc/master.cf"
}
# pf_start DIR MODE [ns]: postfix start (in the DNS mount namespace with "ns"); 0 when its
# master runs
pf_start() {
    local d=$1 m=$2 i
    INSTANCES+=("$d")
    if [ "${3:-}" = ns ] && [ -n "$NS_OK" ]; then
        modeenv "$m"
        in_ns "${MODEENV[@]}" postfix -c "$d/etc" start >"$d/start.log" 2>&1
    else
        inmode "$m" postfix -c "$d/etc" start >"$d/start.log" 2>&1
    fi
    for i in $(seq 100); do
        [ -s "$d/queue/pid/master.pid" ] && kill -0 "$(pf_master "$d")" 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}
pf_master() { tr -d ' \n' <"$1/queue/pid/master.pid" 2>/dev/null; }
# pf_stop DIR: postfix stop, up to 5 s, then SIGKILL to the master and its children
pf_stop() {
    local d=$1 mp i
    mp=$(pf_master "$d")
    [ -n "$mp" ] || return 0
    on_system postfix -c "$d/etc" stop >/dev/null 2>&1
    for i in $(seq 100); do kill -0 "$mp" 2>/dev/null || return 0; sleep 0.05; done
    local c
    for c in $(pgrep -P "$mp"); do kill -KILL "$c" 2>/dev/null; done
    kill -KILL "$mp" 2>/dev/null
}
# pf_procs DIR NAME…: the PIDs of the master's children running NAME (smtpd, smtp, tlsmgr)
pf_procs() {
    local d=$1 mp n; shift
    mp=$(pf_master "$d")
    [ -n "$mp" ] || return 0
    for n in "$@"; do pgrep -P "$mp" -x "$n"; done
}
pf_cleanup() {
    local d
    for d in "${INSTANCES[@]}"; do pf_stop "$d"; done
    cleanup
}
trap pf_cleanup EXIT
# listening PORT: something listens on 127.0.0.1:PORT (read from /proc: a probe connection
# would only add "lost connection after CONNECT" lines to the logs)
listening() {
    local hex; hex=$(printf '%04X' "$1")
    awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {f=1} END {exit !f}' /proc/net/tcp
}
# wait_ports PORT…: up to 10 s for all of them
wait_ports() {
    local p i
    for p in "$@"; do
        for i in $(seq 201); do listening "$p" && break; [ "$i" = 201 ] && return 1; sleep 0.05; done
    done
}

# ---------------------------------------------------------------- keys and digests
der_sha256() { on_system openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
spki_sha256() { on_system openssl x509 -in "$1" -noout -pubkey | on_system openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1; }
fp_colon() { on_system openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
RECV_FP=$(fp_colon "$PKI/server-rsa.pem")
OTHER_FP=$(fp_colon "$PKI/server-p256.pem")
RECV_SPKI=$(spki_sha256 "$PKI/server-rsa.pem")
OTHER_SPKI=$(spki_sha256 "$PKI/server-p256.pem")
INT_SHA=$(der_sha256 "$PKI/int.pem")

# posttls-finger's main.cf (it reads the default one otherwise, absent with "No configuration")
PTF_CONF=$WORK/ptf
mkdir -p "$PTF_CONF"
printf 'compatibility_level = 3.6\ninet_protocols = ipv4\n' >"$PTF_CONF/main.cf"

# ================================================================ the receiving instance
# client scenarios: NAME|nexthop host|transport|policy (PORT and FP substituted)|recv -o options
CSCEN=(
    "may|localhost|smtp-noca|may|"
    "encrypt|localhost|smtp|encrypt|"
    "tls12|localhost|smtp|encrypt protocols=<=TLSv1.2 exclude=aNULL|"
    "tls12-anon|localhost|smtp|may protocols=<=TLSv1.2|"
    "fp|localhost|smtp|fingerprint match=$RECV_FP|"
    "fpbad|localhost|smtp|fingerprint match=$OTHER_FP|"
    "verify|localhost|smtp|verify|"
    "secure|localhost|smtp|secure match=nexthop|-o smtpd_tls_ask_ccert=yes"
    "wronghost|localhost|smtp|secure match=nexthop|-o smtpd_tls_cert_file=$PKI/wronghost.pem -o smtpd_tls_key_file=$PKI/wronghost.key"
    "dane-ee|mx.dane.test|dane|dane|"
    "dane-bad|mx.dane.test|dane|dane|"
    "dane-ta|localhost|dane|dane|-o smtpd_tls_cert_file=$PKI/server-int-chain.pem -o smtpd_tls_key_file=$PKI/server-int.key"
    "dane-taname|mx.dane.test|dane|dane|-o smtpd_tls_cert_file=$PKI/server-int-chain.pem -o smtpd_tls_key_file=$PKI/server-int.key"
    "dane-none|mx.dane.test|dane|dane|"
    "resume|localhost|smtp-once|encrypt|"
)
# expected per scenario: "<kind of TLS connection> <status>"
declare -A WANT=(
    [may]="Untrusted sent" [encrypt]="Trusted sent" [tls12]="Trusted sent" [fp]="Verified sent"
    [fpbad]="Untrusted deferred" [verify]="Verified sent" [secure]="Verified sent"
    [wronghost]="Untrusted deferred" [dane-ee]="Verified sent" [dane-bad]="Untrusted deferred"
    [dane-ta]="Verified sent" [dane-taname]="Untrusted deferred" [dane-none]="Trusted sent"
    [tls12-anon]="Anonymous sent" [resume]="Trusted sent"
)
declare -A RPORT
RECV=$WORK/recv
pf_make "$RECV" system recv
mkdir -p "$RECV/mail"
chown nobody:"$(id -g nobody)" "$RECV/mail"
domains=
for s in "${CSCEN[@]}"; do
    IFS='|' read -r name _host _tr _pol opts <<<"$s"
    new_port "RPORT[$name]"
    domains+=" $name.test"
    echo "127.0.0.1:${RPORT[$name]} inet n - n - - smtpd -o syslog_name=postfix-recv/$name $opts" >>"$RECV/etc/master.cf"
done
cat >>"$RECV/etc/main.cf" <<EOF
smtpd_tls_cert_file = $PKI/server-rsa.pem
smtpd_tls_key_file = $PKI/server-rsa.key
smtpd_tls_CAfile = $CA
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
virtual_mailbox_domains =$domains
virtual_mailbox_base = $RECV/mail
virtual_mailbox_maps = static:inbox
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(id -g nobody)
virtual_minimum_uid = 1
EOF
# the DNS zone: A records, TLSA records per recv port, the root's NS (Postfix's DNSSEC probe)
{
    echo ". NS ns.dane.test"
    echo "dane.test NS ns.dane.test"
    echo "mx.dane.test A 127.0.0.1"
    echo "localhost A 127.0.0.1"
    echo "_${RPORT[dane-ee]}._tcp.mx.dane.test TLSA 3 1 1 $RECV_SPKI"
    echo "_${RPORT[dane-bad]}._tcp.mx.dane.test TLSA 3 1 1 $OTHER_SPKI"
    echo "_${RPORT[dane-ta]}._tcp.localhost TLSA 2 0 1 $INT_SHA"
    echo "_${RPORT[dane-taname]}._tcp.mx.dane.test TLSA 2 0 1 $INT_SHA"
} >"$ZONE"

recv_ports=()
for s in "${CSCEN[@]}"; do recv_ports+=("${RPORT[${s%%|*}]}"); done
if pf_start "$RECV" system && wait_ports "${recv_ports[@]}"; then
    ok "receiving instance (system libssl) listens on ${#recv_ports[@]} ports"
else
    bad "receiving instance (system libssl) starts" "$(flat "$(cat "$RECV/start.log"; tail -5 "$RECV/maillog" 2>/dev/null)")"
    finish
    exit 1
fi

# ================================================================ checks on snd
# inject NAME [N]: a message to user@NAME.test through snd's sendmail -C (Message-ID
# <NAME[N].MODE.PID@snd.test>)
inject() {
    printf 'From: sender@snd.test\nTo: user@%s.test\nSubject: postfix.sh %s%s %s\nMessage-ID: <%s%s.%s.%s@snd.test>\n\nhello over %s\n' \
        "$1" "$1" "${2:-}" "$MODE" "$1" "${2:-}" "$MODE" "$$" "$1" |
        on_system sendmail -C "$D/etc" -f sender@snd.test "user@$1.test" ||
        bad "$L: sendmail -C for $1${2:-}" "exit $?"
}

# resume_results FROM-LINE: the second message to resume.test, sent by another smtp process
# with the session the first saved in tlsmgr's cache (i2d_SSL_SESSION there, d2i_SSL_SESSION
# here). recv (OpenSSL) logs a resumed TLS 1.3 handshake without "server-digest" (no
# signature was made).
resume_results() {
    local lines second status
    lines=$(tail -n +"$1" "$RECV/maillog" | grep 'postfix-recv/resume/smtpd.*TLS connection established from' | norm)
    second=$(sed -n 2p <<<"$lines")
    status=$(grep -E 'to=<user@resume\.test>, relay=' "$D/maillog" | sed -nE 's/.* status=([a-z]+) .*/\1/p' | sed -n 2p)
    local resumed=no
    [ -n "$second" ] && [[ $second != *server-digest* ]] && resumed=yes
    if [ "$MODE" = system ]; then
        if [ "$status" = sent ] && [ "$resumed" = yes ]; then
            ok "$L: smtp client, resume: a second smtp process resumed the session from tlsmgr's cache (recv: no server-digest)"
        else
            bad "$L: smtp client, resume: second delivery resumes the cached session" "status '$status', recv saw: $(flat "$lines")"
        fi
    elif [ "$status" = sent ] && [ "$resumed" = yes ]; then
        ok "$L: smtp client, resume: a second smtp process resumed the session from tlsmgr's cache, as on the system libssl"
    elif [ "$status" = sent ] && [ -n "$second" ]; then
        ok "$L: smtp client, resume: second delivery sent (full handshake)"
        echo "note  $L: smtp client, resume: the session from tlsmgr's cache (d2i_SSL_SESSION in another smtp process) did not resume; OpenSSL resumes it — known difference (client sessions resume only in the process that encoded them)"
    else
        bad "$L: smtp client, resume: second delivery sent" "status '$status', recv saw: $(flat "$lines")"
    fi
}
# norm: a maillog line without date, host, PIDs, queue IDs, delays and port numbers
norm() {
    sed -E 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ //; s/\[[0-9]+\]: /: /; s/^([^ ]+: )[0-9A-F]{8,12}: /\1QID: /;
        s/, delay=[0-9.]+, delays=[0-9.\/]+//; s/queued as [0-9A-F]+/queued as QID/;
        s/(127\.0\.0\.1\]):[0-9]+/\1:PORT/g'
}

# client_results: per client scenario, snd's smtp lines for that recv port
client_results() {
    local s name port lines kind status want why
    for s in "${CSCEN[@]}"; do
        name=${s%%|*}
        port=${RPORT[$name]}
        lines=$(grep -F "[127.0.0.1]:$port" "$D/maillog" | grep -vE 'postfix-snd/(may|encrypt|anon)/smtpd' | norm)
        kind=$(sed -nE 's/.*: ([A-Za-z]+) TLS connection established to .*/\1/p' <<<"$lines" | head -1)
        status=$(sed -nE 's/.* status=([a-z]+) .*/\1/p' <<<"$lines" | head -1)
        want=${WANT[$name]}
        why=
        if [ "$name" = tls12-anon ]; then
            # Known difference: rustls has no anonymous (aNULL) cipher suites. At TLS 1.2
            # Postfix's client and server both enable aNULL suites at levels may/encrypt, and
            # OpenSSL then negotiates ADH-AES256-GCM-SHA384 (no certificate: "Anonymous");
            # oxissl offers no aNULL suite, so the connection uses
            # ECDHE-RSA-AES256-GCM-SHA384 with the certificate ("Trusted"). Not compared.
            local cipher
            cipher=$(sed -nE 's/.*established to [^ ]+ TLSv1\.2 with cipher ([^ ]+) .*/\1/p' <<<"$lines" | head -1)
            if [ "$MODE" = system ]; then
                [ "$kind $status $cipher" = "Anonymous sent ADH-AES256-GCM-SHA384" ] ||
                    why="got '$kind $status $cipher', want 'Anonymous sent ADH-AES256-GCM-SHA384'"
            else
                [ "$kind $status $cipher" = "Trusted sent ECDHE-RSA-AES256-GCM-SHA384" ] ||
                    why="got '$kind $status $cipher', want 'Trusted sent ECDHE-RSA-AES256-GCM-SHA384' (no aNULL suites in rustls)"
                want="Trusted sent"
                [ -n "$why" ] || echo "note  $L: smtp client, tls12-anon: TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384, Trusted; OpenSSL: ADH-AES256-GCM-SHA384, Anonymous — known difference (rustls has no anonymous cipher suites)"
            fi
        elif [ "$name" = resume ]; then
            # two deliveries: the first is compared, the second checked by resume_results
            lines=$(awk '/ TLS connection established to / {n++} n <= 1' <<<"$lines")
            kind=$(sed -nE 's/.*: ([A-Za-z]+) TLS connection established to .*/\1/p' <<<"$lines" | head -1)
            record_lines "client $name" <<<"$lines"
            [ "${kind:--} $status" = "$want" ] || why="got '${kind:--} ${status:-none}', want '$want'"
        else
            record_lines "client $name" <<<"$lines"
            [ "${kind:--} $status" = "$want" ] || why="got '${kind:--} ${status:-none}', want '$want'"
        fi
        if [ "${status}" = sent ] && ! grep -q "^Message-ID: <$name\.$MODE\.$$@snd.test>" "$RECV/mail/inbox" 2>/dev/null; then
            why+=" (the message is not in recv's mbox)"
        fi
        if [ -z "$why" ]; then
            ok "$L: smtp client, $name ($(sed -E 's/\|.*//' <<<"${s#*|*|*|}" | cut -d' ' -f1)): $want$(sed -nE 's/.*established to [^ ]+ (TLSv[0-9.]+ with cipher [^ ]+).*/: \1/p' <<<"$lines" | head -1)"
        else
            bad "$L: smtp client, $name" "$why; log: $(flat "$lines" | cut -c1-600)"
        fi
    done
}

# recv_results FROM-LINE: what recv saw of snd's TLS client (its log from FROM-LINE on, the
# Received: headers of this run's messages)
recv_results() {
    local name hdr
    tail -n +"$1" "$RECV/maillog" | grep -E 'TLS connection established from|warning|fatal|panic' | grep -vE 'postfix-recv/(tls12-anon|resume)/' | norm |
        sed -E 's/^(postfix-recv\/[a-z0-9-]+\/smtpd: )/\1/' | sort | uniq -c | sed 's/^ *//' | record_lines "recv log"
    # the Received: header recv added to each of this run's messages
    on_system "$PYTHON" - "$RECV/mail/inbox" "$MODE.$$" <<'PY' | grep -vE '^(tls12-anon|resume2)	' | record_lines "recv Received"
import mailbox, re, sys
for msg in mailbox.mbox(sys.argv[1]):
    m = re.match(r"<([a-z0-9-]+)\.%s@snd\.test>" % re.escape(sys.argv[2]), msg["Message-ID"] or "")
    if m:
        rcv = re.sub(r"\s+", " ", (msg.get_all("Received") or ["none"])[0])
        print("%s\t%s" % (m.group(1), re.sub(r" id [0-9A-F]+ .*", "", rcv)))
PY
    if grep -qE "postfix-recv/secure/smtpd.*Trusted TLS connection established from .*client-signature ECDSA" <(tail -n +"$1" "$RECV/maillog"); then
        ok "$L: recv saw snd's client certificate (secure: 'Trusted TLS connection established from', client-signature ECDSA)"
    else
        bad "$L: recv saw snd's client certificate" "$(tail -n +"$1" "$RECV/maillog" | grep 'postfix-recv/secure/' | grep -i tls | norm | head -3 | tr '\n' '|')"
    fi
}

# server_scenarios: clients on the system libssl against snd's smtpd ports
server_scenarios() {
    local out name rc
    # openssl s_client -starttls smtp -brief: the handshake summary
    sc() {
        local tag=$1 port=$2; shift 2
        on_system timeout 10 openssl s_client -starttls smtp -brief -connect "127.0.0.1:$port" -CAfile "$CA" \
            -verify_hostname localhost -verify_return_error "$@" </dev/null >"$D/sc-$tag.out" 2>&1
        echo "rc=$?" >>"$D/sc-$tag.out"
    }
    sc may13 "$SMAY"
    sc may12 "$SMAY" -tls1_2
    sc enc13 "$SENC" -cert "$PKI/client.pem" -key "$PKI/client.key"
    sc enc12 "$SENC" -tls1_2 -cert "$PKI/client.pem" -key "$PKI/client.key"
    # posttls-finger on the system libssl
    # (in the background: the -r 1 reconnections wait a second)
    ptf() {
        local tag=$1; shift
        on_system env MAIL_CONFIG="$PTF_CONF" timeout 20 posttls-finger -c -h native "$@" >"$D/ptf-$tag.out" 2>&1
        echo "rc=$?" >>"$D/ptf-$tag.out"
    }
    local bg=()
    ptf may-may -l may "[localhost]:$SMAY" & bg+=($!)
    ptf may-secure -l secure -F "$CA" -r 1 "[localhost]:$SMAY" & bg+=($!)
    ptf may-secure12 -l secure -F "$CA" -p '<=TLSv1.2' -r 1 "[localhost]:$SMAY" & bg+=($!)
    ptf enc-may -l may -k "$PKI/client.pem" -K "$PKI/client.key" "[localhost]:$SENC" & bg+=($!)
    ptf enc-secure -l secure -F "$CA" -k "$PKI/client.pem" -K "$PKI/client.key" "[localhost]:$SENC" & bg+=($!)
    ptf anon12 -l may -p '<=TLSv1.2' "[localhost]:$SANON" & bg+=($!)
    # Python's smtplib
    on_system "$PYTHON" - "$SMAY" "$SENC" "$CA" "$PKI/client.pem" "$PKI/client.key" "$MODE.$$" >"$D/smtplib.out" 2>&1 <<'PY'
import smtplib, ssl, sys
smay, senc, ca, cert, key, tag = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def ctx(with_cert):
    c = ssl.create_default_context(cafile=ca)
    if with_cert:
        c.load_cert_chain(cert, key)
    return c
def send(port, name, starttls, with_cert):
    s = smtplib.SMTP("localhost", port, timeout=10)
    try:
        s.ehlo("client.test")
        res = []
        if starttls:
            code, _ = s.starttls(context=ctx(with_cert))
            res.append("starttls=%d %s" % (code, s.sock.version()))
            s.ehlo("client.test")
        code, msg = s.mail("client@client.test")
        res.append("mail=%d" % code)
        if code == 250:
            res.append("rcpt=%d" % s.rcpt("user@sink.test")[0])
            res.append("data=%d" % s.data("Subject: %s\r\nMessage-ID: <%s.%s@client.test>\r\n\r\nhi\r\n" % (name, name, tag))[0])
        else:
            res.append(msg.decode().split(" ", 1)[-1] if False else msg.decode())
        s.quit()
        print("%s: %s" % (name, " ".join(res)))
    except Exception as e:
        print("%s: error %s: %s" % (name, type(e).__name__, e))
send(smay, "may-starttls", True, False)
send(senc, "encrypt-plain", False, False)
send(senc, "encrypt-starttls-cert", True, True)
PY
    wait "${bg[@]}"
}

# server_results: the clients' observations, checked and recorded
server_results() {
    local f tag want got lines
    for tag in may13 may12 enc13 enc12; do
        f=$D/sc-$tag.out
        lines=$(grep -E '^(Protocol version|Ciphersuite|Peer certificate|Hash used|Signature type|Verification|Verified peername|Server Temp Key|rc=)' "$f")
        # Known difference (README, t_keytype_rsa): a TLS 1.2 server on oxissl signs with
        # RSA-PSS and SHA-512 where OpenSSL takes the client's first choice (SHA-256).
        if [ "$MODE" != system ] && [ "$tag" = may12 ] && grep -qx 'Hash used: SHA512' <<<"$lines" && grep -qx 'Signature type: RSA-PSS' <<<"$lines"; then
            echo "note  $L: smtpd, s_client $tag: TLS 1.2 RSA-PSS signature with SHA512, OpenSSL: SHA256 — known difference t_keytype_rsa"
            lines=${lines/Hash used: SHA512/Hash used: SHA256}
        fi
        record "s_client $tag" "$(flat "$lines")"
        want=TLSv1.3
        [[ $tag == *12 ]] && want=TLSv1.2
        if grep -qx "Protocol version: $want" "$f" && grep -qx 'Verification: OK' "$f" && grep -qx 'rc=0' "$f"; then
            ok "$L: smtpd, openssl s_client -starttls smtp ($tag): $want $(sed -n 's/^Ciphersuite: //p' "$f"), Verification: OK"
        else
            bad "$L: smtpd, openssl s_client -starttls smtp ($tag)" "$(flat "$(grep -vE '^(---|depth|verify return)' "$f" | head -12)")"
        fi
    done
    # Known difference (see tls12-anon): a TLS 1.2 client offering aNULL suites gets ADH from
    # OpenSSL, ECDHE-RSA and the certificate from oxissl. Checked, not compared.
    f=$D/ptf-anon12.out
    lines=$(sed -nE 's/^posttls-finger: ([A-Za-z]+) TLS connection established to [^ ]+ (TLSv[0-9.]+) with cipher ([^ ]+) .*/\1 \2 \3/p' "$f")
    want="Anonymous TLSv1.2 ADH-AES256-GCM-SHA384"
    [ "$MODE" = system ] || want="Untrusted TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384"
    if [ "$lines" = "$want" ] && grep -qx 'rc=0' "$f"; then
        ok "$L: smtpd anon, posttls-finger (system) may, TLS 1.2 with aNULL offered: $want"
        [ "$MODE" = system ] || echo "note  $L: smtpd anon: $want; OpenSSL: Anonymous ADH-AES256-GCM-SHA384 — known difference (rustls has no anonymous cipher suites)"
    else
        bad "$L: smtpd anon, posttls-finger (system) may, TLS 1.2 with aNULL offered" "got '$lines', want '$want': $(flat "$(norm <"$f")" | cut -c1-400)"
    fi
    for tag in may-may may-secure may-secure12 enc-may enc-secure; do
        f=$D/ptf-$tag.out
        lines=$(norm <"$f" | grep -v '^posttls-finger: Connected to' | sed -E 's/^posttls-finger: //')
        record_lines "posttls-finger $tag" <<<"$lines"
        want=Untrusted
        [[ $tag == *secure* ]] && want=Verified
        got=$(sed -nE 's/^([A-Za-z]+) TLS connection established to .*/\1/p' <<<"$lines" | sort -u | tr '\n' ' ')
        local reuse=
        [[ $tag == may-secure* ]] && reuse="Reusing old session"
        if [ "$got" = "$want " ] && grep -qx 'rc=0' "$f" && grep -qF "$reuse" <<<"$lines"; then
            ok "$L: smtpd ${tag%%-*}, posttls-finger (system) ${tag#*-}: $want$(sed -nE 's/.*established to [^ ]+ (TLSv[0-9.]+ with cipher [^ ]+).*/: \1/p' <<<"$lines" | head -1)${reuse:+, reconnected: $reuse}"
        else
            bad "$L: smtpd, posttls-finger (system) $tag" "got '$got', want '$want': $(flat "$lines" | cut -c1-500)"
        fi
    done
    lines=$(cat "$D/smtplib.out")
    record_lines smtplib <<<"$lines"
    want="may-starttls: starttls=220 TLSv1.3 mail=250 rcpt=250 data=250"
    grep -qxF "$want" <<<"$lines" && ok "$L: smtpd may, smtplib STARTTLS + message -> 250" ||
        bad "$L: smtpd may, smtplib STARTTLS + message -> 250" "$(flat "$lines")"
    grep -qE '^encrypt-plain: mail=530 ' <<<"$lines" && ok "$L: smtpd encrypt, MAIL FROM without STARTTLS -> 530" ||
        bad "$L: smtpd encrypt, MAIL FROM without STARTTLS -> 530" "$(flat "$lines")"
    want="encrypt-starttls-cert: starttls=220 TLSv1.3 mail=250 rcpt=250 data=250"
    grep -qxF "$want" <<<"$lines" && ok "$L: smtpd encrypt, smtplib STARTTLS with a client certificate + message -> 250" ||
        bad "$L: smtpd encrypt, smtplib STARTTLS with a client certificate + message -> 250" "$(flat "$lines")"
    # smtpd's own view
    lines=$(grep -E 'postfix-snd/(may|encrypt)/smtpd' "$D/maillog" | grep -E 'TLS connection established from|warning|fatal|panic|SSL_accept|TLS library' | norm | sort | uniq -c | sed 's/^ *//')
    record_lines "smtpd log" <<<"$lines"
    # The TLS 1.3 reconnection of posttls-finger -l secure -r 1 resumes: no signature is
    # made, so OpenSSL's SSL_get_signature_nid() returns 0 and smtpd logs no "server-digest"
    # for it (one such line on "may"; the other four TLS 1.3 handshakes there are full).
    got=$(grep -E 'postfix-snd/may/smtpd.*TLS connection established from .* TLSv1\.3 ' "$D/maillog" | grep -vc 'server-digest')
    if [ "$got" = 1 ]; then
        ok "$L: smtpd may, the resumed TLS 1.3 handshake is logged without server-digest (SSL_get_signature_nid: no signature made)"
    else
        bad "$L: smtpd may, the resumed TLS 1.3 handshake is logged without server-digest" \
            "$got such lines, want 1: SSL_get_signature_nid() reports a signature digest for a resumed handshake (OpenSSL: returns 0)"
    fi
    if grep -q 'encrypt/smtpd: Trusted TLS connection established from' <<<"$lines" &&
        grep -q 'may/smtpd: Anonymous TLS connection established from' <<<"$lines"; then
        ok "$L: smtpd logs Anonymous (may) and Trusted (encrypt, client certificate) TLS connections"
    else
        bad "$L: smtpd logs Anonymous and Trusted TLS connections" "$(flat "$lines" | cut -c1-600)"
    fi
}

# ptf_clients: posttls-finger on MODE's libssl as a client of recv (in the background; the
# DANE ones in the DNS namespace): -l secure with a reconnection (-r 1: the session is
# reused) at TLS 1.3 and 1.2, and -l dane against the dane-ee, dane-bad and dane-ta ports
ptf_clients() {
    local t
    modeenv "$MODE"
    PTF_BG=()
    for t in secure secure12 dane-ee dane-bad dane-ta; do
        case $t in
            secure) "${MODEENV[@]}" MAIL_CONFIG="$PTF_CONF" timeout 20 posttls-finger -c -h native -l secure -F "$CA" \
                -r 1 "[localhost]:${RPORT[verify]}" ;;
            secure12) "${MODEENV[@]}" MAIL_CONFIG="$PTF_CONF" timeout 20 posttls-finger -c -h native -l secure -F "$CA" \
                -p '<=TLSv1.2' -r 1 "[localhost]:${RPORT[verify]}" ;;
            dane-ta) in_ns "${MODEENV[@]}" MAIL_CONFIG="$PTF_CONF" timeout 20 posttls-finger -c -l dane "[localhost]:${RPORT[$t]}" ;;
            *) in_ns "${MODEENV[@]}" MAIL_CONFIG="$PTF_CONF" timeout 20 posttls-finger -c -l dane "[mx.dane.test]:${RPORT[$t]}" ;;
        esac >"$D/ptfc-$t.out" 2>&1 &
        PTF_BG+=("$!:$t")
    done
}
ptf_results() {
    local j t f lines got want must
    for j in "${PTF_BG[@]}"; do
        t=${j#*:}
        wait "${j%%:*}"
        echo "rc=$?" >>"$D/ptfc-$t.out"
    done
    for j in "${PTF_BG[@]}"; do
        t=${j#*:}
        f=$D/ptfc-$t.out
        lines=$(norm <"$f" | grep -v '^posttls-finger: Connected to' | sed -E 's/^posttls-finger: //')
        record_lines "posttls-finger client $t" <<<"$lines"
        got=$(sed -nE 's/^([A-Za-z]+) TLS connection established to .*/\1/p' <<<"$lines" | tr '\n' ' ')
        case $t in
            secure*) want="Verified Verified "
                must=("matched peername: localhost" "Reusing old session" "Found a previously used server.  Done reconnecting.") ;;
            dane-ee) want="Verified "; must=("Matched DANE EE certificate at depth 0: 3 1 1 ${RECV_SPKI^^}") ;;
            dane-bad) want="Untrusted "; must=("num=65:no matching DANE TLSA records") ;;
            dane-ta) want="Verified "; must=("matched peername: localhost" "Matched DANE TA certificate at depth 1: 2 0 1 ${INT_SHA^^}") ;;
        esac
        local missing=() m
        for m in "${must[@]}"; do grep -qF -- "$m" <<<"$lines" || missing+=("'$m'"); done
        local why=
        [ "$got" = "$want" ] || why="got '${got% }', want '${want% }'; "
        [ ${#missing[@]} -eq 0 ] || why+="missing ${missing[*]}; "
        grep -qx 'rc=0' "$f" || why+="$(tail -1 "$f"); "
        if [ -z "$why" ]; then
            ok "$L: posttls-finger client $t: ${want% } ($(printf '%s; ' "${must[@]}" | sed 's/; $//' | cut -c1-110))"
        else
            bad "$L: posttls-finger client $t" "${why}output: $(flat "$lines" | cut -c1-300)"
        fi
    done
}

# proc_checks: snd's TLS processes have the intended libssl mapped
proc_checks() {
    local n pids p why what="the system libssl"
    [ "$MODE" = system ] || what=oxissl
    for n in smtpd smtp tlsmgr; do
        pids=$(pf_procs "$D" "$n" | tr '\n' ' ')
        why=
        [ -n "$pids" ] || why="no $n process under master $(pf_master "$D")"
        for p in $pids; do
            libs_check "$MODE" "$p" 2>/dev/null ||
                why+=" PID $p maps: $(awk '$6 ~ /libssl/ {print $6}' "/proc/$p/maps" 2>/dev/null | sort -u | tr '\n' ' ')"
        done
        if [ -z "$why" ]; then ok "$L: $n PIDs ${pids% } have $what mapped"
        else bad "$L: $n processes have $what mapped" "$why"; fi
    done
}

# log_checks: nothing in snd's log that says TLS was given up or failed inside the library
log_checks() {
    local errs
    errs=$(cat "$D/maillog" "$D"/ptfc-*.out |
        grep -E 'disabling TLS support|not supported by oxissl|panicked|fatal:|panic:|DANE initialization failed|killed by signal' |
        norm | sort -u | head -5)
    if [ -z "$errs" ]; then ok "$L: snd's log and posttls-finger's output have no 'disabling TLS support', 'not supported by oxissl', panic, crash or fatal lines"
    else bad "$L: snd's log clean" "$(flat "$errs")"; fi
    grep -E 'warning:' "$D/maillog" | norm | sort | uniq -c | sed 's/^ *//' | record_lines "snd warnings"
}

# ================================================================ the instance under test
SCAN_TIMEOUT=30
MODE=
for MODE in "${MODES[@]}"; do
    L=$(label "$MODE")
    D=$WORK/snd-$MODE
    pf_make "$D" "$MODE" snd
    new_port SMAY; new_port SENC; new_port SANON
    cat >>"$D/etc/master.cf" <<EOF
127.0.0.1:$SMAY inet n - n - - smtpd -o syslog_name=postfix-snd/may
127.0.0.1:$SANON inet n - n - - smtpd -o syslog_name=postfix-snd/anon
127.0.0.1:$SENC inet n - n - - smtpd -o syslog_name=postfix-snd/encrypt -o smtpd_tls_security_level=encrypt -o smtpd_tls_ask_ccert=yes -o smtpd_tls_cert_file= -o smtpd_tls_key_file= -o smtpd_tls_chain_files=$PKI/server-int.key,$PKI/server-int-chain.pem
smtp-noca unix - - n - - smtp -o syslog_name=postfix-snd/smtp-noca -o smtp_tls_CAfile=
smtp-once unix - - n - - smtp -o syslog_name=postfix-snd/smtp-once -o max_use=1
dane      unix - - n - - smtp -o syslog_name=postfix-snd/dane -o smtp_dns_support_level=dnssec -o smtp_host_lookup=dns
EOF
    : >"$D/etc/transport"
    : >"$D/etc/tls_policy"
    for s in "${CSCEN[@]}"; do
        IFS='|' read -r name host tr pol _opts <<<"$s"
        echo "$name.test $tr:[$host]:${RPORT[$name]}" >>"$D/etc/transport"
        echo "[$host]:${RPORT[$name]} $pol" >>"$D/etc/tls_policy"
    done
    echo "sink.test discard:" >>"$D/etc/transport"
    cat >>"$D/etc/main.cf" <<EOF
transport_maps = texthash:$D/etc/transport
smtp_tls_policy_maps = texthash:$D/etc/tls_policy
smtp_tls_security_level = may
smtp_tls_loglevel = 1
smtp_tls_CAfile = $CA
smtp_tls_cert_file = $PKI/client.pem
smtp_tls_key_file = $PKI/client.key
smtp_tls_fingerprint_digest = sha256
smtp_tls_session_cache_database = btree:\$data_directory/smtp_scache
smtpd_tls_cert_file = $PKI/server-rsa.pem
smtpd_tls_key_file = $PKI/server-rsa.key
smtpd_tls_CAfile = $CA
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database = btree:\$data_directory/smtpd_scache
EOF
    if ! pf_start "$D" "$MODE" ns || ! wait_ports "$SMAY" "$SENC" "$SANON"; then
        bad "$L: snd instance starts" "$(flat "$(cat "$D/start.log"; tail -5 "$D/maillog" 2>/dev/null)")"
        continue
    fi
    ok "$L: snd instance started (master PID $(pf_master "$D"))"

    # ---- Postfix as a TLS client: one message per scenario
    recv_from=$(($(wc -l <"$RECV/maillog") + 1))
    for s in "${CSCEN[@]}"; do inject "${s%%|*}"; done

    # ---- posttls-finger as a client and Postfix as a TLS server, while the deliveries run
    ptf_clients
    server_scenarios

    # ---- the deliveries: every scenario ends sent or deferred (bounded wait)
    for _ in $(seq $((SCAN_TIMEOUT * 10))); do
        n=$(grep -cE 'to=<user@[a-z0-9-]+\.test>, relay=[^ ]*\[127\.0\.0\.1\]:[0-9]+, .*status=(sent|deferred)' "$D/maillog")
        [ "$n" -ge ${#CSCEN[@]} ] && break
        sleep 0.1
    done
    # the second message to resume.test, once the first is delivered (a new smtp process,
    # max_use=1, which finds the session in tlsmgr's cache)
    inject resume 2
    for _ in $(seq $((SCAN_TIMEOUT * 10))); do
        n=$(grep -cE 'to=<user@resume\.test>, relay=[^ ]*\[127\.0\.0\.1\]:[0-9]+, .*status=(sent|deferred)' "$D/maillog")
        [ "$n" -ge 2 ] && break
        sleep 0.1
    done
    # and recv has delivered every message that was sent
    for _ in $(seq $((SCAN_TIMEOUT * 10))); do
        n=$(grep -cE 'to=<user@[a-z0-9-]+\.test>, relay=[^ ]*\[127\.0\.0\.1\]:[0-9]+, .*status=sent' "$D/maillog")
        m=$(grep -c "^Message-ID: <[a-z0-9-]*\.$MODE\.$$@snd.test>" "$RECV/mail/inbox" 2>/dev/null)
        [ "${m:-0}" -ge "$n" ] && break
        sleep 0.1
    done
    ptf_results
    client_results
    recv_results "$recv_from"
    resume_results "$recv_from"
    server_results
    proc_checks
    log_checks
    pf_stop "$D"
done

# every oxissl run's observations equal the baseline's
for m in path preload; do
    [ -s "$WORK/obs.$m" ] || continue
    d=$(diff <(sort "$WORK/obs.system") <(sort "$WORK/obs.$m") | grep '^[<>]')
    if [ -z "$d" ]; then ok "$(label "$m"): same observations as the system libssl ($(wc -l <"$WORK/obs.$m") lines)"
    else bad "$(label "$m"): same observations as the system libssl" \
        $'\n'"$(sed 's/^</        system:/; s/^>/        oxissl:/' <<<"$d")"; fi
done
[ "$(stat -c %Y.%s "$(readlink -f "$OXLIB")" 2>/dev/null)" = "$LIB_STAMP" ] ||
    bad "$OXLIB unchanged during the run" "it was rebuilt while the tests ran: run them again"
[ "$FAILED" -eq 0 ] || [ -n "${KEEP:-}" ] ||
    echo "(KEEP=1 keeps the configs, the instances' maillogs, the mbox and the clients' output)"
finish
