#!/usr/bin/env bash
# Refresh the compile-time query data in .sqlx/ (committed, so builds and CI need no database).
# Applies the migrations to a scratch database, then rebuilds with the macros online and
# SQLX_OFFLINE_DIR set, which makes every query macro write its description there.
set -euo pipefail
cd "$(dirname "$0")/.."
PGURL_BASE="${PGURL_BASE:-postgres://postgres@127.0.0.1:5432}"
DB=shouhu_sqlx
psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql "$PGURL_BASE/$DB" -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE _sqlx_migrations (version bigint, success boolean)'
for f in migrations/*.sql; do psql "$PGURL_BASE/$DB" -q -v ON_ERROR_STOP=1 -f "$f"; done
rm -rf .sqlx && mkdir -p .sqlx
touch src/lib.rs
DATABASE_URL="$PGURL_BASE/$DB" SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/.sqlx" cargo check --all-targets --quiet
echo "wrote $(ls .sqlx | wc -l) query files to .sqlx/"
