#!/usr/bin/env bash
# The Windows CLI (fedshare.exe, x86_64-pc-windows-gnu) under Wine: the lab walkthrough and the
# Windows Credential Manager, through the real Windows code paths (%APPDATA%, Credential
# Manager, Windows file locks). Called by tests/run-all.sh; runs by hand too:
#
#   bash tests/windows/wine-walkthrough.sh [path/to/fedshare.exe]
#
# Default: the debug build in $CARGO_TARGET_DIR (./target)/x86_64-pc-windows-gnu/debug.
# Needs wine (Debian's wine + wine64) and x86_64-w64-mingw32-gcc (`make deps-windows`).
#
# Each run gets its own WINEPREFIX in a temp dir (removed afterwards), so nothing leaks between
# runs or into ~/.wine. Headless: the CLI opens no window; WINEDEBUG=-all keeps Wine quiet, and
# Mono/Gecko (which Wine would offer to download) are switched off.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
EXE=${1:-$TARGET/x86_64-pc-windows-gnu/debug/fedshare.exe}
WINE=${WINE:-/usr/lib/wine/wine64}
[ -x "$WINE" ] || WINE=$(command -v wine64 || command -v wine || true)

fail() { echo "wine walkthrough: FAIL: $*" >&2; exit 1; }
pass() { echo "  ok  $*"; }
[ -f "$EXE" ] || fail "$EXE is missing (build it: cargo build -p fedshare-cli --target x86_64-pc-windows-gnu)"
[ -n "$WINE" ] && [ -x "$WINE" ] || fail "wine64 is not installed (make deps-windows)"
command -v x86_64-w64-mingw32-gcc >/dev/null || fail "x86_64-w64-mingw32-gcc is missing (make deps-windows)"

TMP=$(mktemp -d)
export WINEPREFIX=$TMP/prefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
cleanup() {
  wineserver -k >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

# Wine 8 lacks ProcessPrng, which Rust's standard library imports: a test-only shim beside the
# .exe (tests/windows/bcryptprimitives.c; never shipped, see that file).
BIN=$TMP/bin
mkdir -p "$BIN" "$TMP/out"
cp "$EXE" "$BIN/fedshare.exe"
x86_64-w64-mingw32-gcc -O2 -shared -o "$BIN/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c -ladvapi32

# Windows paths of this run's files, through Wine's Z: drive (the host's /).
win_path() { printf 'Z:%s' "${1//\//\\}"; }
PLAN=$(win_path "$ROOT/examples/contoso-lab.toml")
OUT=$TMP/out

# Runs fedshare.exe with the remaining arguments; stdout+stderr in $TMP/last.txt, exit code in $rc.
run() {
  set +e
  "$WINE" "$BIN/fedshare.exe" "$@" >"$TMP/last.txt" 2>&1 </dev/null
  rc=$?
  set -e
}
expect_ok() {
  local what=$1
  shift
  run "$@"
  [ "$rc" = 0 ] || { cat "$TMP/last.txt" >&2; fail "$what: fedshare.exe $* exited $rc"; }
}
expect_in_output() {
  grep -qF -- "$1" "$TMP/last.txt" || { cat "$TMP/last.txt" >&2; fail "$2: output lacks '$1'"; }
}

echo "fedshare.exe: $EXE"
echo "wine: $("$WINE" --version 2>/dev/null || echo "$WINE"), WINEPREFIX=$WINEPREFIX"
"$WINE" wineboot --init >/dev/null 2>&1 || true
wineserver -w
# A Windows machine has fonts in C:\Windows\Fonts (the PDF report needs one); this fresh
# prefix has none, so it gets the host's DejaVu there.
FONTS=$WINEPREFIX/drive_c/windows/Fonts
mkdir -p "$FONTS"
cp /usr/share/fonts/truetype/dejavu/DejaVuSans*.ttf "$FONTS/" 2>/dev/null \
  || fail "DejaVu fonts are missing (apt package fonts-dejavu-core)"

expect_ok "--help" --help
expect_in_output "Usage: fedshare" "--help"
pass "--help exits 0"

# Fresh lab, default data folder: %APPDATA%\io.fedshare.desktop (the real Windows path).
expect_ok "lab init" lab init
APPDATA_DIR=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/io.fedshare.desktop 2>/dev/null | head -1 || true)
[ -n "$APPDATA_DIR" ] && [ -d "$APPDATA_DIR/lab" ] || fail "lab init wrote nothing under %APPDATA%\\io.fedshare.desktop"
pass "lab init (state under %APPDATA%\\io.fedshare.desktop\\lab)"

