# oxissl — see README.md.
#   make        build target/release/libssl.so.3 and include/openssl/ssl.h
#   make test   cargo tests + differential C tests (system libssl vs oxissl) + valgrind
#   make demo   a client and a server on oxissl over loopback

CARGO   ?= cargo
CC      ?= gcc
OUT     := target/release
LIB     := $(OUT)/libssl.so.3
STATIC  := $(OUT)/liboxissl.a
MAP     := target/oxissl.map
EXPORTS := data/libssl3-exports.txt
# Our own code's memcpy (src/memcpy.rs: large copies avoid rep movsb's 4K-aliasing
# slowdown on AMD); x86-64 only.
, := ,
MEMCPY  := $(if $(filter x86_64,$(shell uname -m)),-Wl$(,)--defsym=memcpy=oxissl_memcpy)


.PHONY: bench lockstats-lib
.PHONY: race-test
.PHONY: all lib lint test cargo-test c-test c-test-our-header c-test-valgrind header-check exports-check openssl-cmd-test programs-test programs-test-core demo clean deps install uninstall deb package-test

all: lib

$(MAP): $(EXPORTS)
	@mkdir -p target
	@{ echo "OPENSSL_3.0.0 {"; echo "  global:"; sed 's/.*/    &;/' $(EXPORTS); echo "  local: *;"; echo "};"; } > $@

# cargo builds the Rust code (and generates include/openssl/ssl.h); the shared object is
# linked here so that it gets our own version script (OPENSSL_3.0.0) and SONAME.
# $(call link,SHARED-OBJECT,STATIC-ARCHIVE,VERSION-SCRIPT)
link = $(CC) -shared -o $(1) -Wl,-soname,libssl.so.3 -Wl,--version-script=$(3) \
  -Wl,--gc-sections -Wl,-z,defs -Wl,-z,now $(MEMCPY) \
  -Wl,--whole-archive $(2) -Wl,--no-whole-archive -lcrypto -lpthread -ldl -lm -lgcc_s

lib: $(MAP)
	$(CARGO) build --release
	$(call link,$(LIB),$(STATIC),$(MAP))
	ln -sf libssl.so.3 $(OUT)/libssl.so
	./tools/oxissl-check --write-stub-list $(OUT)/oxissl-unsupported.txt

# make bench's lock figures: the library built with the lock-stats feature (src/sync.rs
# counts the acquisitions of locks shared between connections), which also exports
# oxissl_lock_stats. Never installed; the library above is built without it.
LS_OUT := target/lockstats/release
lockstats-lib: $(MAP)
	$(CARGO) build --release --features lock-stats --target-dir target/lockstats
	sed 's/^  global:$$/  global:\n    oxissl_lock_stats;/' $(MAP) > target/lockstats/oxissl.map
	$(call link,$(LS_OUT)/libssl.so.3,$(LS_OUT)/liboxissl.a,target/lockstats/oxissl.map)

deps:
	@./tools/install-deps.sh

# The hardening checks (README, Hardening) come last: the misuse sweep, the race test under
# ThreadSanitizer (one run), every fuzz target for 30 s, and the 60 s soak.
test: deps lib lint cargo-test c-test c-test-our-header c-test-valgrind header-check exports-check openssl-cmd-test programs-test-core package-test misuse-sweep race-test fuzz-smoke soak-short

# Formatting (rustfmt.toml) and clippy with every warning an error; the lint levels the
# crate adds to clippy's defaults are in Cargo.toml ([lints]).
lint:
	$(CARGO) fmt --check
	$(CARGO) clippy --all-targets --release -- -D warnings

cargo-test:
	$(CARGO) test --release

c-test: lib
	./c-tests/run.sh --lib $(OUT)

c-test-our-header: lib
	./c-tests/run.sh --lib $(OUT) --our-header

c-test-valgrind: lib
	./c-tests/run.sh --lib $(OUT) --valgrind

header-check: lib
	./tools/check-header.sh

# Every function of data/libssl3-exports.txt is exported; the unimplemented ones fail cleanly.
exports-check: lib
	./tools/check-exports.sh

# The system `openssl` command (s_client, s_server, ciphers) on oxissl against the system
# libssl over loopback.
openssl-cmd-test: lib
	./tools/test-openssl-cmd.sh --lib $(OUT)

