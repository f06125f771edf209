#!/usr/bin/env bash
# The whole test suite: quality gates, Rust tests (with a real keychain, DNS server and
# window), the frontend's checks, and the end-to-end test. Called by `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (deny warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "frontend: type check, lint, unit tests, build"
npm --prefix ui run ci

# shellcheck source=tests/sandbox.sh
source tests/sandbox.sh

step "the engine stays free of the desktop stack"
cargo build --workspace --bins --locked
for crate in $(cargo metadata --no-deps --format-version 1 --locked \
    | python3 -c 'import json,sys; print(" ".join(p["name"] for p in json.load(sys.stdin)["packages"] if p["name"] != "fedshare-app"))'); do
  if cargo tree --locked -p "$crate" -e normal,build | grep -Eiq '^[^a-z]*(tauri|wry|webkit|gtk)'; then
    echo "$crate depends on the desktop stack (tauri/wry/webkit/gtk):" >&2
    cargo tree --locked -p "$crate" -e normal,build -i tauri >&2 || true
    exit 1
  fi
done
if ldd target/debug/fedshare | grep -Eiq 'webkit|gtk|javascriptcore'; then
  echo "the fedshare CLI links WebKit or GTK:" >&2
  ldd target/debug/fedshare >&2
  exit 1
fi
echo "engine crates and the CLI: no tauri, wry, webkit or gtk"

# Each group gets its own D-Bus session, unlocked gnome-keyring and kernel session keyring:
# the keychain crate's own tests lock and probe keyrings, and must not share a daemon with
# the rest of the suite.
# A hung test must fail the run with its name on screen, not eat the CI budget: each group
# gets a generous cap (a normal run takes a few minutes), then SIGKILL if SIGTERM is ignored.
GROUP_CAP=${FEDSHARE_TEST_GROUP_CAP:-1800}
# The previous group's keyring daemon dies with its D-Bus session but can leave its control
# socket in the shared runtime directory; a new daemon then cannot take that path and the
# keyring stays locked (seen once: "couldn't connect to control socket … Connection refused").
# Each group starts from no keyring socket.
in_session() {
  timeout -k 30 "$GROUP_CAP" xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- \
    keyctl session fedshare-tests \
    bash -c 'rm -rf "$XDG_RUNTIME_DIR/keyring"
             printf %s fedshare-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
             exec "$@"' in-session "$@"
}

step "Rust tests: the keychain crate (real Secret Service and kernel keyring)"
status=0
# Keeps the first failure's exit status, so a hang is reported as one.
record() { [ "$status" != 0 ] || status=$1; }
in_session cargo test --locked --no-fail-fast -p fedshare-credentials || record $?

step "Rust tests: everything else (Xvfb, D-Bus session, unlocked Secret Service, kernel keyring)"
in_session cargo test --workspace --locked --no-fail-fast --exclude fedshare-credentials || record $?
case $status in
  0) ;;
  124|137) echo "Rust tests hung: a group ran past ${GROUP_CAP} s (the test still running is named above)" >&2; exit 1 ;;
  *) echo "Rust tests failed" >&2; exit 1 ;;
esac

# Windows: every Windows-only path (Credential Manager, %APPDATA%, CREATE_NO_WINDOW, file locks)
# must keep compiling, and the Windows CLI must keep working. The release app and installer are
# `make windows`; here a check of everything and a debug CLI run under Wine (tests/windows/).
WINDOWS_TARGET=x86_64-pc-windows-gnu
step "Windows: cargo check of the whole workspace with the app, all targets ($WINDOWS_TARGET)"
cargo check --workspace --all-targets --locked --target "$WINDOWS_TARGET"

step "Windows: debug build of the fedshare CLI ($WINDOWS_TARGET)"
cargo build --locked -p fedshare-cli --target "$WINDOWS_TARGET"

step "Windows: fedshare.exe under Wine (lab walkthrough, Windows Credential Manager)"
timeout -k 30 600 bash tests/windows/wine-walkthrough.sh

step "TypeScript bindings are up to date"
if ! git -C "$ROOT" diff --exit-code --stat -- ui/src/lib/bindings \
   || [ -n "$(git -C "$ROOT" status --porcelain -- ui/src/lib/bindings)" ]; then
  echo "The generated bindings in ui/src/lib/bindings differ from the Rust types: commit them." >&2
  exit 1
fi

step "all tests passed"
