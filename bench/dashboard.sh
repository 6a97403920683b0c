#!/usr/bin/env bash
# The dashboard's main page with 10,000 history records (SQLite): median and p95 of 50 requests, as a ratio
# against /healthz on the same server in the same run, and in ms against the 200 ms goal.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-10000}; REQUESTS=${REQUESTS:-50}; PORT=${PORT:-18479}
work=$(mktemp -d); trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
dll=src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent.dll
dotnet build src/DevOpsAgent.Cli -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
db=$work/history.db
# One history call creates the schema; then N records of 8 steps each, straight into SQLite.
dotnet "$dll" --config examples/fullstack/devops-agent.yml --history "$db" history staging >/dev/null 2>&1 || true
sqlite3 "$db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO deploys (id, environment, ref, commit_id, version, started_by, started_at, finished_at, outcome, health_summary, action)
SELECT printf('bench-%06d', i), CASE i % 2 WHEN 0 THEN 'staging' ELSE 'production' END, 'v1.1.0', 'e3d42a8add1d', 'v1.1.0', 'bench@box',
       strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || i || ' minutes'),
       strftime('%Y-%m-%dT%H:%M:%S.0000000Z', '2026-01-01', '+' || i || ' minutes', '+30 seconds'), 'Succeeded', 'http: passed', 'deploy' FROM n;
WITH RECURSIVE s(p) AS (SELECT 0 UNION ALL SELECT p + 1 FROM s WHERE p < 7)
INSERT INTO deploy_steps SELECT id, p, 'step ' || p, started_at, 1000 + p * 250, 'Succeeded', '' FROM deploys, s WHERE id LIKE 'bench-%';
SQL
dotnet "$dll" --config examples/fullstack/devops-agent.yml --history "$db" dashboard --bind "127.0.0.1:$PORT" >"$work/out" 2>&1 &
pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
measure() { # url -> sorted ms, one a line
  for _ in $(seq 5); do curl -s -o /dev/null "$1"; done
  for _ in $(seq "$REQUESTS"); do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done | awk '{ printf "%.2f\n", $1 * 1000 }' | sort -n
}
stat() { awk -v q="$2" '{ a[NR] = $1 } END { i = int(NR * q); if (i < 1) i = 1; print a[i] }' <<<"$1"; }
base=$(measure "http://127.0.0.1:$PORT/healthz"); main=$(measure "http://127.0.0.1:$PORT/")
bm=$(stat "$base" 0.5); mm=$(stat "$main" 0.5); mp=$(stat "$main" 0.95)
echo "records: $(sqlite3 "$db" 'SELECT count(*) FROM deploys')"
echo "main page: median ${mm} ms, p95 ${mp} ms (goal <= 200 ms); /healthz median ${bm} ms; ratio main/healthz $(awk -v a="$mm" -v b="$bm" 'BEGIN { printf "%.1f", a / b }')x"
