#!/usr/bin/env bash
# The whole test suite: unit, database, HTTP and browser tests. Works on a fresh machine of
# our kind (Debian, Rust, PostgreSQL on 127.0.0.1:5432 with trust auth): it installs the browser
# the tests drive, waits for Postgres, and builds with the committed query data (.sqlx/).
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests need Debian's chromium and chromedriver; fonts-noto-cjk draws Chinese in
# screenshots. Installed only when missing.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
[ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The API's conformance test runs schemathesis (pinned) from a virtualenv outside the clone,
# installed from PyPI when missing.
ST_VERSION=4.32.5
ST_VENV="${SHOUHU_ST_VENV:-/var/tmp/shouhu-schemathesis}"
if ! "$ST_VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
    echo "installing schemathesis $ST_VERSION"
    python3 -m venv "$ST_VENV" 2>/dev/null || {
        SUDO=""
        [ "$(id -u)" -eq 0 ] || SUDO="sudo"
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
        python3 -m venv "$ST_VENV"
    }
    "$ST_VENV/bin/pip" install -q "schemathesis==$ST_VERSION"
fi
export SHOUHU_SCHEMATHESIS="$ST_VENV/bin/st"

# Tests create a fresh database per test through this server (the role needs CREATEDB). They
# are tracked in a database of their own, so nothing else on the server is touched.
SERVER="${TEST_DATABASE_SERVER:-postgres://postgres@127.0.0.1:5432}"
for _ in $(seq 1 30); do
    pg_isready -q -d "$SERVER/postgres" && break
    sleep 1
done
pg_isready -d "$SERVER/postgres"
psql "$SERVER/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'shouhu_tests'" | grep -q 1 \
    || psql "$SERVER/postgres" -qc "CREATE DATABASE shouhu_tests"
export DATABASE_URL="${TEST_DATABASE_URL:-$SERVER/shouhu_tests}"

# Queries are checked at compile time against .sqlx/, so the build needs no database.
export SQLX_OFFLINE=true
# A target directory outside the clone keeps repeated CI runs fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shouhu-target}"
# Formatting is part of the suite where the toolchain has rustfmt.
if cargo fmt --version >/dev/null 2>&1; then cargo fmt --check; fi
cargo test --locked --no-fail-fast
