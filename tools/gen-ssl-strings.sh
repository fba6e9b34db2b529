#!/bin/sh
# Regenerates src/error/strings_table.rs from the system OpenSSL 3.0 (headers + libssl.so.3).
#
#   sh tools/gen-ssl-strings.sh [output]     (default output: src/error/strings_table.rs)
#
# Needs a C compiler and the OpenSSL development headers (libssl-dev). Set OPENSSL_INCLUDE
# (default /usr/include) to read another header tree, CC to pick the compiler.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$root/src/error/strings_table.rs"}
inc=${OPENSSL_INCLUDE:-/usr/include}
cc=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# X-macro lists of the object-like macros named NAME_PREFIX* in a header.
list() {
    sed -n "s/^#[[:space:]]*define[[:space:]]\{1,\}\($2[A-Z0-9_]*\)[[:space:]].*/X(\1)/p" "$inc/openssl/$1"
}
list sslerr.h SSL_R_ >"$work/ssl_r_list.h"
list err.h ERR_R_ >"$work/err_r_list.h"
list x509_vfy.h X509_V_ERR_ >"$work/x509_v_list.h"

for f in ssl_r_list.h err_r_list.h x509_v_list.h; do
    if [ ! -s "$work/$f" ]; then
        echo "gen-ssl-strings: no names found for $f under $inc/openssl" >&2
        exit 1
    fi
done

"$cc" -std=c99 -Wall -Wextra -O1 -I"$work" -I"$inc" -o "$work/gen" "$root/tools/gen-ssl-strings.c" -lssl -lcrypto
"$work/gen" >"$work/strings_table.rs"

if command -v rustfmt >/dev/null 2>&1; then
    rustfmt --edition 2021 "$work/strings_table.rs" || true
fi
mv "$work/strings_table.rs" "$out"
echo "gen-ssl-strings: wrote $out ($(grep -c '^    (' "$out") table rows)" >&2
