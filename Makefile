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

# The Windows build: mingw links x86_64-pc-windows-gnu (.cargo/config.toml), nsis builds the
# installer, wine runs the Windows CLI in the tests (fonts-dejavu-core: the PDF report's font).
WINDOWS_TARGET := x86_64-pc-windows-gnu
WINDOWS_APT_PACKAGES := wine wine64 gcc-mingw-w64-x86-64 nsis fonts-dejavu-core
TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
# Where `make windows` leaves fedshare.exe, fedshare-app.exe and the setup .exe.
WINDOWS_DIST := $(TARGET_DIR)/windows
VERSION := $(shell python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')

.PHONY: help
help:
	@echo "make app    install what is missing, build, open the desktop app on the lab organization"
	@echo "make test   install what is missing, run every test (Rust, frontend, end-to-end)"
	@echo "make cli    build the fedshare CLI (target/debug/fedshare)"
	@echo "make bench  run the performance benchmarks and print them beside their baselines"
	@echo "make deb    build the release .deb with the Tauri CLI"
	@echo "make windows  build fedshare.exe, the app and the setup .exe for Windows into $(WINDOWS_DIST)/"

# ---- set-up -------------------------------------------------------------------------------

.PHONY: deps deps-apt deps-npm deps-cargo deps-windows
deps: deps-apt deps-npm deps-cargo

# Installs the apt packages of $(1) that are missing.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing apt packages: $$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef

deps-apt:
	$(call apt_install,$(APT_PACKAGES))

deps-windows:
	$(call apt_install,$(WINDOWS_APT_PACKAGES))
	@rustup target list --installed | grep -qx $(WINDOWS_TARGET) || rustup target add $(WINDOWS_TARGET)

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

test: deps deps-windows ui-build
	bash tests/run-all.sh

# ---- extras --------------------------------------------------------------------------------

.PHONY: bench deb bindings windows
bench: deps ui-build
	bash tests/bench.sh

deb: deps ui-build
	@command -v cargo-tauri >/dev/null || cargo install tauri-cli --version ^2 --locked
	cargo tauri build --bundles deb

# The release CLI, the desktop app and the NSIS installer for Windows, in $(WINDOWS_DIST)/.
# The app is fedshare-app.exe, not Fedshare.exe: Windows file names ignore case, and
# fedshare.exe is the CLI. WebView2Loader.dll (from the webview2 crates) must sit beside the app.
windows: deps-windows ui-build
	cargo build --release --locked --target $(WINDOWS_TARGET) -p fedshare-cli -p fedshare-app
	rm -rf $(WINDOWS_DIST)
	mkdir -p $(WINDOWS_DIST)
	cp $(TARGET_DIR)/$(WINDOWS_TARGET)/release/fedshare.exe $(TARGET_DIR)/$(WINDOWS_TARGET)/release/fedshare-app.exe \
	  $(TARGET_DIR)/$(WINDOWS_TARGET)/release/WebView2Loader.dll $(WINDOWS_DIST)/
	makensis -V2 -DVERSION=$(VERSION) -DSRC=$(abspath $(WINDOWS_DIST)) -DROOT=$(CURDIR) \
	  -DOUTFILE=$(abspath $(WINDOWS_DIST))/Fedshare-$(VERSION)-setup.exe packaging/windows/fedshare.nsi
	@cd $(WINDOWS_DIST) && file fedshare.exe fedshare-app.exe Fedshare-$(VERSION)-setup.exe && ls -l

# Regenerates the TypeScript bindings after a change to a Rust type crossing IPC.
bindings:
	cargo test --workspace --lib export_bindings
