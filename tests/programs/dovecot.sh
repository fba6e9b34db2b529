#!/usr/bin/env bash
# dovecot.sh [--lib DIR] -- Dovecot (Debian 12's dovecot-imapd, 2.3) serving IMAPS and IMAP
# STARTTLS on oxissl, with an RSA and an ECDSA certificate side by side.
#
# How Dovecot is run on oxissl: its master process clears the environment of every process
# it starts (imap-login, imap, auth, …), keeping only the variables named in
# `import_environment`. The loader variable must be passed on there, in dovecot.conf:
#     import_environment = TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS NOTIFY_SOCKET LD_LIBRARY_PATH=/path/to/oxissl
# or, with LD_PRELOAD,
#     import_environment = TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS NOTIFY_SOCKET LD_PRELOAD=/path/to/oxissl/libssl.so.3
# (the first six names are Dovecot 2.3's default list). The TLS is done by the imap-login
# processes, which load /usr/lib/dovecot/modules/libssl_iostream_openssl.so (RUNPATH
# /usr/lib/dovecot only, so LD_LIBRARY_PATH wins for libssl.so.3). Here the master itself is
# started with a clean environment: the import_environment line alone puts the login
# processes on oxissl.
#
# A private instance (base_dir, state_dir, log_path, passwd-file and mail homes in $WORK;
# protocols imap; listeners on 127.0.0.1 at ports from free_port; Debian's own dovecot
# service and /etc/dovecot are not used) is started three times: on the system libssl (the
# OpenSSL 3.0 baseline: every expectation is checked there too), on oxissl through
# LD_LIBRARY_PATH (`path`) and through LD_PRELOAD (`preload`). Its settings: ssl = yes,
# ssl_cert/ssl_key the RSA localhost certificate, ssl_alt_cert/ssl_alt_key the P-256 one,
# ssl_min_protocol TLSv1.2 (the default), disable_plaintext_auth = yes, a passwd-file passdb
# (testuser / secret, scheme PLAIN), a static userdb (uid nobody), maildir, a local_name
# wrong.example block with its own certificate (wronghost.pem: Dovecot's servername callback
# switches the connection to that name's SSL_CTX), and login_log_format_elements ending in
# "%c %k" (imap-login logs the protocol and cipher of every login).
#
# Clients, all on the system libssl (the server is under test):
#   openssl s_client to the IMAPS port (implicit TLS), logging in and out; the certificate
#   the server chose (key size), its signature type and digest, the protocol and cipher:
#     tls13          default ClientHello (ECDSA schemes first) -> the ECDSA certificate
#     tls13-rsa      -sigalgs RSA-PSS+SHA256:RSA+SHA256         -> the RSA certificate
#     tls12          -tls1_2 (ECDHE-ECDSA suites first)          -> the ECDSA certificate
#     tls12-rsa      -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384 -> the RSA certificate
#     tls12-ecdsa    -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384 -> the ECDSA certificate
#     tls12-rsasig   -tls1_2 -sigalgs RSA-PSS+SHA256:RSA+SHA256  -> the RSA certificate
#     sni            -servername wrong.example -verify_hostname wrong.example -> wronghost.pem
#                    (the local_name block clears ssl_alt_cert: only the RSA certificate)
#     starttls       -starttls imap on the plain port            -> ECDSA, TLS 1.3, login
#     starttls-rsa   -starttls imap -sigalgs RSA-PSS+SHA256      -> RSA
#     tls11          -tls1_1 (SECLEVEL=0) -> refused; imap-login logs "SSL_accept() failed:
#                    error:0A000102:SSL routines::unsupported protocol" (checked)
#   (A TLS 1.2 RSA handshake is signed with SHA-512 by oxissl where OpenSSL uses SHA-256:
#   the known difference t_keytype_rsa, reported as a "note".)
#   Python's imaplib (/usr/bin/python3): plain IMAP from 127.0.0.2 (Dovecot trusts a
#   connection from its own address) advertises LOGINDISABLED and STARTTLS and refuses LOGIN; STARTTLS with a verifying context, LOGIN, SELECT, APPEND, SEARCH;
#   IMAP4_SSL: a wrong password -> [AUTHENTICATIONFAILED], then LOGIN and LIST; IMAP4_SSL
#   limited to TLS 1.2.
# Every run: while an IMAPS session is logged in (imap-login keeps proxying its TLS), every
# imap-login process of the instance (>= 2: that one and the idle one, process_min_avail 1)
# has the intended libssl mapped (/proc/PID/maps; the master maps no libssl); imap-login's
# log lines (logins with "TLS, TLSv1.x with cipher …", disconnections and their SSL errors)
# and the clients' observations equal the baseline's; no panic, no "not supported by oxissl",
# no Fatal/Panic/Error in the log.
#
# If dovecot-imapd is missing it is installed (apt-get, service starts denied). Needs root
# (Dovecot's default_login_user/default_internal_user, the nobody mail user). KEEP=1 keeps
# the work directory (dovecot.conf, dovecot.log, client output). About 30 s.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/lib-modes.bash"

