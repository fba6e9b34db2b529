#!/usr/bin/env bash
# ruby.sh [--lib DIR] -- Ruby's openssl extension (Debian 12's ruby 3.1, openssl.so) as a
# TLS client and a TLS server on oxissl.
#
# Every scenario runs three times: Ruby on the system libssl (the OpenSSL 3.0 baseline: every
# expectation is checked there too), on oxissl through LD_LIBRARY_PATH (`path`) and through
# LD_PRELOAD (`preload`). The peers are always on the system libssl. Ruby's own process is
# checked through /proc/PID/maps to have the intended libssl mapped (the client waits for the
# check before it exits), and each oxissl run's observations equal the baseline's.
#
# Ruby as a client (`ruby -ropenssl -rnet/http`), against `openssl s_server -www` (RSA
# localhost certificate, -alpn http/1.1) and a second s_server requiring a client
# certificate (-Verify 1 -CAfile ca.pem); s_server's page says "New, …" or "Reused, …":
#   net-http 1.3/1.2  Net::HTTP (use_ssl, ca_file, VERIFY_PEER, min/max_version), two
#                     `start` blocks on one object: the second resumes the session Net::HTTP
#                     took in its session_new_cb -> "200 New" then "200 Reused"
#   socket 1.3/1.2    SSLSocket with SSLContext#set_params(ca_file, VERIFY_PEER,
#                     verify_hostname), hostname= (SNI and the host check), alpn_protocols
#                     h2,http/1.1 -> ssl_version, cipher, alpn "http/1.1", verify_result 0,
#                     peer subject, chain length, tmp_key type, post_connection_check; the
#                     verify_callback's (depth, preverify_ok, subject) calls; a second
#                     connection with session= -> session_reused? true, "Reused"
#   wronghost         hostname "wrong.example" -> SSLError "certificate verify failed
#                     (hostname mismatch)"
#   unknownca         ca_file ca2.pem -> "certificate verify failed (unable to get local
#                     issuer certificate)"
#   clientcert        against the -Verify 1 server: cert/key given -> s_server prints the
#                     client certificate's subject; none, TLS 1.3 -> the read fails with the
#                     server's "certificate required" alert; none, TLS 1.2 -> connect fails
#                     with its "handshake failure" alert
# Ruby as a server (OpenSSL::SSL::SSLServer: RSA and ECDSA certificates with add_certificate,
# optional client certificate (VERIFY_PEER + ca_file), session_id_context, alpn_select_cb,
# servername_cb; each reply names ssl_version, cipher, alpn, SNI, session_reused?, the key
# type of the certificate it used and the client's subject), fetched by curl on the system
# libssl:
#   TLS 1.3 / 1.2 with h2,http/1.1 offered -> alpn=http/1.1 sni=localhost; two URLs in one
#   curl run (Connection: close) -> reused=false then reused=true; TLS 1.2 with only
#   ECDHE-RSA or only ECDHE-ECDSA suites -> the RSA, the ECDSA certificate; a client
#   certificate -> its subject and verify_result 0; `openssl s_client -brief` with
#   -sigalgs RSA-PSS+SHA256 (TLS 1.3) -> the RSA certificate
#
# If ruby is missing it is installed (apt-get). KEEP=1 keeps the work directory. About 10 s.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/lib.sh"
. "$HERE/lib-modes.bash"

need_packages ruby:/usr/bin/ruby
RUBY=$(readlink -f /usr/bin/ruby)
for p in openssl curl python3; do command -v $p >/dev/null || { echo "$p is needed" >&2; exit 2; }; done
RUBY_SSL=$(on_system "$RUBY" -ropenssl -e 'puts $LOADED_FEATURES.grep(/\/openssl\.so$/).first')
echo "ruby: $RUBY ($(on_system "$RUBY" -e 'print RUBY_VERSION')), openssl extension $RUBY_SSL"
CA=$PKI/ca.pem