expect_ok "status" status
expect_in_output "Organization: Contoso" "status"
expect_ok "status --json" status --json
expect_in_output "contoso.com" "status --json"
pass "status names Contoso and contoso.com"

expect_ok "plan" plan "$PLAN"
expect_in_output "12 steps" "plan on a fresh lab"
pass "plan: 12 steps"

expect_ok "apply" apply "$PLAN" --yes
expect_in_output "Applied 12 steps" "apply --yes"
ls "$APPDATA_DIR"/journal/*.jsonl >/dev/null 2>&1 || fail "apply left no journal under %APPDATA%"
pass "apply --yes: 12 steps, journal under %APPDATA%"

expect_ok "verify" verify
expect_in_output " 0 failures" "verify after apply"
pass "verify: $(grep -E 'passed, ' "$TMP/last.txt" | tail -1)"

expect_ok "report html" report -o "$(win_path "$OUT/report.html")"
head -c 15 "$OUT/report.html" | grep -q '<!DOCTYPE html>' || fail "report.html is not HTML"
expect_ok "report pdf" report -o "$(win_path "$OUT/report.pdf")"
head -c 5 "$OUT/report.pdf" | grep -q '%PDF-' || fail "report.pdf is not a PDF"
pass "report -o html ($(stat -c %s "$OUT/report.html") bytes), pdf ($(stat -c %s "$OUT/report.pdf") bytes)"

expect_ok "undo" undo --yes
expect_in_output "Undid 12 steps" "undo --yes"
expect_ok "status after undo" status
expect_in_output "Federation trust: none" "status after undo"
pass "undo --yes: back to no federation trust"

# Credentials in Wine's Windows Credential Manager; the secret must land in no file.
SECRET="fedshare-wine-$RANDOM$RANDOM-secret"
set +e
printf %s "$SECRET" | "$WINE" "$BIN/fedshare.exe" credentials set --purpose exchange \
  --user 'CONTOSO\admin' >"$TMP/last.txt" 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat "$TMP/last.txt" >&2; fail "credentials set exited $rc"; }
expect_ok "credentials status" credentials status
expect_in_output "Windows Credential Manager" "credentials status"
expect_ok "credentials test" credentials test --purpose exchange
expect_in_output "is readable" "credentials test"
# wineserver writes the registry (where Wine keeps credentials) to disk when it exits.
wineserver -w
grep -q 'Credential Manager\\\\Generic: Lab/exchange' "$WINEPREFIX/user.reg" \
  || fail "the credential is not in Wine's Credential Manager (user.reg)"
secret_utf16=$(python3 -c 'import sys; print("".join(c + "\\x00" for c in sys.argv[1]))' "$SECRET")
if grep -rlaF -- "$SECRET" "$TMP" || grep -rlaP -- "$secret_utf16" "$TMP"; then
  fail "the secret is in a file the run wrote (listed above)"
fi
pass "credentials set/test (Windows Credential Manager); the secret is in no file (UTF-8 or UTF-16)"

expect_ok "credentials forget" credentials forget --purpose exchange
run credentials test --purpose exchange
[ "$rc" != 0 ] || fail "credentials test still finds the credential after forget"
expect_in_output "credentials.not_found" "credentials test after forget"
pass "credentials forget: gone (credentials.not_found)"

echo "wine walkthrough: all passed"
