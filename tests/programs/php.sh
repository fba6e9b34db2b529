#!/usr/bin/env bash
# php.sh [--lib DIR] -- PHP's openssl streams (Debian 12's php8.2-cli; the openssl extension
# is built into /usr/bin/php8.2) as a TLS client and a TLS server on oxissl.
#
# Every scenario runs three times: PHP on the system libssl (the OpenSSL 3.0 baseline: every
# expectation is checked there too), on oxissl through LD_LIBRARY_PATH (`path`) and through
# LD_PRELOAD (`preload`). The peers are on the system libssl. PHP's own process is checked
# through /proc/PID/maps to have the intended libssl mapped (the client waits for the check
# before it exits), and each oxissl run's observations equal the baseline's.
#
# PHP as a client, against `openssl s_server -www` (RSA localhost certificate, -alpn
# http/1.1; its page says "New, …" or "Reused, …") and one requiring a client certificate:
#   stream 1.3/1.2   stream_socket_client('tls://127.0.0.1:PORT') with crypto_method
#                    TLSv1.3/TLSv1.2 client, verify_peer, cafile, peer_name localhost,
#                    alpn_protocols h2,http/1.1, capture_peer_cert ->
#                    stream_get_meta_data()['crypto'] (protocol, cipher_name, cipher_bits,
#                    cipher_version, alpn_protocol "http/1.1") and the peer's CN
#   https            file_get_contents('https://localhost:PORT/') with cafile -> the page
#   wronghost        peer_name wrong.example -> PHP's "Peer certificate CN=`localhost' did
#                    not match expected CN=`wrong.example'"
#   unknownca        cafile ca2.pem -> "certificate verify failed" from OpenSSL's queue
#   fingerprint      peer_fingerprint sha256 of the server certificate -> connects; another
#                    digest -> "peer_fingerprint match failure"
#   clientcert       local_cert/local_pk against the -Verify 1 server -> s_server prints the
#                    client's subject
# PHP as a server (every reply is its stream_get_meta_data()['crypto']), four listeners:
#   main      stream_socket_server('tls://127.0.0.1:PORT'), local_cert (RSA, key in the same
#             file), alpn_protocols http/1.1
#   sni       the same with SNI_server_certs (localhost -> the RSA certificate,
#             wrong.example -> wronghost.pem): PHP's servername callback moves the connection
#             to a context made for that name (SSL_set_SSL_CTX; certificate and key only)
#   verify    P-256 certificate, verify_peer + cafile + capture_peer_cert (client certificate)
#   starttls  plain TCP; stream_socket_enable_crypto after a "STARTTLS" line
# Clients on the system libssl:
#   curl TLS 1.3 and TLS 1.2 to main (h2,http/1.1 offered) -> protocol, cipher, alpn
#   http/1.1; curl with a client certificate to verify -> its CN; curl to
#   https://wrong.example:PORT on sni verifies -> the SNI certificate; curl TLS 1.2 to
#   https://localhost:PORT on sni -> ECDHE-RSA-AES256-GCM-SHA384: after the switch OpenSSL
#   negotiates from the new context's cipher list (OpenSSL's default, AES256 first; PHP's
#   own list, in the first context, starts with AES128, and PHP sets server preference);
#   Python's ssl after STARTTLS -> TLS 1.3.
#
# If php-cli is missing it is installed (apt-get). KEEP=1 keeps the work directory.
# About 8 s.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/lib-modes.bash"

need_packages php-cli:/usr/bin/php
PHP=$(readlink -f /usr/bin/php)
for p in openssl curl python3; do command -v $p >/dev/null || { echo "$p is needed" >&2; exit 2; }; done
on_system "$PHP" -r 'exit(extension_loaded("openssl") ? 0 : 1);' || { echo "$PHP has no openssl extension" >&2; exit 2; }
echo "php: $PHP ($(on_system "$PHP" -r 'echo PHP_VERSION;'), openssl $(on_system "$PHP" -r 'echo OPENSSL_VERSION_TEXT;'))"
CA=$PKI/ca.pem
cat "$PKI/server-rsa.pem" "$PKI/server-rsa.key" >"$WORK/localhost.pem"
cat "$PKI/wronghost.pem" "$PKI/wronghost.key" >"$WORK/wronghost.pem"
FP=$(on_system openssl x509 -in "$PKI/server-rsa.pem" -noout -fingerprint -sha256 | sed 's/.*=//; s/://g' | tr A-F a-f)

