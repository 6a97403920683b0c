#!/usr/bin/env bash
# Zero-downtime benchmark (not a test): the reference stack with `zero_downtime:` on the bed's production server,
# under steady load from a second process through the edge the whole time (bench/zero-downtime-load.py: RATE
# requests/s, half on keep-alive connections, GETs and POSTs that insert rows). Each cycle: deploy v1.1.0 (a
# switch), `rollback --to v1.0.0` (a switch back to the stopped-but-kept slot, database 0002 → 0001), and a
# deploy of v1.2.0-broken (fails in its slot: an automatic rollback that never switches). Prints failed requests,
# the longest gap, rows inserted against rows in the database, each operation's time and switch time, and the
# median rollback / deploy ratio. For the test bed (scripts/testbed.sh up), as root.
#
#   bench/zero-downtime.sh [cycles]      (default 10: 20 switches, 10 automatic rollbacks; or BENCH_CYCLES)
#
# Then, still under load, KEPT_CYCLES (default 2) rollbacks to a slot kept running: a deploy of v1.1.0 with
# keep_previous_running (3m: the stop it leaves behind must not outlive the run by much) leaves v1.0.0's slot
# running, and `rollback --to v1.0.0` is a switch alone.
#
# Out of the other stacks' way: folder /var/www/bench-zd on `production`, compose projects bench-zd{,-data,-blue,
# -green,-edge}, HTTP port 18092; all torn down at the end.
set -euo pipefail

CYCLES=${1:-${BENCH_CYCLES:-10}}
KEPT_CYCLES=${KEPT_CYCLES:-2}
RATE=${RATE:-120}
WORKERS=${WORKERS:-12}
APP=/var/www/bench-zd
PROJECT=bench-zd
HTTP_PORT=18092
SSH_PORT=2223
SERVER_DIR=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}/servers/production
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/bench-lib.sh"

load_pid=
zd_teardown() {
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  log "tearing down $PROJECT and its data, slots and edge"
  local projects=("$PROJECT" "$PROJECT-data" "$PROJECT-blue" "$PROJECT-green" "$PROJECT-edge")
  for p in "${projects[@]}"; do
    remote "docker ps -aq --filter label=com.docker.compose.project=$p | xargs -r docker rm -f >/dev/null" || true
  done
  # Networks last: the slots use the data and edge networks.
  for p in "${projects[@]}"; do
    remote "docker network ls -q --filter label=com.docker.compose.project=$p | xargs -r docker network rm >/dev/null" || true
  done
  remote "docker volume rm -f ${PROJECT}_db-data >/dev/null" || true
  rm -f "$APP"
  rm -rf "$WORK"
}
trap zd_teardown EXIT

bench_setup
# The servers share the host's Docker daemon, which resolves the edge's bind mount on the host (as on a real server).
[ -e "$APP" ] || ln -s "$SERVER_DIR/www/$(basename "$APP")" "$APP"
bench_config v1.1.0 "$(printf 'migrations:\n  service: backend\n  database_service: db')"
printf '    zero_downtime:\n      drain_timeout: 10s\n' >>"$WORK/devops-agent.yml"

# Runs the agent; its exit code must be $1. The output stays in $WORK/agent.log.
run() {
  local expected=$1 code=0; shift
  dotnet "$AGENT_DLL" --config "$WORK/devops-agent.yml" --history "$WORK/history.db" "$@" >"$WORK/agent.log" 2>&1 || code=$?
  [ "$code" = "$expected" ] || { log "exit $code, expected $expected: $*"; cat "$WORK/agent.log" >&2; exit 1; }
  # BENCH_LOGS=dir keeps every operation's output (its steps and their times) for a closer look.
  # Numbered by the files already there: a timed operation runs in a subshell, where a counter would not last.
  if [ -n "${BENCH_LOGS:-}" ]; then
    mkdir -p "$BENCH_LOGS"; local ops; ops=$(($(find "$BENCH_LOGS" -name '*.log' | wc -l) + 1))
    cp "$WORK/agent.log" "$BENCH_LOGS/$(printf %02d "$ops")-$1-${*: -1}.log"
  fi
}
deploy() { run "$1" deploy production --project-dir "$ROOT/examples/fullstack" --ref "$2"; }
switch_time() { grep -oE '(rollback: )?switch \([0-9.]+s\)' "$WORK/agent.log" | grep -oE '[0-9.]+' | tail -1; }
rows() { remote "docker exec \$(docker ps -q --filter label=com.docker.compose.project=$PROJECT-data --filter label=com.docker.compose.service=db) psql -U shop -d shop -tAc 'SELECT count(*) FROM items'"; }

