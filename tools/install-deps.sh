#!/usr/bin/env bash
# Installs the Debian packages the tests and demo need, if missing (fresh Debian 12).
set -euo pipefail
need=()
for pkg in valgrind gcc make openssl libssl-dev python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}"
fi
