#!/usr/bin/env bash
# The dashboard's main page with 10,000 history records, in SQLite and in the shared PostgreSQL history: median
# and p95 of 50 requests, as a ratio against /healthz on the same server in the same run, and in ms against the
# 200 ms goal. STORES=sqlite or STORES=postgresql runs one; the PostgreSQL run needs the test bed's history
# server (scripts/testbed.sh up) and uses a database of its own, dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}; REQUESTS=${REQUESTS:-50}; PORT=${PORT:-18479}; STORES=${STORES:-sqlite postgresql}
work=$(mktemp -d); pid=; pg_db=
pg() { docker exec -i devops-agent-history-pg psql -q -v ON_ERROR_STOP=1 -U deploy "$@"; }
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  [ -n "$pg_db" ] && pg -d history -c "DROP DATABASE IF EXISTS $pg_db" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
dll=src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent.dll
dotnet build src/DevOpsAgent.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
agent() { dotnet "$dll" --config examples/fullstack/devops-agent.yml "$@"; }

# Each store: one history call creates the schema; then N records of 8 steps each, straight into its tables.
fill_sqlite() {
  agent --history "$1" history staging >/dev/null 2>&1 || true
  sqlite3 "$1" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO deploys (id, environment, ref, commit_id, version, started_by, started_at, finished_at, outcome, health_summary, action)
SELECT printf('bench-%06d', i), CASE i % 2 WHEN 0 THEN 'staging' ELSE 'production' END, 'v1.1.0', 'e3d42a8add1d', 'v1.1.0', 'bench@box',
       strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || i || ' minutes'),
       strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || i || ' minutes', '+30 seconds'), 'Succeeded', 'http: passed', 'deploy' FROM n;
WITH RECURSIVE s(p) AS (SELECT 0 UNION ALL SELECT p + 1 FROM s WHERE p < 7)
INSERT INTO deploy_steps SELECT id, p, 'step ' || p, started_at, 1000 + p * 250, 'Succeeded', '' FROM deploys, s WHERE id LIKE 'bench-%';
SQL
  echo "records: $(sqlite3 "$1" 'SELECT count(*) FROM deploys')"
}

fill_postgresql() {
  agent --history "$1" history staging >/dev/null 2>&1 || true
  pg -d "$pg_db" <<SQL
INSERT INTO devops_agent_deploys (id, environment, ref, commit_id, version, started_by, started_at, finished_at, outcome, health_summary, action)
SELECT format('bench-%s', lpad(i::text, 6, '0')), CASE i % 2 WHEN 0 THEN 'staging' ELSE 'production' END, 'v1.1.0', 'e3d42a8add1d', 'v1.1.0',
       'bench@box', timestamptz '2026-01-01' + i * interval '1 minute', timestamptz '2026-01-01' + i * interval '1 minute' + interval '30 seconds',
       'Succeeded', 'http: passed', 'deploy' FROM generate_series(1, $N) AS i;
INSERT INTO devops_agent_deploy_steps SELECT id, p, 'step ' || p, started_at, 1000 + p * 250, 'Succeeded', '' FROM devops_agent_deploys, generate_series(0, 7) AS p;
ANALYZE;
SQL
  echo "records: $(pg -d "$pg_db" -tA -c 'SELECT count(*) FROM devops_agent_deploys')"
}

measure() { # url -> sorted ms, one a line
  for _ in $(seq 5); do curl -s -o /dev/null "$1"; done
  for _ in $(seq "$REQUESTS"); do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done | awk '{ printf "%.2f\n", $1 * 1000 }' | sort -n
}
stat() { awk -v q="$2" '{ a[NR] = $1 } END { i = int(NR * q); if (i < 1) i = 1; print a[i] }' <<<"$1"; }

for store in $STORES; do
  case $store in
    sqlite) history=$work/history.db ;;
    postgresql)
      # shellcheck disable=SC1091
      . /var/lib/devops-agent-testbed/testbed.env
      pg_db=bench_$$
      pg -d history -c "CREATE DATABASE $pg_db" >/dev/null
      history=${DEVOPS_TESTBED_HISTORY_URL%/*}/$pg_db ;;
    *) echo "dashboard bench: unknown store $store (sqlite, postgresql)" >&2; exit 2 ;;
  esac
  echo "== $store"
  "fill_$store" "$history"
  dotnet "$dll" --config examples/fullstack/devops-agent.yml --history "$history" dashboard --bind "127.0.0.1:$PORT" >"$work/out" 2>&1 &
  pid=$!
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  base=$(measure "http://127.0.0.1:$PORT/healthz"); main=$(measure "http://127.0.0.1:$PORT/"); page=$(measure "http://127.0.0.1:$PORT/history?page=200")
  bm=$(stat "$base" 0.5); mm=$(stat "$main" 0.5); mp=$(stat "$main" 0.95); hm=$(stat "$page" 0.5)
  echo "main page: median ${mm} ms, p95 ${mp} ms (goal <= 200 ms); /healthz median ${bm} ms; ratio main/healthz $(awk -v a="$mm" -v b="$bm" 'BEGIN { printf "%.1f", a / b }')x"
  echo "history page 200 (records 5,001-5,025): median ${hm} ms"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=
done