# ---------------------------------------------------------------- PHP programs
cat >"$WORK/client.php" <<'PHP'
<?php
[, $main, $vport, $pki, $hold, $fp] = $argv;
$ca = "$pki/ca.pem";
function www($body) {
    return preg_match('/^(New|Reused), TLSv[0-9.]+, Cipher is \S+/m', (string)$body, $m) ? $m[0] : "no New/Reused line";
}
// every warning of the last call, in order ("Unable to connect" comes last)
$warnings = [];
set_error_handler(function ($no, $msg) use (&$warnings) { $warnings[] = preg_replace('/\s+/', ' ', $msg); return true; });
function lasterr() {
    global $warnings;
    $w = implode(' / ', $warnings);
    $warnings = [];
    return preg_replace('/127\.0\.0\.1:\d+/', '127.0.0.1:PORT', $w === '' ? '-' : $w);
}
function conn($port, $ssl, $method = STREAM_CRYPTO_METHOD_TLS_CLIENT) {
    $ctx = stream_context_create(['ssl' => $ssl + ['crypto_method' => $method]]);
    lasterr();
    $s = stream_socket_client("tls://127.0.0.1:$port", $errno, $errstr, 5, STREAM_CLIENT_CONNECT, $ctx);
    if ($s === false) return [false, lasterr()];
    fwrite($s, "GET / HTTP/1.0\r\n\r\n");
    $body = stream_get_contents($s);
    $meta = stream_get_meta_data($s);
    $params = stream_context_get_params($s);
    fclose($s);
    return [$meta, $body, $params];
}
$base = ['verify_peer' => true, 'verify_peer_name' => true, 'cafile' => $ca, 'peer_name' => 'localhost'];
foreach (['1.3' => STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT, '1.2' => STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT] as $v => $m) {
    [$meta, $body, $params] = conn($main, $base + ['alpn_protocols' => 'h2,http/1.1', 'capture_peer_cert' => true], $m);
    if ($meta === false) { echo "stream $v: failed: $body\n"; continue; }
    $c = $meta['crypto'];
    $cert = openssl_x509_parse($params['options']['ssl']['peer_certificate']);
    printf("stream %s: protocol=%s cipher_name=%s cipher_bits=%d cipher_version=%s alpn_protocol=%s peer_cn=%s page=%s\n",
        $v, $c['protocol'], $c['cipher_name'], $c['cipher_bits'], $c['cipher_version'],
        $c['alpn_protocol'] ?? '-', $cert['subject']['CN'], www($body));
}
$ctx = stream_context_create(['ssl' => ['cafile' => $ca, 'verify_peer' => true]]);
lasterr();
$page = file_get_contents("https://localhost:$main/", false, $ctx);
echo "https: ", $page === false ? "failed: " . lasterr() : www($page), "\n";
[$meta, $err] = conn($main, ['peer_name' => 'wrong.example'] + $base);
echo "wronghost: ", $meta === false ? $err : "connected (should have failed)", "\n";
[$meta, $err] = conn($main, ['cafile' => "$pki/ca2.pem"] + $base);
echo "unknownca: ", $meta === false ? $err : "connected (should have failed)", "\n";
[$meta, $body] = conn($main, $base + ['peer_fingerprint' => ['sha256' => $fp]]);
echo "fingerprint: ", $meta === false ? "failed: $body" : www($body), "\n";
[$meta, $err] = conn($main, $base + ['peer_fingerprint' => ['sha256' => str_repeat('ab', 32)]]);
echo "fingerprint-bad: ", $meta === false ? $err : "connected (should have failed)", "\n";
foreach (['1.3' => STREAM_CRYPTO_METHOD_TLSv1_3_CLIENT, '1.2' => STREAM_CRYPTO_METHOD_TLSv1_2_CLIENT] as $v => $m) {
    [$meta, $body] = conn($vport, $base + ['local_cert' => "$pki/client.pem", 'local_pk' => "$pki/client.key"], $m);
    echo "clientcert $v: ", $meta === false ? "failed: $body" :
        www($body) . " " . (preg_match('/Subject: .*client/', $body, $mm) ? $mm[0] : "no client certificate shown"), "\n";
}
if ($hold !== '-') {
    file_put_contents("$hold/pid", getmypid());
    for ($i = 0; $i < 200 && !file_exists("$hold/go"); $i++) usleep(100000);
}
PHP

