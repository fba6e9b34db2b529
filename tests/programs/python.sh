#!/usr/bin/env bash
# python.sh [--lib DIR] -- CPython's ssl module on oxissl.
#
# Runs tests/programs/python_ssl.py (urllib over HTTPS, SNI callback, ALPN, session reuse,
# asyncio TLS streams, cadata/get_ca_certs/cert_store_stats, verification errors,
# set_ciphers, protocol versions, keylog_filename, client certificates, unwrap, MemoryBIO)
# once on the system libssl and twice on oxissl (LD_LIBRARY_PATH and LD_PRELOAD).  Each
# oxissl transcript is compared with the system one check by check; a check whose lines
# differ fails unless the difference is listed below under EXPECTED (a deliberate,
# documented difference of oxissl), and then it is reported with its name and reason.
# /proc/PID/maps of the running interpreter proves which libssl it loaded.
#
#   tests/programs/python.sh            # KEEP=1 keeps the transcripts in the work dir
set -u
. "$(dirname "$0")/lib.sh"

SCRIPT=$ROOT/tests/programs/python_ssl.py
# The real interpreter, not a pyenv shim (its PID is the one whose maps we read).
PY=$(on_system "${PYTHON:-python3}" -c 'import sys; print(sys.executable)') || { echo "no python3" >&2; exit 2; }
on_system "$PY" -c 'import ssl' || { echo "$PY has no ssl module" >&2; exit 2; }

# Deliberate differences of oxissl, each as in c-tests/known-diffs: a block starts with
# "@ NAME: reason"; "- LINE" is a line of the system transcript, "+ LINE" what oxissl
# prints instead (exact text).  Anything else that differs is a failure.
EXPECTED=$(cat <<'EOF'
@ tls-unique: SSL_get_finished/SSL_get_peer_finished give no bytes (rustls does not expose Finished messages; README "Finished messages"), so get_channel_binding('tls-unique') is None
- connection facts TLS1.2[1]: get_channel_binding('tls-unique'): client 12 bytes, equal to the server's: True
+ connection facts TLS1.2[1]: get_channel_binding('tls-unique'): client None, equal to the server's: True
@ TLS 1.2 suites: rustls implements only the six ECDHE AEAD TLS 1.2 suites (no DHE, no CBC), so a server's shared_ciphers() lists only those
- connection facts TLS1.2[2]: server shared_ciphers ['DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES128-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-AES256-SHA256', 'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES128-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-AES256-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']
+ connection facts TLS1.2[2]: server shared_ciphers ['ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']
@ CBC suites: a cipher string naming only suites OpenSSL has and rustls lacks (CBC) is accepted as OpenSSL accepts it, with an empty TLS 1.2 list (src/cipher.rs)
- set_ciphers[7]: set_ciphers('AES128-SHA') accepted: ['AES128-SHA']
+ set_ciphers[7]: set_ciphers('AES128-SHA') accepted: []
- set_ciphers[8]: set_ciphers('ECDHE-RSA-AES128-SHA256') accepted: ['ECDHE-RSA-AES128-SHA256']
+ set_ciphers[8]: set_ciphers('ECDHE-RSA-AES128-SHA256') accepted: []
@ SNI alert: a servername callback's fatal alert ends the handshake without sending the alert (rustls' acceptor cannot send an arbitrary alert; t_sni_callback), so the client sees EOF, not "access denied"
- SNI callback returning an alert: client SSLError: [SSL: TLSV1_ALERT_ACCESS_DENIED] tlsv1 alert access denied (_ssl.c:1006); server error: SSLError: [SSL: CALLBACK_FAILED] callback failed (_ssl.c:1006)
+ SNI callback returning an alert: client SSLEOFError: [SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol (_ssl.c:1006); server error: SSLError: [SSL: CALLBACK_FAILED] callback failed (_ssl.c:1006)
@ certificate_required in TLS 1.2: a TLS 1.2 server missing a required client certificate sends certificate_required (rustls), OpenSSL handshake_failure (t_client_cert)
- client certificate[3]: no client cert max TLSv1_2: client handshake SSLError: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006); server error: SSLError: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate (_ssl.c:1006)
+ client certificate[3]: no client cert max TLSv1_2: client handshake SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required (_ssl.c:1006); server error: SSLError: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate (_ssl.c:1006)
EOF
)
printf '%s\n' "$EXPECTED" > "$WORK/expected"

