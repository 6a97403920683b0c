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

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}
RUNS=${1:-${BENCH_RUNS:-5}}
REF=${BENCH_REF:-v1.1.0}
APP=/var/www/bench
PROJECT=bench
HTTP_PORT=18090
SSH_PORT=2223
SERVER_DIR="$TB/servers/production"

[ -f "$TB/testbed.env" ] || { echo "bench: the test bed is not up (run scripts/testbed.sh up)" >&2; exit 2; }
# shellcheck disable=SC1091
. "$TB/testbed.env"
COMPOSE=$DEVOPS_TESTBED_COMPOSE
KEY=$DEVOPS_TESTBED_KEY
KNOWN_HOSTS=$DEVOPS_TESTBED_KNOWN_HOSTS
ORIGIN=$DEVOPS_TESTBED_ORIGIN

log() { printf '[bench] %s\n' "$*" >&2; }
remote() {
  ssh -i "$KEY" -o UserKnownHostsFile="$KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -p "$SSH_PORT" deploy@127.0.0.1 "$@"
}
now() { date +%s.%N; }

WORK=$(mktemp -d)
teardown() {
  log "tearing down compose project $PROJECT"
  remote "cd $APP 2>/dev/null && $COMPOSE -p $PROJECT -f docker-compose.prod.yml down --volumes --remove-orphans" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap teardown EXIT

# --- setup (not timed) ---------------------------------------------------------------------------------
log "building the CLI (Release)"
dotnet build "$ROOT/src/DevOpsAgent.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
AGENT_DLL="$ROOT/src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent.dll"

# /var/www on a test bed server belongs to root (only /var/www/shop is the deploy user's), so the folder is
# made from this side of the server's mount; everything inside it is done over ssh as the deploy user.
install -d -o deploy -g deploy -m 755 "$SERVER_DIR/www/bench"

if ! remote "test -f $APP/.env"; then
  log "creating $APP/.env on the server (random secrets)"
  # Sent over stdin, never on a command line.
  bash "$ROOT/scripts/testbed/server-env.sh" production "$HTTP_PORT" | remote "umask 077 && cat > $APP/.env.tmp && mv $APP/.env.tmp $APP/.env"
fi

cat >"$WORK/devops-agent.yml" <<YML
project: bench
repository: $ORIGIN
compose_files:
  - docker-compose.prod.yml
environments:
  production:
    server: 127.0.0.1
    port: $SSH_PORT
    user: deploy
    path: $APP
    identity_file: $KEY
    known_hosts: $KNOWN_HOSTS
    tag: $REF
    compose_project: $PROJECT
    health:
      timeout: 180s
      interval: 1s
      http:
        - url: http://localhost:$HTTP_PORT/health
          json:
            status: healthy
      frontend: http://localhost:$HTTP_PORT/
      database: db
YML

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

agent_deploy() {
  dotnet "$AGENT_DLL" --config "$WORK/devops-agent.yml" --history "$WORK/history.db" deploy production --project-dir "$ROOT/examples/fullstack" >"$WORK/agent.log" 2>&1 \
    || { cat "$WORK/agent.log" >&2; exit 1; }
}
script_deploy() { remote bash -s <"$WORK/by-hand.sh" >"$WORK/script.log" 2>&1 || { cat "$WORK/script.log" >&2; exit 1; }; }
timed() { local start; start=$(now); "$@"; awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

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

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "Deploy benchmark: $REF of the reference stack to the test bed's production server, $RUNS runs each, alternating"
echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(uname -sr), compose: $COMPOSE"
echo
echo "| run | devops-agent deploy (s) | ssh+git+compose+curl script (s) | ratio |"
echo "|---:|---:|---:|---:|"
for i in $(seq 0 $((RUNS - 1))); do
  echo "| $((i + 1)) | ${agent_times[$i]} | ${script_times[$i]} | ${ratios[$i]} |"
done
echo "| median | $(median "${agent_times[@]}") | $(median "${script_times[@]}") | **$(median "${ratios[@]}")** |"
echo
echo "median overhead ratio (agent / script): $(median "${ratios[@]}")"
echo
echo "Where the agent's time went in its last run (its own per-step timings):"
sed 's/^/    /' "$WORK/agent.log"
