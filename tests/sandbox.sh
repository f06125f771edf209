# Sourced by tests/run-all.sh and tests/bench.sh: a hermetic home for everything the app and
# the tests write (keyring, WebKit storage, the lab), removed when the script exits.
SANDBOX=$(mktemp -d)
trap 'rm -rf "$SANDBOX"' EXIT
export XDG_DATA_HOME=$SANDBOX/data XDG_CONFIG_HOME=$SANDBOX/config \
  XDG_CACHE_HOME=$SANDBOX/cache XDG_RUNTIME_DIR=$SANDBOX/runtime
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
