#!/usr/bin/env bash
# Rollback benchmark (not a test): how long going back takes compared with going forward, both measured in
# the same run. Each round deploys v1.1.0 over v1.0.0 with `devops-agent deploy` (check, lock, build from
# cache, migration 0001 → 0002, up, health) and then `devops-agent rollback --to v1.0.0` (downgrade
# 0002 → 0001, kept images re-tagged instead of a build, up, health). Prints each round's times and the
# median ratio (rollback / deploy). For the test bed (scripts/testbed.sh up), as root.
#
#   scripts/bench-rollback.sh [rounds]      (default 5; or BENCH_RUNS)
#
# Out of the other stacks' way: the `production` server, its own folder /var/www/bench-rollback, compose
# project `bench-rollback`, HTTP port 18091, its own .env, config and history; torn down at the end.
set -euo pipefail

RUNS=${1:-${BENCH_RUNS:-5}}
APP=/var/www/bench-rollback
PROJECT=bench-rollback
HTTP_PORT=18091
SSH_PORT=2223
SERVER_DIR=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}/servers/production
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

bench_setup
bench_config v1.1.0 "$(printf 'migrations:\n  service: backend\n  database_service: db')"

# Not timed: both releases built once and kept, the database at v1.0.0's revision.
log "warm-up: v1.0.0, v1.1.0, back to v1.0.0 (not timed)"
# check looks at the reference application, which the benchmark deploys.
deploy() { agent deploy production --project-dir "$ROOT/examples/fullstack" --ref "$1"; }
deploy v1.0.0
deploy v1.1.0
agent rollback production --to v1.0.0

deploy_times=(); rollback_times=(); ratios=()
for run in $(seq 1 "$RUNS"); do
  d=$(timed deploy v1.1.0)
  r=$(timed agent rollback production --to v1.0.0)
  grep -q "0002 → 0001" "$WORK/agent.log" || { log "the rollback did not downgrade the database"; cat "$WORK/agent.log" >&2; exit 1; }
  deploy_times+=("$d"); rollback_times+=("$r")
  ratios+=("$(awk -v r="$r" -v d="$d" 'BEGIN { printf "%.2f", r / d }')")
  log "round $run: deploy ${d}s, rollback ${r}s"
done

echo "Rollback benchmark: deploy v1.1.0 over v1.0.0, then roll back to v1.0.0, $RUNS rounds"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr), compose: $COMPOSE"
echo
bench_table round "deploy v1.1.0 (s)" "rollback to v1.0.0 (s)" "ratio (rollback / deploy)" deploy_times rollback_times ratios
echo
echo "The last rollback's own per-step timings:"
sed 's/^/    /' "$WORK/agent.log"
