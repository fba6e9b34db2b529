#!/usr/bin/env bash
# make demo: a client and a server, both on oxissl, over loopback.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
lib="$top/target/release"
work="$top/target/demo"
mkdir -p "$work"
cd "$work"
if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -days 30 -subj "/CN=oxissl demo CA" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr \
    -subj "/CN=localhost" 2>/dev/null
  printf "subjectAltName=DNS:localhost,IP:127.0.0.1\n" > ext.cnf
  openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile ext.cnf -out server.pem 2>/dev/null
fi
cc -O1 -o demo_server "$top/examples/demo_server.c" -lssl -lcrypto
cc -O1 -o demo_client "$top/examples/demo_client.c" -lssl -lcrypto
echo "libssl in use: $(LD_LIBRARY_PATH=$lib ldd ./demo_client | awk '/libssl/{print $3}')"
for v in tls1.3 tls1.2; do
  echo "== $v: client and server on oxissl"
  rm -f port
  LD_LIBRARY_PATH="$lib" ./demo_server port server.pem server.key 2 &
  srv=$!
  for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
  LD_LIBRARY_PATH="$lib" ./demo_client "$(cat port)" ca.pem "$v"
  wait "$srv"
done

# curl (Debian's, libcurl's OpenSSL backend) on oxissl against the same server on oxissl:
# two URLs in one curl run, so the second connection offers the first one's session.
with="$top/tools/with-oxissl"
echo "curl's libssl under with-oxissl: $(OXISSL_LIB="$lib" "$with" ldd "$(command -v curl)" | awk '/libssl/{print $3}')"
for v in "--tlsv1.3" "--tlsv1.2 --tls-max 1.2"; do
  echo "== curl $v: curl and server on oxissl, two fetches in one run"
  rm -f port
  LD_LIBRARY_PATH="$lib" ./demo_server port server.pem server.key 2 &
  srv=$!
  for _ in $(seq 50); do [ -s port ] && break; sleep 0.1; done
  url="https://localhost:$(cat port)/"
  # shellcheck disable=SC2086
  OXISSL_LIB="$lib" "$with" curl -sS -v $v --cacert ca.pem "$url" "$url" 2>&1 \
    | grep -E "SSL connection using|ALPN: server accepted|certificate verify|re-using session|^server:" \
    | sed 's/^\* */  curl: /; s/^server:/  body: server:/'
  wait "$srv"
done
