#!/usr/bin/env bash
# Deploy benchmark (not a test): the same release of the reference stack deployed by `devops-agent deploy`
# and by a hand-written ssh + git + compose + curl script doing the same steps (fetch, checkout, build,
# up -d, poll /health until healthy), in alternating runs. Prints each run's time and the median overhead
# ratio (agent / script). For the test bed (scripts/testbed.sh up), as root.
#
#   scripts/bench-deploy.sh [runs per side]      (default 5; or BENCH_RUNS)
#
# It stays out of the other stacks' way: the `production` server (127.0.0.1:2223), its own app folder
# /var/www/bench, compose project `bench`, HTTP port 18090, its own .env and config, a throwaway history
# database. The stack is torn down at the end. Only the deploys are timed; the CLI is built once before.
set -euo pipefail

RUNS=${1:-${BENCH_RUNS:-5}}
REF=${BENCH_REF:-v1.1.0}
APP=/var/www/bench
PROJECT=bench
HTTP_PORT=18090
SSH_PORT=2223
SERVER_DIR=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}/servers/production
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"

# --- setup (not timed) ---------------------------------------------------------------------------------
bench_setup

bench_config "$REF"

# The hand-written deploy: what an operator types, in one ssh session.
cat >"$WORK/by-hand.sh" <<SH
set -e
mkdir -p $APP && cd $APP
[ -d .git ] || git init -q
git remote set-url origin $ORIGIN 2>/dev/null || git remote add origin $ORIGIN
git fetch --quiet --prune --tags --force origin
git checkout --quiet --force --detach $REF
$COMPOSE -p $PROJECT -f docker-compose.prod.yml build >/dev/null
$COMPOSE -p $PROJECT -f docker-compose.prod.yml up -d --remove-orphans >/dev/null 2>&1
deadline=\$((\$(date +%s) + 180))
until curl -fsS --max-time 5 http://localhost:$HTTP_PORT/health 2>/dev/null | grep -q '"status": *"healthy"'; do
  [ "\$(date +%s)" -lt "\$deadline" ] || { echo "not healthy after 180s" >&2; exit 1; }
  sleep 1
done
curl -fsS --max-time 5 -o /dev/null http://localhost:$HTTP_PORT/
SH

# check looks at the reference application, which the benchmark deploys.
agent_deploy() { agent deploy production --project-dir "$ROOT/examples/fullstack"; }
script_deploy() { remote bash -s <"$WORK/by-hand.sh" >"$WORK/script.log" 2>&1 || { cat "$WORK/script.log" >&2; exit 1; }; }

# A first deploy (cold build, volume creation) is not what is compared: warm up with each side once.
log "warm-up deploys of $REF (not timed)"
agent_deploy
script_deploy

# --- timed runs, alternating (ABBA) so drift on a shared machine hits both sides alike ----------------
agent_times=(); script_times=(); ratios=()
for run in $(seq 1 "$RUNS"); do
  if [ $((run % 2)) = 1 ]; then
    a=$(timed agent_deploy); s=$(timed script_deploy)
  else
    s=$(timed script_deploy); a=$(timed agent_deploy)
  fi
  agent_times+=("$a"); script_times+=("$s")
  ratios+=("$(awk -v a="$a" -v s="$s" 'BEGIN { printf "%.2f", a / s }')")
  log "run $run: agent ${a}s, script ${s}s"
done

echo "Deploy benchmark: $REF of the reference stack to the test bed's production server, $RUNS runs each, alternating"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr), compose: $COMPOSE"
echo
bench_table run "devops-agent deploy (s)" "ssh+git+compose+curl script (s)" "overhead ratio (agent / script)" agent_times script_times ratios
echo
echo "Where the agent's time went in its last run (its own per-step timings):"
sed 's/^/    /' "$WORK/agent.log"