cat >"$WORK/server.php" <<'PHP'
<?php
[, $port, $sniport, $vport, $sport, $work, $pki] = $argv;
$ctx = stream_context_create(['ssl' => ['local_cert' => "$work/localhost.pem", 'alpn_protocols' => 'http/1.1']]);
$snictx = stream_context_create(['ssl' => [
    'local_cert' => "$work/localhost.pem",
    'SNI_server_certs' => ['localhost' => "$work/localhost.pem", 'wrong.example' => "$work/wronghost.pem"],
]]);
$vctx = stream_context_create(['ssl' => [
    'local_cert' => "$pki/server-p256.pem", 'local_pk' => "$pki/server-p256.key",
    'verify_peer' => true, 'verify_peer_name' => false, 'cafile' => "$pki/ca.pem", 'capture_peer_cert' => true,
]]);
$sctx = stream_context_create(['ssl' => ['local_cert' => "$pki/server-rsa.pem", 'local_pk' => "$pki/server-rsa.key"]]);
$flags = STREAM_SERVER_BIND | STREAM_SERVER_LISTEN;
$srv = stream_socket_server("tls://127.0.0.1:$port", $errno, $errstr, $flags, $ctx) or die("listen: $errstr\n");
$snisrv = stream_socket_server("tls://127.0.0.1:$sniport", $errno, $errstr, $flags, $snictx) or die("listen: $errstr\n");
$vsrv = stream_socket_server("tls://127.0.0.1:$vport", $errno, $errstr, $flags, $vctx) or die("listen: $errstr\n");
$ssrv = stream_socket_server("tcp://127.0.0.1:$sport", $errno, $errstr, $flags, $sctx) or die("listen: $errstr\n");
function crypto($c) {
    $m = stream_get_meta_data($c)['crypto'] ?? [];
    return sprintf("protocol=%s cipher_name=%s cipher_bits=%s alpn_protocol=%s", $m['protocol'] ?? '-',
        $m['cipher_name'] ?? '-', $m['cipher_bits'] ?? '-', $m['alpn_protocol'] ?? '-');
}
function reply($c, $body) {
    fwrite($c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " . strlen($body) . "\r\nConnection: close\r\n\r\n$body");
    echo "served: $body";
}
$names = [(int)$srv => 'main', (int)$snisrv => 'sni', (int)$vsrv => 'verify', (int)$ssrv => 'starttls'];
while (true) {
    $r = [$srv, $snisrv, $vsrv, $ssrv]; $w = $e = null;
    if (!stream_select($r, $w, $e, 60)) continue;
    foreach ($r as $l) {
        $c = @stream_socket_accept($l, 5);
        if ($c === false) {
            $er = error_get_last(); error_clear_last();
            echo "accept on ", $names[(int)$l], ": ", preg_replace('/\s+/', ' ', $er['message'] ?? '?'), "\n";
            continue;
        }
        if ($l === $ssrv) {
            $line = fgets($c);
            fwrite($c, "OK\n");
            $ok = trim((string)$line) === 'STARTTLS' && stream_socket_enable_crypto($c, true, STREAM_CRYPTO_METHOD_TLS_SERVER);
            if ($ok) { fgets($c); $b = "starttls " . crypto($c) . "\n"; fwrite($c, $b); echo "served: $b"; }
            else echo "starttls failed\n";
        } else {
            while (($h = fgets($c)) !== false && $h !== "\r\n");
            $extra = '';
            if ($l === $vsrv) {
                $pc = stream_context_get_params($c)['options']['ssl']['peer_certificate'] ?? null;
                $extra = " client_cn=" . ($pc ? openssl_x509_parse($pc)['subject']['CN'] : '-');
            }
            reply($c, crypto($c) . "$extra\n");
        }
        fclose($c);
    }
}
PHP

# ---------------------------------------------------------------- the system peers
new_port SMAIN; new_port SVER
launch system s_server-main openssl s_server -accept "127.0.0.1:$SMAIN" -cert "$PKI/server-rsa.pem" \
    -key "$PKI/server-rsa.key" -www -alpn http/1.1 -quiet
SS1=$LPID
launch system s_server-verify openssl s_server -accept "127.0.0.1:$SVER" -cert "$PKI/server-rsa.pem" \
    -key "$PKI/server-rsa.key" -www -Verify 1 -CAfile "$CA" -quiet
SS2=$LPID
wait_listen "$SMAIN" "$SS1" && wait_listen "$SVER" "$SS2" || { echo "openssl s_server did not start" >&2; exit 2; }

# ---------------------------------------------------------------- checks
client_checks() {
    local f=$1 v line
    for v in 1.3 1.2; do
        line=$(grep "^stream $v: " "$f")
        [[ $line =~ protocol=TLSv$v\ cipher_name=[A-Z0-9_-]+\ cipher_bits=[0-9]+\ cipher_version=TLSv$v\ alpn_protocol=http/1.1\ peer_cn=localhost\ page=New ]] &&
            ok "$L: stream_socket_client TLS $v: crypto meta $(sed -E 's/.*(protocol=[^ ]+ cipher_name=[^ ]+).*(alpn_protocol=[^ ]+).*/\1 \2/' <<<"$line")" ||
            bad "$L: stream_socket_client TLS $v" "$line"
        line=$(grep "^clientcert $v: " "$f")
        [[ $line == *"New, TLSv$v"*"Subject: O=oxissl test, CN=oxissl test client" ]] &&
            ok "$L: local_cert/local_pk TLS $v: s_server saw the client certificate" || bad "$L: client certificate TLS $v" "$line"
    done
    line=$(grep '^https: ' "$f")
    [[ $line == "https: New, TLSv1.3, Cipher is "* ]] && ok "$L: file_get_contents https:// verified" || bad "$L: file_get_contents https://" "$line"
    line=$(grep '^wronghost: ' "$f")
    [[ $line == *"Peer certificate CN=\`localhost' did not match expected CN=\`wrong.example'"* ]] &&
        ok "$L: peer_name wrong.example refused" || bad "$L: peer_name wrong.example" "$line"
    line=$(grep '^unknownca: ' "$f")
    [[ $line == *"certificate verify failed"* ]] && ok "$L: unknown CA refused: certificate verify failed" || bad "$L: unknown CA" "$line"
    line=$(grep '^fingerprint: ' "$f")
    [[ $line == "fingerprint: New, "* ]] && ok "$L: peer_fingerprint sha256 matches" || bad "$L: peer_fingerprint" "$line"
    line=$(grep '^fingerprint-bad: ' "$f")
    [[ $line == *"peer_fingerprint match failure"* ]] && ok "$L: another peer_fingerprint refused" || bad "$L: another peer_fingerprint" "$line"
}

pget() {
    local name=$1; shift
    echo "== $name: $*" >>"$WORK/curl.err"
    on_system curl -sS --max-time 5 --cacert "$CA" "$@" 2>>"$WORK/curl.err"
}
server_checks() {
    local out v vo
    for v in 1.3 1.2; do
        vo=(--tlsv1.3); [ $v = 1.2 ] && vo=(--tlsv1.2 --tls-max 1.2)
        out=$(pget "curl $v" "${vo[@]}" --resolve "localhost:$PPORT:127.0.0.1" "https://localhost:$PPORT/")
        record "server curl $v" "$out"
        [[ $out =~ ^protocol=TLSv$v\ cipher_name=[A-Z0-9_-]+\ cipher_bits=[0-9]+\ alpn_protocol=http/1.1$ ]] &&
            ok "$L: PHP server TLS $v: $out" || bad "$L: PHP server TLS $v" "$out"
        out=$(pget "curl $v client cert" "${vo[@]}" --cert "$PKI/client.pem" --key "$PKI/client.key" \
            --resolve "localhost:$PVPORT:127.0.0.1" "https://localhost:$PVPORT/")
        record "server client cert $v" "$out"
        [[ $out == "protocol=TLSv$v "*" client_cn=oxissl test client" ]] &&
            ok "$L: PHP server TLS $v: verify_peer, client certificate CN seen" || bad "$L: PHP server TLS $v client certificate" "$out"
    done
    # SNI_server_certs: PHP's servername callback moves the connection to the context made
    # for that name (SSL_set_SSL_CTX; certificate and key only, OpenSSL's default cipher
    # list). OpenSSL then takes the TLS 1.2 suites from that context's list, under the first
    # context's server preference (PHP's honor_cipher_order): ECDHE-RSA-AES256-GCM-SHA384,
    # where PHP's own list (first context) starts with the AES128 suites.
    out=$(pget "curl sni wrong.example" --resolve "wrong.example:$PSNI:127.0.0.1" -w ' verify=%{ssl_verify_result}' "https://wrong.example:$PSNI/")
    record "server sni wrong.example" "$out"
    [[ $out == "protocol=TLSv1.3 "*" verify=0" ]] &&
        ok "$L: PHP server, SNI wrong.example: SNI_server_certs gave wronghost.pem (curl verified the name)" ||
        bad "$L: PHP server, SNI_server_certs wrong.example" "$out $(tail -1 "$WORK/curl.err")"
    out=$(pget "curl sni localhost 1.2" --tlsv1.2 --tls-max 1.2 --resolve "localhost:$PSNI:127.0.0.1" "https://localhost:$PSNI/")
    record "server sni localhost 1.2" "$out"
    [[ $out == "protocol=TLSv1.2 cipher_name=ECDHE-RSA-AES256-GCM-SHA384 "* ]] &&
        ok "$L: PHP server, SNI localhost, TLS 1.2: the suite comes from the SNI context's cipher list (ECDHE-RSA-AES256-GCM-SHA384)" ||
        bad "$L: PHP server, SNI localhost, TLS 1.2: the suite comes from the SNI context's cipher list" \
            "got '$out', want ECDHE-RSA-AES256-GCM-SHA384 (OpenSSL: after SSL_set_SSL_CTX an SSL without its own cipher list negotiates from the new context's list)"
    out=$(on_system python3 - "$PSPORT" "$CA" <<'PY' 2>&1
import socket, ssl, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(b"STARTTLS\n")
f = s.makefile("rb")
print("plain:", f.readline().decode().strip())
ctx = ssl.create_default_context(cafile=sys.argv[2])
t = ctx.wrap_socket(s, server_hostname="localhost")
t.sendall(b"hello\n")
print(t.version(), t.recv(200).decode().strip())
PY
)
    record "server starttls" "$(flat "$out")"
    [[ $out == $'plain: OK\nTLSv1.3 starttls protocol=TLSv1.3 '* ]] &&
        ok "$L: PHP server, stream_socket_enable_crypto after STARTTLS: TLS 1.3" || bad "$L: PHP server STARTTLS" "$(flat "$out")"
}

for MODE in "${MODES[@]}"; do
    L="php on $(label "$MODE")"
    H=$WORK/hold-$MODE
    mkdir -p "$H"
    inmode "$MODE" "$PHP" "$WORK/client.php" "$SMAIN" "$SVER" "$PKI" "$H" "$FP" >"$WORK/client-$MODE.out" 2>&1 &
    bg=$!
    PIDS+=("$bg")
    hold_maps "$L: client" "$MODE" "$H" "$bg"
    wait "$bg"; rc=$?
    [ $rc -eq 0 ] && ok "$L: client.php exits 0" || bad "$L: client.php exits 0" "rc=$rc: $(tail -3 "$WORK/client-$MODE.out")"
    client_checks "$WORK/client-$MODE.out"
    record_lines client <"$WORK/client-$MODE.out"
    new_port PPORT; new_port PSNI; new_port PVPORT; new_port PSPORT
    launch "$MODE" "server-$MODE" "$PHP" "$WORK/server.php" "$PPORT" "$PSNI" "$PVPORT" "$PSPORT" "$WORK" "$PKI"
    if ! wait_listen "$PPORT" "$LPID" || ! wait_listen "$PSPORT" "$LPID"; then
        bad "$L: server.php starts" "$(tail -3 "$WORK/server-$MODE.log")"
        continue
    fi
    libs_line "$L: server" "$MODE" "$LPID"
    server_checks
    stop "$LPID"; wait "$BG" 2>/dev/null
    grep -v '^Terminated' "$WORK/server-$MODE.log" | record_lines "server log"
    no_trouble "$L" "$WORK/client-$MODE.out" "$WORK/server-$MODE.log"
done
compare php
lib_unchanged
finish