# Real programs on oxissl, each through LD_LIBRARY_PATH and LD_PRELOAD against the same
# program on the system libssl: curl, Python's ssl module, nginx, and the user tools
# (with-oxissl, oxissl-check). Each script installs the Debian packages it needs.
# programs-test runs all of them; make test runs all but the four whose packages and runs
# cost the most (MariaDB, Dovecot, OpenVPN, Mosquitto: about 3.5 minutes on a fresh machine),
# to keep CI under 30 minutes.
PROGRAMS := $(filter-out tests/programs/lib.sh,$(wildcard tests/programs/*.sh))
PROGRAMS_IN_TEST := $(filter-out $(addprefix tests/programs/,mariadb.sh dovecot.sh openvpn.sh mosquitto.sh),$(PROGRAMS))
programs-test: lib
	@fail=0; for t in $(PROGRAMS); do $$t --lib $(OUT) || fail=1; done; exit $$fail

programs-test-core: lib
	@fail=0; for t in $(PROGRAMS_IN_TEST); do $$t --lib $(OUT) || fail=1; done; exit $$fail

# Installing (README, Install): make install [PREFIX=/usr/local] [DESTDIR=...] [LIBDIR=PREFIX/lib]
# puts the library in the private LIBDIR/oxissl (never on the loader's search path), the
# commands in PREFIX/bin, the header in PREFIX/include/oxissl, oxissl.pc in LIBDIR/pkgconfig
# and the manual pages in PREFIX/share/man/man1 (packaging/install.sh); make uninstall
# removes what it installed. Both use the library `make` built (run make first).
# make deb: target/deb/oxissl_VERSION_ARCH.deb, the same layout under /usr
# (packaging/build-deb.sh, needs dpkg-dev).
PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
DESTDIR ?=
install:
	@if [ ! -f $(LIB) ] || [ ! -f $(OUT)/oxissl-unsupported.txt ] || [ ! -f include/openssl/ssl.h ]; then $(MAKE) lib; fi
	./packaging/install.sh install --destdir "$(DESTDIR)" --prefix "$(PREFIX)" --libdir "$(LIBDIR)"

uninstall:
	./packaging/install.sh uninstall --destdir "$(DESTDIR)" --prefix "$(PREFIX)" --libdir "$(LIBDIR)"

deb: lib
	./packaging/build-deb.sh

# The package and the installed commands (tests/install/run.sh): make deb, lintian, the .deb
# installed into a scratch root and removed, make install/uninstall, pkg-config, with-oxissl
# curl, oxissl-enable/-disable/-status on an nginx unit, the refusals.
package-test: lib
	./tests/install/run.sh

# tests/races.rs under ThreadSanitizer: shared contexts, concurrent handshakes and
# reconfiguration; any data race report in oxissl fails. make race-test RACE_RUNS=5: more runs.
RACE_RUNS ?= 1
race-test:
	./tools/race-test.sh $(RACE_RUNS)

demo: deps lib
	./examples/demo.sh

bench: lib lockstats-lib
	./bench/run.sh

# nginx on oxissl against nginx on the system libssl (bench/nginx.sh): the server worker's CPU
# time per full handshake, resumed handshake and keep-alive request, and its RSS per idle TLS
# connection at 10,000 connections. About 6 minutes; not part of make bench.
.PHONY: bench-nginx
bench-nginx: lib
	./bench/nginx.sh

# API-misuse sweep (tools/misuse/README.md): every function of libssl.so.3 with NULL and
# extreme arguments, the system libssl (forked calls) against oxissl (one process under
# valgrind); differences must be named in tools/misuse/known-differences.txt.
.PHONY: misuse-sweep
misuse-sweep: lib
	./tools/misuse/run.sh --lib $(OUT)

# The soak (tools/soak/soak.sh): nginx (2 workers) on the system libssl, then on oxissl, under
# a mixed load from tools/soak/load.py (full and resumed handshakes at TLS 1.2 and 1.3,
# keep-alive, client certificates, slow, vanishing, garbage and malformed clients); worker
# crashes, RSS after warm-up, requests answered, error-log classes. Table in
# target/soak/summary.txt. soak: 600 s per library (~22 min); soak-short: 60 s (~3 min).
.PHONY: soak soak-short
soak: lib
	./tools/soak/soak.sh --lib $(OUT) --seconds 600

soak-short: lib
	./tools/soak/soak.sh --lib $(OUT) --seconds 60

# Coverage-guided fuzzing of the C ABI under AddressSanitizer (fuzz/README.md):
# make fuzz TARGET=server SECONDS=600 (one target; corpus in target/fuzz-corpus/TARGET),
# make fuzz-smoke (build, saved reproducers, every target 30 s; fails on any finding).
TARGET  ?= server
SECONDS ?= 300
.PHONY: fuzz fuzz-smoke
fuzz:
	./tools/fuzz.sh run $(TARGET) $(SECONDS)

fuzz-smoke:
	./tools/fuzz.sh smoke 30

clean:
	$(CARGO) clean
