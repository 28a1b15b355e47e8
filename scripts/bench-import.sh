#!/usr/bin/env bash
# Benchmark (not a test): a 10,000-row roster (children with a guardian and a parent each)
# uploaded, validated (preview) and imported in one transaction, against a release build.
# Uses the large demo street of bench-street-view.sh (made here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
DB="${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shouhu_bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/shouhu-target}" SQLX_OFFLINE=true
cargo build --release --locked --quiet
BIN="$CARGO_TARGET_DIR/release/shouhu"
KEY="$(head -c 32 /dev/urandom | base64)"
# BENCH_SCALE=small: into the small demo street (60 children), where the tables are small when
# the first plans are made.
SCALE="${BENCH_SCALE:-large}"
if [ "$SCALE" = small ]; then STREET='城关街道（演示）'; ADMIN=admin@demo.shouhu.cn; else STREET='大型演示街道'; ADMIN=admin@large.shouhu.cn; fi
"$BIN" demo --scale "$SCALE" --no-serve --database-url "$DB" --data-key "$KEY" >/dev/null
COMMUNITY="$(psql "$DB" -tAc "SELECT c.id FROM community c JOIN street s ON s.id = c.street_id WHERE s.name = '$STREET' ORDER BY c.name LIMIT 1")"
CSV="$(mktemp --suffix .csv)"
python3 - "$CSV" <<'PY'
import sys, random, datetime
W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
def idn(birth, seq):
    body = "360781" + birth.strftime("%Y%m%d") + f"{seq:03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, W)) % 11]
tag = random.randint(1000, 9999)
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("姓名,性别,出生日期,身份证号,家庭住址,学校,年级,留守类型,父母外出务工地,监护情况,监护人姓名,监护人关系,监护人电话,外出父母姓名,外出父母关系,亲情电话,建档同意日期\n")
    for i in range(10000):
        birth = datetime.date(2012, 1, 1) + datetime.timedelta(days=i % 3000)
        seq = (i // 3000) * 2 + (tag % 400) * 2  # even: girls
        f.write(f"导入{tag}-{i},女,{birth},{idn(birth, seq % 1000)},演示路,演示小学,四年级,父母均外出,东莞,隔代监护,奶奶{i},奶奶,13512345678,爸爸{i},父亲,13612345678,2026-09-01\n")
PY
PORT="${BENCH_PORT:-18092}"
# BENCH_POOL=1: one database connection, so the large import runs on the small one's.
"$BIN" serve --bind "127.0.0.1:$PORT" --database-url "$DB" --data-key "$KEY" --db-pool-size "${BENCH_POOL:-10}" >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; rm -f "$CSV"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
JAR="$(mktemp)"
CSRF="$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
curl -s -c "$JAR" -b "$JAR" -o /dev/null -d "login=$ADMIN&password=shouhu-demo-2026&csrf=$CSRF" "http://127.0.0.1:$PORT/login"
CSRF="$(curl -s -b "$JAR" "http://127.0.0.1:$PORT/children/import" | grep -o 'name="csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
import() {
  local csv="$1"
  start=$(date +%s.%N)
  LOCATION="$(curl -s -b "$JAR" -o /dev/null -w '%{redirect_url}' -F "community_id=$COMMUNITY" -F "file=@$csv" "http://127.0.0.1:$PORT/children/import?csrf=$CSRF")"
  summary="$(curl -s -b "$JAR" "$LOCATION" | grep -o 'id="preview-summary">.*</p>' | sed 's/<[^>]*>//g')"
  mid=$(date +%s.%N)
  curl -s -b "$JAR" -o /dev/null -d "csrf=$CSRF" "$LOCATION"
  end=$(date +%s.%N)
}
# BENCH_IMPORT_FIRST_SMALL=1: a roster of 20 rows first, through the same server, so the large
# import follows a small one on the pool's connections (plans kept from the small one).
if [ "${BENCH_IMPORT_FIRST_SMALL:-0}" = 1 ]; then
  SMALL="$(mktemp --suffix .csv)"
  head -1 "$CSV" > "$SMALL"
  sed -n '2,21p' "$CSV" | sed 's/^导入/先导/' >> "$SMALL"
  import "$SMALL"
  python3 -c "import sys; s, m, e = map(float, sys.argv[1:]); print(f'first, 20 rows: total {e - s:.2f} s')" "$start" "$mid" "$end"
  rm -f "$SMALL"
fi
import "$CSV"
echo "preview: $summary"
python3 -c "import sys; s, m, e = map(float, sys.argv[1:]); print(f'upload + validate: {m - s:.2f} s; import (one transaction): {e - m:.2f} s; total {e - s:.2f} s')" "$start" "$mid" "$end"