# ---------------------------------------------------------------- Ruby programs
cat >"$WORK/client.rb" <<'RUBY'
require "openssl"
require "net/http"
require "socket"
$stdout.sync = true
main_port, verify_port, pki, hold = ARGV
CA = "#{pki}/ca.pem"
def www(body) = body.to_s[/^(New|Reused), TLSv[0-9.]+, Cipher is \S+/] || "no New/Reused line"
def norm(msg) = msg.to_s.gsub(/peeraddr=\S+/, "peeraddr=ADDR")
def vsym(v) = v == "1.3" ? :TLS1_3 : :TLS1_2

# net-http
%w[1.3 1.2].each do |v|
  http = Net::HTTP.new("localhost", main_port)
  http.use_ssl = true
  http.ca_file = CA
  http.verify_mode = OpenSSL::SSL::VERIFY_PEER
  http.min_version = http.max_version = vsym(v)
  res = 2.times.map { http.start { |h| r = h.get("/"); "#{r.code} #{www(r.body)}" } }
  puts "net-http #{v}: #{res.join(' | ')}"
rescue => e
  puts "net-http #{v}: #{e.class}: #{norm(e.message)}"
end

# connect PORT, HOSTNAME, CTX-PARAMS -> the SSLSocket after a GET (body in @body)
def connect(port, host, params, session: nil, alpn: nil, cb: nil)
  ctx = OpenSSL::SSL::SSLContext.new
  ctx.set_params(params)
  ctx.alpn_protocols = alpn if alpn
  ctx.verify_callback = cb if cb
  tcp = TCPSocket.new("127.0.0.1", port)
  ssl = OpenSSL::SSL::SSLSocket.new(tcp, ctx)
  ssl.hostname = host
  ssl.sync_close = true
  ssl.session = session if session
  ssl.connect
  ssl.write("GET / HTTP/1.0\r\n\r\n")
  body = ssl.read
  ssl.instance_variable_set(:@body, body)
  ssl
end

%w[1.3 1.2].each do |v|
  calls = []
  cb = ->(ok, store) { c = store.current_cert; calls << "#{store.error_depth}:#{ok}:#{c.subject}"; ok }
  params = { ca_file: CA, verify_mode: OpenSSL::SSL::VERIFY_PEER, verify_hostname: true,
             min_version: vsym(v), max_version: vsym(v) }
  s1 = connect(main_port, "localhost", params, alpn: %w[h2 http/1.1], cb: cb)
  c = s1.cipher
  puts "socket #{v}: version=#{s1.ssl_version} cipher=#{c[0]} #{c[1]} #{c[2]} alpn=#{s1.alpn_protocol.inspect} " \
       "verify_result=#{s1.verify_result} peer=#{s1.peer_cert.subject} chain=#{s1.peer_cert_chain.size} " \
       "tmp_key=#{s1.tmp_key&.oid} reused=#{s1.session_reused?} page=#{www(s1.instance_variable_get(:@body))}"
  puts "socket #{v}: verify_callback #{calls.uniq.join(', ')}"
  puts "socket #{v}: post_connection_check(localhost)=#{s1.post_connection_check('localhost')}"
  begin
    s1.post_connection_check("wrong.example")
    puts "socket #{v}: post_connection_check(wrong.example) passed"
  rescue OpenSSL::SSL::SSLError => e
    puts "socket #{v}: post_connection_check(wrong.example): #{e.message}"
  end
  sess = s1.session
  s1.close
  s2 = connect(main_port, "localhost", params, session: sess)
  puts "socket #{v}: second connection with session=: reused=#{s2.session_reused?} version=#{s2.ssl_version} " \
       "page=#{www(s2.instance_variable_get(:@body))}"
  s2.close
rescue => e
  puts "socket #{v}: #{e.class}: #{norm(e.message)}"
end

