#!/usr/bin/env bash
# docs/schema.sql: the schema the migrations make, as pg_dump prints it, to read in one place.
#
#   bash scripts/schema.sh              migrate a scratch database and write docs/schema.sql
#   bash scripts/schema.sh --dump URL   print the same dump of the database at URL
#
# Both print through dump() below, so they normalize alike: the schema test (tests/suite/schema.rs)
# dumps its own migrated database with --dump and compares it with docs/schema.sql. Run this
# after changing a migration. Owners are left out, privileges kept; sqlx's bookkeeping table
# and the lines that vary between pg_dump runs and versions (the \restrict key, the versions,
# the session settings) are dropped.
set -euo pipefail
cd "$(dirname "$0")/.."

dump() {
    echo "-- The schema the migrations in migrations/ make, as pg_dump prints it."
    echo "-- Written by scripts/schema.sh: do not edit; a test compares it with a migrated database."
    echo
    pg_dump --schema-only --no-owner --exclude-table=_sqlx_migrations "$1" \
        | grep -v -e '^\\restrict ' -e '^\\unrestrict ' -e '^-- Dumped from ' -e '^-- Dumped by ' \
            -e '^SET ' -e "^SELECT pg_catalog.set_config('search_path'" \
        | cat -s
}

if [ "${1:-}" = "--dump" ]; then
    dump "${2:?usage: scripts/schema.sh --dump DATABASE_URL}"
    exit 0
fi

PGURL_BASE="${PGURL_BASE:-postgres://postgres@127.0.0.1:5432}"
DB=shouhu_schema
psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql "$PGURL_BASE/postgres" -qc "DROP DATABASE IF EXISTS $DB"' EXIT
# The migrations revoke the app role's access to sqlx's table, so it must exist.
psql "$PGURL_BASE/$DB" -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE _sqlx_migrations (version bigint, success boolean)'
for f in migrations/*.sql; do psql "$PGURL_BASE/$DB" -q -v ON_ERROR_STOP=1 -f "$f"; done
mkdir -p docs
dump "$PGURL_BASE/$DB" > docs/schema.sql
echo "wrote docs/schema.sql ($(wc -l < docs/schema.sql) lines)"