log "warm-up (not timed, no load): v1.0.0, v1.1.0, back to v1.0.0"
deploy 0 v1.0.0; deploy 0 v1.1.0; run 0 rollback production --to v1.0.0

before=$(rows)
log "load: $RATE requests/s over $WORKERS workers through the edge on :$HTTP_PORT"
python3 "$ROOT/bench/zero-downtime-load.py" 127.0.0.1 "$HTTP_PORT" "$RATE" "$WORKERS" 0.3 >"$WORK/load.json" &
load_pid=$!
sleep 3

deploys=(); rollbacks=(); broken=(); ratios=(); switches=(); rollback_switches=()
for cycle in $(seq 1 "$CYCLES"); do
  d=$(timed deploy 0 v1.1.0); switches+=("$(switch_time)")
  r=$(timed run 0 rollback production --to v1.0.0); rollback_switches+=("$(switch_time)")
  grep -q "still holds v1.0.0: started as it was kept" "$WORK/agent.log" || { log "the rollback did not use the kept slot"; cat "$WORK/agent.log" >&2; exit 1; }
  b=$(timed deploy 10 v1.2.0-broken)
  grep -q "the new release never received traffic" "$WORK/agent.log" || { log "the broken release was switched to"; cat "$WORK/agent.log" >&2; exit 1; }
  deploys+=("$d"); rollbacks+=("$r"); broken+=("$b")
  ratios+=("$(awk -v r="$r" -v d="$d" 'BEGIN { printf "%.2f", r / d }')")
  log "cycle $cycle/$CYCLES: deploy ${d}s (switch ${switches[-1]}s), rollback ${r}s (switch ${rollback_switches[-1]}s), broken release ${b}s"
done

kept_rollbacks=(); kept_switches=()
if [ "$KEPT_CYCLES" -gt 0 ]; then
  # The zero_downtime mapping ends the file.
  printf '      keep_previous_running: 3m\n' >>"$WORK/devops-agent.yml"
  for i in $(seq 1 "$KEPT_CYCLES"); do
    deploy 0 v1.1.0
    k=$(timed run 0 rollback production --to v1.0.0); kept_switches+=("$(switch_time)"); kept_rollbacks+=("$k")
    grep -q "still holds v1.0.0: kept running, nothing to start" "$WORK/agent.log" || { log "the rollback did not find the slot running"; cat "$WORK/agent.log" >&2; exit 1; }
    log "kept running $i/$KEPT_CYCLES: rollback ${k}s (switch ${kept_switches[-1]}s)"
  done
fi

sleep 2
kill -TERM "$load_pid"; wait "$load_pid" || true; load_pid=
after=$(rows)
load=$(cat "$WORK/load.json")
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$load" "$1"; }

echo "| cycle | deploy s | switch s | rollback s | rollback switch s | broken release s | rollback / deploy |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for i in "${!deploys[@]}"; do
  echo "| $((i + 1)) | ${deploys[$i]} | ${switches[$i]} | ${rollbacks[$i]} | ${rollback_switches[$i]} | ${broken[$i]} | ${ratios[$i]} |"
done
echo "| median | $(median "${deploys[@]}") | $(median "${switches[@]}") | $(median "${rollbacks[@]}") | $(median "${rollback_switches[@]}") | $(median "${broken[@]}") | **$(median "${ratios[@]}")** |"
echo
if [ "$KEPT_CYCLES" -gt 0 ]; then
  echo "rollbacks to a slot kept running: $KEPT_CYCLES, median $(median "${kept_rollbacks[@]}")s, switch median $(median "${kept_switches[@]}")s (each: ${kept_switches[*]})"
fi
echo "switches: $((2 * CYCLES + 2 * KEPT_CYCLES)), automatic rollbacks of a broken release: $CYCLES"
echo "requests: $(field requests) at $(field rate)/s over $(field duration_s)s, failed: $(field failed) $(field errors)"
echo "longest gap between successful responses: $(field longest_gap_ms) ms; keep-alive connections opened: $(field keepalive_connections) (workers on keep-alive: $((WORKERS / 2)))"
echo "versions served: $(field versions)"
echo "rows: $(field posts_ok) POSTs answered 2xx, $((after - before)) rows added in the database"
echo "median rollback / deploy: $(median "${ratios[@]}")"
[ "$(field failed)" = 0 ] && [ "$(field posts_ok)" = "$((after - before))" ]