[["wronghost", "wrong.example", CA], ["unknownca", "localhost", "#{pki}/ca2.pem"]].each do |name, host, ca|
  connect(main_port, host, { ca_file: ca, verify_mode: OpenSSL::SSL::VERIFY_PEER, verify_hostname: true })
  puts "#{name}: connected (should have failed)"
rescue => e
  puts "#{name}: #{e.class}: #{norm(e.message)}"
end

%w[1.3 1.2].each do |v|
  params = { ca_file: CA, verify_mode: OpenSSL::SSL::VERIFY_PEER, min_version: vsym(v), max_version: vsym(v) }
  cp = params.merge(cert: OpenSSL::X509::Certificate.new(File.read("#{pki}/client.pem")),
                    key: OpenSSL::PKey.read(File.read("#{pki}/client.key")))
  begin
    s = connect(verify_port, "localhost", cp)
    body = s.instance_variable_get(:@body).to_s
    puts "clientcert #{v}: with a certificate: #{www(body)} #{body[/Subject: .*client/] || 'no client certificate shown'}"
    s.close
  rescue => e
    puts "clientcert #{v}: with a certificate: #{e.class}: #{norm(e.message)}"
  end
  begin
    s = connect(verify_port, "localhost", params)
    puts "clientcert #{v}: without: #{www(s.instance_variable_get(:@body))}"
  rescue => e
    puts "clientcert #{v}: without: #{e.class}: #{norm(e.message)}"
  end
end

if hold
  File.write("#{hold}/pid", Process.pid.to_s)
  200.times { break if File.exist?("#{hold}/go"); sleep 0.1 }
end
RUBY

cat >"$WORK/server.rb" <<'RUBY'
require "openssl"
require "socket"
$stdout.sync = true
port, PKI = ARGV
def load(n) = [OpenSSL::X509::Certificate.new(File.read("#{PKI}/#{n}.pem")), OpenSSL::PKey.read(File.read("#{PKI}/#{n}.key"))]
ctx = OpenSSL::SSL::SSLContext.new
ctx.add_certificate(*load("server-rsa"))
ctx.add_certificate(*load("server-p256"))
ctx.ca_file = "#{PKI}/ca.pem"
ctx.verify_mode = OpenSSL::SSL::VERIFY_PEER
ctx.session_id_context = "ruby.sh"
ctx.alpn_select_cb = ->(protos) { protos.include?("http/1.1") ? "http/1.1" : protos.first }
ctx.servername_cb = ->((sock, name)) { sock.instance_variable_set(:@sni, name); nil }
srv = OpenSSL::SSL::SSLServer.new(TCPServer.new("127.0.0.1", port), ctx)
def norm(msg) = msg.to_s.gsub(/peeraddr=\S+/, "peeraddr=ADDR")
loop do
  begin
    ssl = srv.accept
  rescue OpenSSL::SSL::SSLError, SystemCallError => e
    puts "accept: #{e.class}: #{norm(e.message)}"
    next
  end
  begin
    while (l = ssl.gets) && l != "\r\n"; end
    c = ssl.cert
    body = "#{ssl.ssl_version} #{ssl.cipher[0]} alpn=#{ssl.alpn_protocol || '-'} " \
           "sni=#{ssl.instance_variable_get(:@sni) || '-'} reused=#{ssl.session_reused?} " \
           "cert=#{c ? c.public_key.class.name.split('::').last : '-'} " \
           "client=#{ssl.peer_cert ? ssl.peer_cert.subject.to_s : '-'} verify_result=#{ssl.verify_result}\n"
    ssl.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: #{body.bytesize}\r\nConnection: close\r\n\r\n#{body}")
    puts "served: #{body}"
    ssl.close
  rescue => e
    puts "connection: #{e.class}: #{norm(e.message)}"
    ssl.close rescue nil
  end
