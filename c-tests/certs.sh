#!/usr/bin/env bash
# certs.sh OUTDIR -- generate the test PKI used by the oxissl C test suite.
#
# Always uses the system `openssl` command with the system libssl/libcrypto
# (LD_LIBRARY_PATH / LD_PRELOAD are stripped).  Idempotent: if OUTDIR/done
# exists nothing is done.  Keys are fresh on every generation; file NAMES are
# fixed (the tests refer to them):
#
#   ca.pem ca.key                 root CA, RSA-2048, "/O=oxissl test/CN=oxissl test root CA"
#   int.pem int.key               intermediate CA (RSA-2048) signed by root
#   server-rsa.pem/.key           localhost (DNS:localhost, IP:127.0.0.1), RSA-2048, signed by root
#   server-p256.pem/.key          same, ECDSA P-256
#   server-p384.pem/.key          same, ECDSA P-384
#   server-ed25519.pem/.key       same, Ed25519
#   server-int.pem/.key           localhost leaf (P-256) signed by the intermediate;
#   server-int-chain.pem          leaf followed by the intermediate
#   expired.pem/.key              localhost, RSA, validity 2020-01-01 .. 2021-01-01 (openssl ca)
#   wronghost.pem/.key            DNS:wrong.example, RSA, signed by root
#   ca2.pem ca2.key               second ("unknown") root CA
#   unknownca.pem/.key            localhost, RSA, signed by ca2
#   client.pem/.key               client cert "/O=oxissl test/CN=oxissl test client", P-256, signed by root
#   server-rsa-enc.key            server-rsa.key encrypted with PEM password "secret"
#   empty.pem                     an empty file
#   garbage.pem                   a file that is not PEM
set -euo pipefail

OUT=${1:?usage: certs.sh OUTDIR}
mkdir -p "$OUT"
if [ -e "$OUT/done" ]; then
    exit 0
fi

# Run the system openssl with a clean loader environment.
OSSL() { env -u LD_LIBRARY_PATH -u LD_PRELOAD -u OPENSSL_CONF openssl "$@"; }

cd "$OUT"
OUT=$(pwd)
rm -rf ca-db

# Minimal config so that `openssl req` does not depend on the system one.
cat > req.cnf <<'EOF'
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_int ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_wronghost ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_client ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF

genkey() { # name type
    case "$2" in
        rsa)     OSSL genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1.key" 2>/dev/null ;;
        p256)    OSSL genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" ;;
        p384)    OSSL genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$1.key" ;;
        ed25519) OSSL genpkey -algorithm ED25519 -out "$1.key" ;;
    esac
}

selfsigned() { # name subject
    OSSL req -config req.cnf -new -x509 -key "$1.key" -subj "$2" -days 3650 \
        -sha256 -extensions v3_ca -out "$1.pem"
}

sign() { # name subject issuer extsection
    OSSL req -config req.cnf -new -key "$1.key" -subj "$2" -out "$1.csr"
    OSSL x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial \
        -days 3650 -sha256 -extfile req.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
    rm -f "$1.csr"
}

# Root CA and intermediate
genkey ca rsa
selfsigned ca "/O=oxissl test/CN=oxissl test root CA"
genkey int rsa
sign int "/O=oxissl test/CN=oxissl test intermediate CA" ca v3_int

# Server certs for localhost, one per key type, signed by the root
for t in rsa p256 p384 ed25519; do
    genkey "server-$t" "$t"
    sign "server-$t" "/O=oxissl test/CN=localhost" ca v3_server
done

# Leaf signed by the intermediate, plus chain file
genkey server-int p256
sign server-int "/O=oxissl test/CN=localhost" int v3_server
cat server-int.pem int.pem > server-int-chain.pem

# Wrong host name
genkey wronghost rsa
sign wronghost "/O=oxissl test/CN=wrong.example" ca v3_wronghost

# Second, unknown CA and a localhost cert signed by it
genkey ca2 rsa
selfsigned ca2 "/O=oxissl other/CN=oxissl unknown CA"
genkey unknownca rsa
sign unknownca "/O=oxissl test/CN=localhost" ca2 v3_server

# Client certificate (P-256)
genkey client p256
sign client "/O=oxissl test/CN=oxissl test client" ca v3_client

# Expired certificate via `openssl ca` with explicit dates in the past
mkdir -p ca-db/newcerts
: > ca-db/index.txt
echo 1000 > ca-db/serial
cat > ca.cnf <<EOF
[ ca ]
default_ca = testca
[ testca ]
dir = $OUT/ca-db
database = \$dir/index.txt
serial = \$dir/serial
new_certs_dir = \$dir/newcerts
certificate = $OUT/ca.pem
private_key = $OUT/ca.key
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
x509_extensions = v3_server
[ policy_any ]
organizationName = optional
commonName = supplied
[ v3_server ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
genkey expired rsa
OSSL req -config req.cnf -new -key expired.key -subj "/O=oxissl test/CN=localhost" -out expired.csr
OSSL ca -config ca.cnf -batch -notext -startdate 20200101000000Z -enddate 20210101000000Z \
    -in expired.csr -out expired.pem 2>/dev/null
rm -f expired.csr

# Encrypted variant of the RSA server key (password "secret")
OSSL pkey -in server-rsa.key -aes256 -passout pass:secret -out server-rsa-enc.key

: > empty.pem
printf 'this is not a PEM file\n' > garbage.pem

# Sanity: every leaf verifies (except the deliberate failures)
for c in server-rsa server-p256 server-p384 server-ed25519 wronghost client; do
    OSSL verify -CAfile ca.pem "$c.pem" >/dev/null
done
OSSL verify -CAfile ca.pem -untrusted int.pem server-int.pem >/dev/null
OSSL verify -CAfile ca2.pem unknownca.pem >/dev/null

touch done
