#!/usr/bin/env bash
# Benchmark (not a test): how long the street view of a quarter takes to render for a large
# tenant — 30 communities, 5,000 children, a year of visits (`shouhu demo --scale large`).
# Prints the median and 95th percentile of 30 requests after 3 warm-ups, measured by curl
# against a release build on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shouhu_bench}"
PERIOD="${BENCH_PERIOD:-}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shouhu-target}" SQLX_OFFLINE=true
cargo build --release --locked --quiet
BIN="$CARGO_TARGET_DIR/release/shouhu"
KEY="$(head -c 32 /dev/urandom | base64)"   # the large demo stores no ID numbers
time "$BIN" demo --scale large --no-serve --database-url "$DB" --data-key "$KEY" >/dev/null
PORT="${BENCH_PORT:-18090}"
"$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB" --data-key "$KEY" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
JAR="$(mktemp)"
CSRF="$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "login=admin@large.shouhu.cn&password=shouhu-demo-2026&csrf=$CSRF" "http://127.0.0.1:$PORT/login"
URL="http://127.0.0.1:$PORT/reports${PERIOD:+?period=$PERIOD}"
status="$(curl -s -b "$JAR" -o /dev/null -w '%{http_code}' "$URL")"
[ "$status" = 200 ] || { echo "street view answered $status"; exit 1; }
for _ in 1 2 3; do curl -s -b "$JAR" -o /dev/null "$URL"; done
times="$(for _ in $(seq 1 30); do curl -s -b "$JAR" -o /dev/null -w '%{time_total}\n' "$URL"; done | sort -n)"
median="$(echo "$times" | sed -n '15p')"
p95="$(echo "$times" | sed -n '29p')"
echo "street view ($URL): median ${median}s, p95 ${p95}s over 30 requests"