end
RUBY

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
        line=$(grep "^net-http $v: " "$f")
        [[ $line == "net-http $v: 200 New, TLSv$v, Cipher is "*" | 200 Reused, TLSv$v, Cipher is "* ]] &&
            ok "$L: Net::HTTP TLS $v, two start blocks: New then Reused" || bad "$L: Net::HTTP TLS $v resumption" "$line"
        line=$(grep "^socket $v: version=" "$f")
        [[ $line =~ version=TLSv$v\ cipher=.*alpn=\"http/1.1\"\ verify_result=0\ peer=/O=oxissl\ test/CN=localhost\ chain=1\ .*reused=false\ page=New ]] &&
            ok "$L: SSLSocket TLS $v: verified, ALPN http/1.1, $(sed -E 's/.*(cipher=[^ ]+).*/\1/' <<<"$line")" || bad "$L: SSLSocket TLS $v" "$line"
        line=$(grep "^socket $v: verify_callback" "$f")
        [[ $line == *"1:true:/O=oxissl test/CN=oxissl test root CA, 0:true:/O=oxissl test/CN=localhost" ]] &&
            ok "$L: SSLSocket TLS $v: verify_callback called for depth 1 and 0" || bad "$L: SSLSocket TLS $v verify_callback" "$line"
        grep -qx "socket $v: post_connection_check(localhost)=true" "$f" &&
            grep -q "^socket $v: post_connection_check(wrong.example): hostname \"wrong.example\" does not match" "$f" &&
            ok "$L: SSLSocket TLS $v: post_connection_check" || bad "$L: SSLSocket TLS $v post_connection_check" "$(flat "$(grep "^socket $v: post" "$f")")"
        line=$(grep "^socket $v: second" "$f")
        [[ $line == *"reused=true version=TLSv$v page=Reused, TLSv$v"* ]] &&
            ok "$L: SSLSocket TLS $v: session= resumes (session_reused? true, s_server: Reused)" || bad "$L: SSLSocket TLS $v session reuse" "$line"
        line=$(grep "^clientcert $v: with a" "$f")
        [[ $line == *"New, TLSv$v"*"Subject: O=oxissl test, CN=oxissl test client" ]] &&
            ok "$L: client certificate TLS $v: s_server saw it" || bad "$L: client certificate TLS $v" "$line"
        line=$(grep "^clientcert $v: without" "$f")
        [[ $line == *SSLError*alert* ]] && ok "$L: no client certificate TLS $v: ${line#*: without: }" ||
            bad "$L: no client certificate TLS $v fails with the server's alert" "$line"
    done
    line=$(grep '^wronghost: ' "$f")
    [[ $line == *"certificate verify failed (hostname mismatch)"* ]] && ok "$L: wrong host name: hostname mismatch" || bad "$L: wrong host name" "$line"
    line=$(grep '^unknownca: ' "$f")
    [[ $line == *"certificate verify failed (unable to get local issuer certificate)"* ]] && ok "$L: unknown CA: unable to get local issuer certificate" ||
        bad "$L: unknown CA" "$line"
}

# rget NAME curl-args…: one fetch from the Ruby server by curl on the system libssl
rget() {
    local name=$1; shift
    echo "== $name: $*" >>"$WORK/curl.err"
    on_system curl -sS --max-time 5 --cacert "$CA" --resolve "localhost:$RPORT:127.0.0.1" "$@" 2>>"$WORK/curl.err"
}
server_checks() {
    local out u="https://localhost:$RPORT/" v vo
    for v in 1.3 1.2; do
        vo=(--tlsv1.3); [ $v = 1.2 ] && vo=(--tlsv1.2 --tls-max 1.2)
        out=$(rget "resume $v" "${vo[@]}" -H 'Connection: close' "$u" "$u")
        record "server resume $v" "$(flat "$out")"
        [[ $out =~ ^TLSv$v\ [A-Z0-9_-]+\ alpn=http/1.1\ sni=localhost\ reused=false\ cert=EC\ client=-\ verify_result=0$'\n'TLSv$v\ [A-Z0-9_-]+\ alpn=http/1.1\ sni=localhost\ reused=true\  ]] &&
            ok "$L: Ruby server TLS $v: ALPN http/1.1, SNI, ECDSA certificate, two URLs: reused=false then true" ||
            bad "$L: Ruby server TLS $v, resumption" "$(flat "$out")"
        out=$(rget "cert $v" "${vo[@]}" --cert "$PKI/client.pem" --key "$PKI/client.key" "$u")
        record "server clientcert $v" "$out"
        [[ $out == *"client=/O=oxissl test/CN=oxissl test client verify_result=0" ]] &&
            ok "$L: Ruby server TLS $v: client certificate verified" || bad "$L: Ruby server TLS $v client certificate" "$out"
    done
    local c want
    for c in ECDHE-RSA-AES128-GCM-SHA256:RSA ECDHE-ECDSA-AES128-GCM-SHA256:EC; do
        want=${c#*:}
        out=$(rget "cipher ${c%:*}" --tlsv1.2 --tls-max 1.2 --ciphers "${c%:*}" "$u")
        record "server cipher ${c%:*}" "$out"
        [[ $out == "TLSv1.2 ${c%:*} "*"cert=$want "* ]] && ok "$L: Ruby server TLS 1.2 ${c%:*}: the $want certificate" ||
            bad "$L: Ruby server TLS 1.2 ${c%:*}" "$out"
    done
    out=$(echo | on_system timeout 5 openssl s_client -connect "127.0.0.1:$RPORT" -servername localhost -CAfile "$CA" \
        -verify_return_error -brief -tls1_3 -sigalgs RSA-PSS+SHA256 2>&1 |
        grep -E '^(Protocol version|Peer certificate|Signature type|Verification):')
    record "server s_client rsa-pss" "$(flat "$out")"
    [[ $out == *"Peer certificate: O = oxissl test, CN = localhost"*"Signature type: RSA-PSS"*"Verification: OK"* ]] &&
        ok "$L: Ruby server, s_client -sigalgs RSA-PSS+SHA256: the RSA certificate" || bad "$L: Ruby server, s_client RSA-PSS" "$(flat "$out")"
}

for MODE in "${MODES[@]}"; do
    L="ruby on $(label "$MODE")"
    # ---- client
    H=$WORK/hold-$MODE
    mkdir -p "$H"
    inmode "$MODE" "$RUBY" "$WORK/client.rb" "$SMAIN" "$SVER" "$PKI" "$H" >"$WORK/client-$MODE.out" 2>&1 &
    bg=$!
    PIDS+=("$bg")
    hold_maps "$L: client" "$MODE" "$H" "$bg"
    wait "$bg"; rc=$?
    [ $rc -eq 0 ] && ok "$L: client.rb exits 0" || bad "$L: client.rb exits 0" "rc=$rc: $(tail -3 "$WORK/client-$MODE.out")"
    client_checks "$WORK/client-$MODE.out"
    # the whole transcript is compared (peer addresses are normalized by client.rb)
    record_lines client <"$WORK/client-$MODE.out"
    # ---- server
    new_port RPORT
    launch "$MODE" "server-$MODE" "$RUBY" "$WORK/server.rb" "$RPORT" "$PKI"
    if ! wait_listen "$RPORT" "$LPID"; then
        bad "$L: server.rb starts" "$(tail -3 "$WORK/server-$MODE.log")"
        continue
    fi
    libs_line "$L: server" "$MODE" "$LPID"
    server_checks
    stop "$LPID"; wait "$BG" 2>/dev/null
    grep -v "^Terminated" "$WORK/server-$MODE.log" | record_lines "server log"
    no_trouble "$L" "$WORK/client-$MODE.out" "$WORK/server-$MODE.log"
done
compare ruby
lib_unchanged
finish