[ "$(id -u)" -eq 0 ] || { echo "dovecot.sh runs a Dovecot instance: run it as root" >&2; exit 2; }
need_packages dovecot-imapd:/usr/lib/dovecot/imap-login dovecot-imapd:/usr/sbin/dovecot
DOVECOT=/usr/sbin/dovecot
PYTHON=/usr/bin/python3
[ -x "$PYTHON" ] || PYTHON=python3
command -v openssl >/dev/null || { echo "openssl is needed" >&2; exit 2; }
echo "dovecot: $DOVECOT ($("$DOVECOT" --version))"
CA=$PKI/ca.pem
chmod 755 "$WORK"
DEFAULT_IMPORT=$(on_system doveconf -d -h import_environment 2>/dev/null)
[ -n "$DEFAULT_IMPORT" ] || DEFAULT_IMPORT="TZ CORE_OUTOFMEM CORE_ERROR LISTEN_PID LISTEN_FDS NOTIFY_SOCKET"
DH=/usr/share/dovecot/dh.pem

# ---------------------------------------------------------------- instance
write_conf() {
    local d=$1 mode=$2 import=$DEFAULT_IMPORT
    case $mode in
        path) import+=" LD_LIBRARY_PATH=$LIBDIR" ;;
        preload) import+=" LD_PRELOAD=$OXLIB_REAL" ;;
    esac
    mkdir -p "$d/home"
    chown nobody:nogroup "$d/home"
    echo 'testuser:{PLAIN}secret' >"$d/passwd"
    cat >"$d/dovecot.conf" <<EOF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <$PKI/server-rsa.pem
ssl_key = <$PKI/server-rsa.key
ssl_alt_cert = <$PKI/server-p256.pem
ssl_alt_key = <$PKI/server-p256.key
$( [ -r $DH ] && echo "ssl_dh = <$DH" )
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $d/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/home/%u
}
mail_location = maildir:~/Maildir
login_log_format_elements = user=<%u> method=%m rip=%r lip=%l %c %k
import_environment = $import
local_name wrong.example {
  ssl_cert = <$PKI/wronghost.pem
  ssl_key = <$PKI/wronghost.key
  ssl_alt_cert =
  ssl_alt_key =
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $IMAP
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $IMAPS
    ssl = yes
  }
  process_min_avail = 1
}
EOF
}

# login_pids: the imap-login children of the master
login_pids() { ps -o pid=,comm= --ppid "$MASTER" 2>/dev/null | awk '$2 == "imap-login" {print $1}'; }

