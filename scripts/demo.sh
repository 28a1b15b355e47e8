#!/usr/bin/env bash
# Run Shouhu with demo data on http://127.0.0.1:8080 (creates the database `shouhu` if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
export SQLX_OFFLINE=true
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shouhu-target}"
exec cargo run --locked --release -- demo "$@"
