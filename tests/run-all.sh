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
in_session() {
  xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- \
    keyctl session fedshare-tests \
    bash -c 'printf %s fedshare-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
             exec "$@"' in-session "$@"
}

step "Rust tests: the keychain crate (real Secret Service and kernel keyring)"
status=0
in_session cargo test --locked --no-fail-fast -p fedshare-credentials || status=1

step "Rust tests: everything else (Xvfb, D-Bus session, unlocked Secret Service, kernel keyring)"
in_session cargo test --workspace --locked --no-fail-fast --exclude fedshare-credentials || status=1
[ "$status" = 0 ] || { echo "Rust tests failed" >&2; exit 1; }

step "TypeScript bindings are up to date"
if ! git -C "$ROOT" diff --exit-code --stat -- ui/src/lib/bindings \
   || [ -n "$(git -C "$ROOT" status --porcelain -- ui/src/lib/bindings)" ]; then
  echo "The generated bindings in ui/src/lib/bindings differ from the Rust types: commit them." >&2
  exit 1
fi

step "all tests passed"