# ---------------------------------------------------------------- clients
# sc NAME s_client-args…: IMAPS (or -starttls imap on the plain port) with LOGIN and
# LOGOUT; the facts of interest in $D/sc-NAME.out, condensed in SC
sc() {
    local name=$1 port=$IMAPS; shift
    [[ " $* " == *" -starttls "* ]] && port=$IMAP
    printf 'a LOGIN testuser secret\r\nb LOGOUT\r\n' |
        on_system timeout 10 openssl s_client -connect "127.0.0.1:$port" -CAfile "$CA" -ign_eof "$@" >"$D/sc-$name.out" 2>&1
    SC=$(tr -d '\r' <"$D/sc-$name.out" | grep -E '^(New, |Server public key is|Peer signature type|Peer signing digest|Verification|subject=|a OK|a NO|b OK)' |
        sed -E 's/^a OK .*Logged in$/a OK Logged in/; s/^b OK Logout completed.*/b OK Logout completed/')
}
# sc_check NAME WANT-PROTOCOL WANT-KEYBITS [LOGIN]: the ok/bad line and the record
sc_check() {
    local name=$1 proto=$2 bits=$3 desc=$4 rec
    rec=$SC
    if [ "$MODE" != system ] && [ "$proto" = TLSv1.2 ] && [ "$bits" = 2048 ] &&
        grep -qx 'Peer signing digest: SHA512' <<<"$SC" && grep -qx 'Peer signature type: RSA-PSS' <<<"$SC"; then
        echo "note  $L: $name: TLS 1.2 RSA-PSS signature with SHA512, OpenSSL: SHA256 — known difference t_keytype_rsa"
        rec=${rec/Peer signing digest: SHA512/Peer signing digest: SHA256}
    fi
    record "s_client $name" "$(flat "$rec")"
    if grep -q "^New, $proto, Cipher is " <<<"$SC" && grep -qx "Server public key is $bits bit" <<<"$SC" &&
        grep -qx 'Verification: OK' <<<"$SC" && grep -qx 'a OK Logged in' <<<"$SC"; then
        ok "$L: $name: $desc: $(sed -n 's/^New, //p' <<<"$SC"), ${bits}-bit key, verified, LOGIN OK"
    else
        bad "$L: $name: $desc" "want $proto and a $bits-bit key: $(flat "$SC")"
    fi
}

cat >"$WORK/imapc.py" <<'PY'
import imaplib, ssl, sys, time, os
mode, port, ports, ca = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def ctx(maxv=None):
    c = ssl.create_default_context(cafile=ca)
    if maxv:
        c.maximum_version = maxv
    return c
if mode == "hold":
    m = imaplib.IMAP4_SSL("localhost", ports, ssl_context=ctx())
    m.login("testuser", "secret")
    open(sys.argv[5] + "/ready", "w").close()
    for _ in range(200):
        if os.path.exists(sys.argv[5] + "/go"):
            break
        time.sleep(0.05)
    m.logout()
    sys.exit(0)
def run(name, f):
    try:
        print("%s: %s" % (name, f()))
    except Exception as e:
        print("%s: %s: %s" % (name, type(e).__name__, e))
class FromOther(imaplib.IMAP4):
    # Dovecot counts a connection whose remote and local addresses are equal as secured
    # (plaintext LOGIN allowed): connect from 127.0.0.2
    def _create_socket(self, timeout):
        import socket
        return socket.create_connection((self.host, self.port), timeout, source_address=("127.0.0.2", 0))
def plain():
    m = FromOther("127.0.0.1", port)
    caps = " ".join(c for c in m.capabilities if c in ("LOGINDISABLED", "STARTTLS"))
    try:
        m.login("testuser", "secret")
        r = "login accepted"
    except imaplib.IMAP4.error as e:
        r = "login refused: %s" % e
    m.shutdown()
    return "%s; %s" % (caps, r)
def starttls():
    m = imaplib.IMAP4("localhost", port)
    m.starttls(ssl_context=ctx())
    v = "%s %s" % (m.sock.version(), m.sock.cipher()[0])
    m.login("testuser", "secret")
    n = m.select("INBOX")[1][0].decode()
    a = m.append("INBOX", None, None, b"Subject: over TLS\r\n\r\nhello\r\n")[0]
    s = m.search(None, "ALL")[1][0].decode()
    m.logout()
    return "%s select=%s append=%s search=[%s]" % (v, n, a, s)
def implicit():
    m = imaplib.IMAP4_SSL("localhost", ports, ssl_context=ctx())
    try:
        m.login("testuser", "wrong")
        r = "wrong password accepted"
    except imaplib.IMAP4.error as e:
        r = "wrong password: %s" % e
    m.login("testuser", "secret")
    inbox = any(b'"INBOX"' in l or l.endswith(b" INBOX") for l in m.list()[1])
    v = "%s %s" % (m.sock.version(), m.sock.cipher()[0])
    m.logout()
    return "%s; %s; login OK, LIST has INBOX: %s" % (v, r, inbox)
def implicit12():
    m = imaplib.IMAP4_SSL("localhost", ports, ssl_context=ctx(ssl.TLSVersion.TLSv1_2))
    m.login("testuser", "secret")
    v = "%s %s" % (m.sock.version(), m.sock.cipher()[0])
    m.logout()
    return v + " login OK"
run("imaplib plain", plain)
run("imaplib starttls", starttls)
run("imaplib imaps", implicit)
run("imaplib imaps tls1.2", implicit12)
PY