# run NAME MODE…: run the script in the background, prove its libssl via /proc/PID/maps
# while it waits at the end, collect its transcript in $WORK/NAME.out and exit status.
run() {
    local name=$1; shift
    local hold=$WORK/hold-$name
    mkdir -p "$hold"
    "$@" env -u SSLKEYLOGFILE PYSSL_HOLD_DIR="$hold" "$PY" "$SCRIPT" "$PKI" \
        >"$WORK/$name.out" 2>"$WORK/$name.err" &
    local pid=$! i
    PIDS+=("$pid")
    for i in $(seq 1200); do
        [ -e "$hold/pid" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if [ -e "$hold/pid" ]; then
        local ppid_
        ppid_=$(cat "$hold/pid")
        if [ "$name" = system ]; then
            if grep -qxF "$SYSLIB_REAL" "$hold/libs" && ! grep -qxF "$OXLIB_REAL" "$hold/libs"; then
                ok "maps [system]: the system libssl is loaded, not oxissl"
            else
                bad "maps [system]" "mapped: $(tr '\n' ' ' <"$hold/libs")"
            fi
        else
            check "maps [$name]: /proc/$ppid_/maps has oxissl's libssl.so.3, not the system's" maps_check "$ppid_"
        fi
        touch "$hold/go"
    else
        bad "maps [$name]" "the script ended before reporting its pid"
    fi
    wait "$pid"
    echo $? >"$WORK/$name.rc"
    if [ -s "$WORK/$name.err" ]; then
        echo "  stderr of the $name run:"
        sed 's/^/  | /' "$WORK/$name.err" | head -40
    fi
}

# compare MODE: per-check comparison of $WORK/MODE.out with $WORK/system.out.
compare() {
    local mode=$1 line status name detail
    while IFS= read -r line; do
        case $line in
            OK$'\t'*) IFS=$'\t' read -r status name detail <<<"$line"; ok "$name [$mode]${detail:+ ($detail)}" ;;
            BAD$'\t'*) IFS=$'\t' read -r status name detail <<<"$line"; bad "$name [$mode]" "$detail" ;;
            *) printf '%s\n' "$line" ;;
        esac
    done < <(on_system "$PY" - "$WORK/system.out" "$WORK/$mode.out" "$WORK/expected" <<'PYEOF'
import difflib, re, sys
sysl, oxl, exp = (open(p).read().splitlines() for p in sys.argv[1:4])

def key(line):
    m = re.match(r"([^\[:]+)(\[\d+\])?: ", line)
    return m.group(1) if m else line

def group(lines):
    g = {}
    for ln in lines:
        if not ln.startswith("result: "):
            g.setdefault(key(ln), []).append(ln)
    return g

blocks, cur = [], None
for ln in exp:
    if ln.startswith("@ "):
        name, _, reason = ln[2:].partition(": ")
        cur = {"name": name, "reason": reason, "minus": [], "plus": []}
        blocks.append(cur)
    elif ln.startswith("- "):
        cur["minus"].append(ln[2:])
    elif ln.startswith("+ "):
        cur["plus"].append(ln[2:])

S, O = group(sysl), group(oxl)
for b in blocks:
    for m in b["minus"]:
        if m not in sysl:
            print(f"BAD\texpected difference '{b['name']}'\tstale: the system transcript no longer has: {m}")
for name in list(S) + [n for n in O if n not in S]:
    s, o = S.get(name, []), O.get(name, [])
    if s == o:
        print(f"OK\t{name}\t")
        continue
    exp_lines, used = list(s), []
    for b in blocks:
        if b["minus"] and all(m in exp_lines for m in b["minus"]):
            i = exp_lines.index(b["minus"][0])
            exp_lines = [x for x in exp_lines if x not in b["minus"]]
            exp_lines[i:i] = b["plus"]
            used.append(b)
    if used and o == exp_lines:
        print("OK\t%s\texpected difference: %s" % (name, "; ".join(f"{b['name']}: {b['reason']}" for b in used)))
        continue
    print(f"BAD\t{name}\tdiffers from the system libssl:")
    for d in difflib.unified_diff(exp_lines, o, "system" + (" + expected differences" if used else ""), "oxissl", n=0, lineterm=""):
        if not d.startswith("@@"):
            print("        | " + d)
PYEOF
)
}

run system on_system
if [ "$(cat "$WORK/system.rc")" = 0 ]; then
    ok "python_ssl.py on the system libssl: all own assertions hold ($(grep -c '' "$WORK/system.out") lines)"
else
    bad "python_ssl.py on the system libssl" "exit $(cat "$WORK/system.rc"); the baseline itself is broken:"
    grep -E 'ASSERTION FAILED|EXCEPTION' "$WORK/system.out" | sed 's/^/  | /'
fi

for mode in path preload; do
    run "$mode" on_oxissl "$mode"
    compare "$mode"
    if [ "$(cat "$WORK/$mode.rc")" = 0 ]; then
        ok "python_ssl.py on oxissl [$mode]: all own assertions hold"
    else
        bad "python_ssl.py on oxissl [$mode]" "exit $(cat "$WORK/$mode.rc"): $(tail -1 "$WORK/$mode.out")"
    fi
done

finish
