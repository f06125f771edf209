# Fedshare task runner. The two Quick start commands are `make app` and `make test`; both
# install whatever is missing first, so they work on a fresh Debian 12 machine.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export CARGO_TERM_COLOR ?= never
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CARGO_BIN):$(PATH)

APT_PACKAGES := libwebkit2gtk-4.1-dev build-essential pkg-config libssl-dev libxdo-dev \
  libayatana-appindicator3-dev librsvg2-dev xvfb xauth webkit2gtk-driver dbus dbus-x11 \
  gnome-keyring libsecret-tools libdbus-1-dev keyutils knot knot-dnsutils imagemagick poppler-utils curl

.PHONY: help
help:
	@echo "make app    install what is missing, build, open the desktop app on the lab organization"
	@echo "make test   install what is missing, run every test (Rust, frontend, end-to-end)"
	@echo "make cli    build the fedshare CLI (target/debug/fedshare)"
	@echo "make bench  run the performance benchmarks and print them beside their baselines"
	@echo "make deb    build the release .deb with the Tauri CLI"

# ---- set-up -------------------------------------------------------------------------------

.PHONY: deps deps-apt deps-npm deps-cargo
deps: deps-apt deps-npm deps-cargo

deps-apt:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

deps-npm: ui/node_modules/.package-lock.json
ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	npm --prefix ui ci --no-audit --no-fund
	@touch $@

deps-cargo:
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version ^2 --locked

# ---- build ---------------------------------------------------------------------------------

.PHONY: ui-build build cli
ui-build: deps-npm
	npm --prefix ui run build

build: deps ui-build
	cargo build --workspace --bins

cli:
	cargo build -p fedshare-cli

# ---- the two Quick start commands ----------------------------------------------------------

.PHONY: app test
app: build
	./target/debug/fedshare-app

test: deps ui-build
	bash tests/run-all.sh

# ---- extras --------------------------------------------------------------------------------

.PHONY: bench deb bindings
bench: deps ui-build
	bash tests/bench.sh

deb: deps ui-build
	@command -v cargo-tauri >/dev/null || cargo install tauri-cli --version ^2 --locked
	cargo tauri build --bundles deb

# Regenerates the TypeScript bindings after a change to a Rust type crossing IPC.
bindings:
	cargo test --workspace --lib export_bindings