# ---------------------------------------------------------------- runs
for MODE in "${MODES[@]}"; do
    L="dovecot on $(label "$MODE")"
    D=$WORK/dovecot-$MODE
    new_port IMAP; new_port IMAPS
    write_conf "$D" "$MODE"
    # the master on a clean environment: import_environment alone carries the library
    launch system "dovecot-$MODE" "$DOVECOT" -F -c "$D/dovecot.conf"
    MASTER=$LPID
    if ! wait_listen "$IMAPS" "$MASTER" || ! wait_listen "$IMAP" "$MASTER"; then
        bad "$L: dovecot starts" "$(flat "$(cat "$WORK/dovecot-$MODE.log" "$D/dovecot.log" 2>/dev/null | tail -5)")"
        stop "$MASTER"
        continue
    fi
    ok "$L: dovecot started (master PID $MASTER, import_environment = $(sed -n 's/^import_environment = //p' "$D/dovecot.conf"))"

    sc tls13 -servername localhost -verify_hostname localhost -verify_return_error
    sc_check tls13 TLSv1.3 256 "IMAPS, default ClientHello: the ECDSA certificate (ssl_alt_cert)"
    sc tls13-rsa -servername localhost -verify_return_error -sigalgs RSA-PSS+SHA256:RSA+SHA256
    sc_check tls13-rsa TLSv1.3 2048 "IMAPS, -sigalgs RSA-PSS+SHA256:RSA+SHA256: the RSA certificate (ssl_cert)"
    sc tls12 -servername localhost -verify_return_error -tls1_2
    sc_check tls12 TLSv1.2 256 "IMAPS, -tls1_2: the ECDSA certificate"
    sc tls12-rsa -servername localhost -verify_return_error -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384
    sc_check tls12-rsa TLSv1.2 2048 "IMAPS, -tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384: the RSA certificate"
    sc tls12-ecdsa -servername localhost -verify_return_error -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
    sc_check tls12-ecdsa TLSv1.2 256 "IMAPS, -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384: the ECDSA certificate"
    sc tls12-rsasig -servername localhost -verify_return_error -tls1_2 -sigalgs RSA-PSS+SHA256:RSA+SHA256
    sc_check tls12-rsasig TLSv1.2 2048 "IMAPS, -tls1_2 -sigalgs RSA-PSS+SHA256:RSA+SHA256: the RSA certificate"
    sc sni -servername wrong.example -verify_hostname wrong.example -verify_return_error
    sc_check sni TLSv1.3 2048 "IMAPS, SNI wrong.example: local_name wrong.example's certificate"
    sc starttls -starttls imap -servername localhost -verify_hostname localhost -verify_return_error
    sc_check starttls TLSv1.3 256 "STARTTLS: the ECDSA certificate"
    sc starttls-rsa -starttls imap -servername localhost -verify_return_error -sigalgs RSA-PSS+SHA256
    sc_check starttls-rsa TLSv1.3 2048 "STARTTLS, -sigalgs RSA-PSS+SHA256: the RSA certificate"
    sc tls11 -servername localhost -tls1_1 -cipher DEFAULT@SECLEVEL=0
    record "s_client tls11" "$(flat "$SC")"
    if grep -q '^New, TLS' <<<"$SC" || grep -q 'a OK' <<<"$SC"; then bad "$L: tls11: a TLS 1.1 client is refused" "$(flat "$SC")"
    else ok "$L: tls11: a TLS 1.1 client is refused"; fi

    # Python's imaplib
    out=$(on_system "$PYTHON" "$WORK/imapc.py" tests "$IMAP" "$IMAPS" "$CA" 2>&1)
    record_lines imaplib <<<"$out"
    line=$(grep '^imaplib plain: ' <<<"$out")
    [[ $line == "imaplib plain: STARTTLS LOGINDISABLED; login refused: "* || $line == "imaplib plain: LOGINDISABLED STARTTLS; login refused: "* ]] &&
        ok "$L: plain IMAP: LOGINDISABLED, STARTTLS advertised, LOGIN refused" || bad "$L: plain IMAP refuses LOGIN" "$line"
    line=$(grep '^imaplib starttls: ' <<<"$out")
    [[ $line =~ ^imaplib\ starttls:\ TLSv1\.3\ [A-Z0-9_]+\ select=0\ append=OK\ search=\[1\]$ ]] &&
        ok "$L: imaplib STARTTLS (verified): LOGIN, SELECT, APPEND, SEARCH" || bad "$L: imaplib STARTTLS" "$line"
    line=$(grep '^imaplib imaps: ' <<<"$out")
    [[ $line == "imaplib imaps: TLSv1.3 "*"; wrong password: "*AUTHENTICATIONFAILED*"; login OK, LIST has INBOX: True" ]] &&
        ok "$L: imaplib IMAP4_SSL: wrong password refused, LOGIN, LIST" || bad "$L: imaplib IMAP4_SSL" "$line"
    line=$(grep '^imaplib imaps tls1.2: ' <<<"$out")
    [[ $line == "imaplib imaps tls1.2: TLSv1.2 ECDHE-"*" login OK" ]] && ok "$L: imaplib IMAP4_SSL TLS 1.2: ${line#*: }" ||
        bad "$L: imaplib IMAP4_SSL TLS 1.2" "$line"

    # a logged-in IMAPS session held open while the login processes' maps are read
    H=$D/hold; mkdir -p "$H"
    on_system "$PYTHON" "$WORK/imapc.py" hold "$IMAP" "$IMAPS" "$CA" "$H" >"$D/hold.out" 2>&1 &
    hbg=$!
    PIDS+=("$hbg")
    for _ in $(seq 100); do [ -e "$H/ready" ] && break; sleep 0.05; done
    pids=$(login_pids | tr '\n' ' ')
    n=$(wc -w <<<"$pids")
    why=
    [ -e "$H/ready" ] || why+=" the held session did not log in ($(flat "$(cat "$D/hold.out")"));"
    [ "$n" -ge 2 ] || why+=" $n imap-login processes, want >= 2 (the held session's and the idle one);"
    for p in $pids; do libs_check "$MODE" "$p" 2>/dev/null || why+=" PID $p maps: $(awk '$6 ~ /libssl/ {print $6}' "/proc/$p/maps" 2>/dev/null | sort -u | tr '\n' ' ');"; done
    what="the system libssl"; [ "$MODE" = system ] || what=oxissl
    if [ -z "$why" ]; then ok "$L: imap-login PIDs ${pids% } (one proxying a logged-in TLS session) have $what mapped"
    else bad "$L: imap-login processes have $what mapped" "$why"; fi
    awk '$6 ~ /libssl/' "/proc/$MASTER/maps" 2>/dev/null | grep -q . &&
        echo "      (the master maps a libssl: $(awk '$6 ~ /libssl/ {print $6}' "/proc/$MASTER/maps" | sort -u | tr '\n' ' '))"
    touch "$H/go"
    wait "$hbg"

    stop "$MASTER"
    wait "$BG" 2>/dev/null
    # imap-login's log lines, compared
    log=$(cut -c17- "$D/dovecot.log" | grep '^imap-login: ' |
        sed -E 's/in [0-9]+ secs/in N secs/g; s/, session=<[^>]*>//; s/mpid=[0-9]+/mpid=N/' | sort | uniq -c | sed 's/^ *//')
    # the TLS 1.2 RSA scenario logs nothing about the digest: nothing to normalize here
    record_lines "imap-login log" <<<"$log"
    line=$(grep 'SSL_accept() failed' <<<"$log" | head -1)
    if grep -q 'SSL_accept() failed: error:0A000102:SSL routines::unsupported protocol' <<<"$line"; then
        ok "$L: tls11: imap-login logs SSL_accept() failed: error:0A000102:SSL routines::unsupported protocol"
    else
        bad "$L: tls11: imap-login logs OpenSSL's reason for a TLS 1.1 ClientHello (unsupported protocol)" \
            "got: $(sed -E 's/.*(SSL_accept\(\) failed: [^(]*).*/\1/' <<<"$line")"
    fi
    errs=$(grep -E ' (Fatal|Panic|Error): ' "$D/dovecot.log" | cut -c17- | sort -u | head -3)
    [ -z "$errs" ] && ok "$L: no Fatal/Panic/Error lines in dovecot.log" || bad "$L: no Fatal/Panic/Error lines in dovecot.log" "$(flat "$errs")"
    no_trouble "$L" "$D/dovecot.log" "$WORK/dovecot-$MODE.log"
done
compare dovecot
lib_unchanged
finish
