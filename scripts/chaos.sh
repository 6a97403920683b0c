#!/usr/bin/env bash
# Chaos harness (issue 9): N operations alternating deploy / rollback across the reference stack's releases,
# each hurt once at a random step — the agent killed (kill -9), its SSH connection cut (a proxy between agent
# and sshd resets every connection), a container of the stack killed (docker kill), or the agent interrupted
# (SIGINT, Ctrl-C) — then ONE recovery run (the same operation again). After it the harness
# checks the server itself, not the agent's word: the code /api/version serves, the database's alembic
# revision, what every kept release-<commit> image really holds, no row lost of those it inserted through the
# API meanwhile, the lock free and no history row left running. One line per fault, a summary, exit 1 when
# any fault was not recovered. For the test bed (scripts/testbed.sh up), as root.
#
#   scripts/chaos.sh [--faults N] [--seed S] [--time-limit SECONDS]     (default 10 faults, seed from the clock)
#
# Out of the other stacks' way: the `production` server, its own folder /var/www/chaos, compose project
# `chaos`, HTTP port 18095, its own .env, config and history; the agent reaches sshd (2223) through
# 127.0.0.1:18096. Torn down at the end.
set -euo pipefail

FAULTS=10
SEED=$(( $(date +%s) % 32768 ))
TIME_LIMIT=
while [ $# -gt 0 ]; do
  case $1 in
    --faults) FAULTS=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --time-limit) TIME_LIMIT=$2; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "chaos: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
# About a minute a fault; far more than that means something hangs.
TIME_LIMIT=${TIME_LIMIT:-$((600 + FAULTS * 300))}

APP=/var/www/chaos
PROJECT=chaos
HTTP_PORT=18095
SSH_PORT=2223
PROXY_PORT=18096
SERVER_DIR=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}/servers/production
RUN_TIMEOUT=600
# shellcheck source=scripts/bench-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/bench-lib.sh"
# shellcheck source=scripts/chaos/agent.sh
. "$ROOT/scripts/chaos/agent.sh"
# shellcheck source=scripts/chaos/assert.sh
. "$ROOT/scripts/chaos/assert.sh"
log() { printf '[chaos] %s\n' "$*" >&2; }
CONFIG=$WORK/devops-agent.yml
HISTORY=$WORK/history.db
RANDOM=$SEED

cleanup() {
  inserter_stop
  [ -z "${AGENT_PID:-}" ] || ! agent_alive || kill -9 "$AGENT_PID" 2>/dev/null || true
  proxy_stop
  if [ -n "${CHAOS_KEEP:-}" ]; then log "kept $WORK (CHAOS_KEEP)"; WORK=/nonexistent; fi
  teardown
  remote "docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^$PROJECT[-_](backend|frontend):release-' | xargs -r docker rmi -f >/dev/null; true" || true
}
trap cleanup EXIT

bench_setup
# The agent goes through the proxy, so its known_hosts names the proxy's port with sshd's key.
sed -n "s/^\[127.0.0.1\]:$SSH_PORT /[127.0.0.1]:$PROXY_PORT /p" "$KNOWN_HOSTS" >"$WORK/known_hosts"
[ -s "$WORK/known_hosts" ] || { log "no host key for [127.0.0.1]:$SSH_PORT in $KNOWN_HOSTS"; exit 2; }
(SSH_PORT=$PROXY_PORT KNOWN_HOSTS=$WORK/known_hosts bench_config v1.1.0 "$(printf 'migrations:\n  service: backend\n  database_service: db')")
# A broken release fails its health in 45 s rather than three minutes (a healthy one needs about 10).
sed -i 's/timeout: 180s/timeout: 45s/' "$CONFIG"
proxy_start

log "seed $SEED, $FAULTS faults, time limit ${TIME_LIMIT}s"
deploy_args() { echo deploy production --project-dir "$ROOT/examples/fullstack" --ref "$1"; }

# The chaos stack from nothing: compose project down with its volumes, app folder emptied (except .env),
# release tags removed, the rows count from zero, then v1.0.0 deployed without a fault. At the start, and
# after a fault that was not recovered, so that the next fault is judged on its own, not on the last one's mess.
fresh_start() {
  remote "cd $APP 2>/dev/null && test -f docker-compose.prod.yml && $COMPOSE -p $PROJECT -f docker-compose.prod.yml down --volumes --remove-orphans >/dev/null 2>&1;
    find $APP -mindepth 1 -maxdepth 1 ! -name .env -exec rm -rf {} +;
    docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^$PROJECT[-_](backend|frontend):release-' | xargs -r docker rmi -f >/dev/null; true"
  rm -f "$WORK/inserted"
  IMAGE_CONTENT=()
  # shellcheck disable=SC2046
  agent_start "$WORK/fresh-$1.log" $(deploy_args v1.0.0)
  agent_wait "$RUN_TIMEOUT"
  [ "$AGENT_RC" = 0 ] || { log "deploying v1.0.0 from nothing failed ($AGENT_RC)"; cat "$WORK/fresh-$1.log" >&2; exit 1; }
  [ "$(served_version)" = 1.0.0 ] || { log "v1.0.0 deployed but http://127.0.0.1:$HTTP_PORT/api/version does not say 1.0.0"; exit 1; }
  STATE=1.0.0
}

log "starting from nothing (compose project $PROJECT down, app folder emptied except .env, release tags removed), then v1.0.0"
fresh_start 0

DEPLOY_STEPS=(lock fetch "keep serving release" checkout build "keep images" "migrations plan" up health "record release")
ROLLBACK_STEPS=(lock "rollback: database" "rollback: code" "rollback: images" "rollback: up" "rollback: health" "record release")
FAULT_KINDS=(kill cut docker-kill sigint)

pick() { local -n from=$1; PICKED=${from[$((RANDOM % ${#from[@]}))]}; }
# Ids of the history rows still marked running, sorted (for comm).
running_ids() {
  dotnet "$AGENT_DLL" history --json --limit 100000 --config "$CONFIG" --history "$HISTORY" 2>/dev/null \
    | python3 -c 'import json, sys
for r in json.load(sys.stdin):
    if str(r.get("outcome", "")).lower() == "running": print(r.get("id"))' 2>/dev/null | sort || true
}

recovered=0; failed=0; not_injected=0; cycles=()
declare -A kind_total=() kind_recovered=() check_failed=()
started=$SECONDS
# N faults that really landed: an operation that ends before its fault's step is not counted, so another one
# follows (at most twice N operations in all).
i=0
while [ $((recovered + failed)) -lt "$FAULTS" ] && [ "$i" -lt $((FAULTS * 2)) ]; do
  i=$((i + 1))
  if [ $((SECONDS - started)) -ge "$TIME_LIMIT" ]; then log "time limit reached after $((i - 1)) operations"; break; fi
  cycle_start=$SECONDS
  before=$STATE
  # The operation: forward and back alternately, now and then a redeploy or a release whose health fails.
  if [ $((i % 5)) = 0 ]; then op=(deploy v1.2.0-broken)
  elif [ $((i % 7)) = 0 ]; then op=(deploy "v$STATE")
  elif [ "$STATE" = 1.0.0 ]; then op=(deploy v1.1.0)
  else op=(rollback v1.0.0)
  fi
  if [ "${op[0]}" = deploy ]; then
    steps=("${DEPLOY_STEPS[@]}")
    # migrate runs only when the release brings revisions the database lacks.
    [ "$(revision_of "${op[1]}")" = "$(revision_of "v$STATE")" ] || steps+=(migrate)
    # A broken release never reaches its record: its faults land in its automatic rollback instead.
    [ "${op[1]}" != v1.2.0-broken ] || steps=("${steps[@]/#record release/automatic rollback to v$STATE}" "rollback: up" "rollback: health")
    # shellcheck disable=SC2046
    args=($(deploy_args "${op[1]}"))
  else
    steps=("${ROLLBACK_STEPS[@]}")
    args=(rollback production --to "${op[1]}")
  fi
  pick FAULT_KINDS; fault=$PICKED
  pick steps; step=$PICKED
  service=
  [ "$fault" != docker-kill ] || { services=(backend frontend); pick services; service=$PICKED; }
  # Right at the step's start, or up to 1.5 s into it.
  delays=(0 0.5 1 1.5); pick delays; delay=$PICKED

  running_before=$(running_ids)
  inserter_start
  agent_start "$WORK/op-$i.log" "${args[@]}"
  injected=no
  if agent_wait_step "$step" "$RUN_TIMEOUT"; then
    sleep "$delay"
    if agent_alive; then inject "$fault" "$service"; injected=yes; fi
  fi
  agent_wait "$RUN_TIMEOUT"
  op_rc=$AGENT_RC
  [ "$fault" != cut ] || proxy_restore
  # A dead agent's lock turns stale after --stale-after without a heartbeat.
  case $fault in kill|cut|sigint) sleep 6 ;; esac

  agent_start "$WORK/recovery-$i.log" "${args[@]}" --stale-after 00:00:05
  agent_wait "$RUN_TIMEOUT"
  rec_rc=$AGENT_RC
  inserter_stop

  # What the recovery should have ended on: the target when it succeeded, the release served before the
  # operation when it rolled back. A rollback is not idempotent: when the faulted one got there, the same
  # rollback again is refused (exit 4, InvalidInput: no earlier release matches) and the target serves.
  recorded=$(server_release version); recorded=${recorded#v}
  commit=$(server_release commit)
  expected="?"
  case "${op[0]}:$rec_rc" in
    deploy:0) expected=${op[1]#v} ;;
    deploy:10) expected=$before ;;
    rollback:0) expected=${op[1]#v} ;;
    rollback:4) [ "$recorded" != "${op[1]#v}" ] || expected=$recorded ;;
    *) expected="?" ;;
  esac
  served=$(served_version)
  a_code=FAIL; [ "$expected" != "?" ] && [ "$served" = "$expected" ] && [ "$recorded" = "$expected" ] && a_code=ok
  revision=$(sql 'select version_num from alembic_version')
  want_revision=$( [ "$expected" = "?" ] || revision_of "v$expected" 2>/dev/null || true)
  a_rev=FAIL; [ -n "$revision" ] && [ "$revision" = "$want_revision" ] && a_rev=ok
  images=$(check_images "$commit"); a_img=FAIL; [ "$images" = ok ] && a_img=ok
  rows=$(sql 'select count(*) from items'); kept=$(inserted)
  a_rows=FAIL; [ -n "$rows" ] && [ "$rows" -ge "$kept" ] && a_rows=ok
  lock=$(dotnet "$AGENT_DLL" lock status production --json --config "$CONFIG" --history "$HISTORY" 2>/dev/null | json_field state || true)
  # Only this fault's rows: one left running by an earlier fault is that fault's failure.
  running=$(comm -13 <(echo "$running_before") <(running_ids) | grep -c . || true)
  a_lock=FAIL; [ "${lock,,}" = free ] && [ "$running" = 0 ] && a_lock=ok
  # Not one of the checks, but worth seeing: the faulted run itself crashed instead of failing cleanly.
  op_note=; grep -q "Unhandled exception" "$WORK/op-$i.log" && op_note=" crashed"

  what="${op[0]} ${op[1]} (serving $before)"
  where="$fault${service:+ $service} at '$step'"
  [ "$delay" = 0 ] || where="$where +${delay}s"
  [ "$injected" = yes ] || where="$where (not reached: no fault)"
  line=$(printf '%2d %-38s %-52s op %-11s recovery %-4s code %s (%s, api %s) revision %s (%s) images %s rows %s (%s/%s) lock+history %s (%s, %s left running) [%ss]' \
    "$i" "$what" "$where" "$op_rc$op_note" "$rec_rc" "$a_code" "${expected}" "${served:-none}" "$a_rev" "${revision:-none}" "$a_img" "$a_rows" "${rows:-?}" "$kept" "$a_lock" "${lock:-?}" "$running" "$((SECONDS - cycle_start))")
  echo "$line"
  [ "$images" = ok ] || echo "     images: $images"
  cycles+=("$((SECONDS - cycle_start))")
  if [ "$injected" = yes ]; then
    kind_total[$fault]=$((${kind_total[$fault]:-0} + 1))
    for check in code:$a_code revision:$a_rev images:$a_img rows:$a_rows lock+history:$a_lock; do
      [ "${check#*:}" = ok ] || check_failed[${check%%:*}]=$((${check_failed[${check%%:*}]:-0} + 1))
    done
  fi
  if [ "$injected" != yes ]; then not_injected=$((not_injected + 1))
  elif [ "$a_code$a_rev$a_img$a_rows$a_lock" = okokokokok ]; then
    recovered=$((recovered + 1))
    kind_recovered[$fault]=$((${kind_recovered[$fault]:-0} + 1))
  else
    failed=$((failed + 1))
    if [ -n "${CHAOS_VERBOSE:-}" ]; then
      sed 's/^/     op | /' "$WORK/op-$i.log" | tail -n 15
      sed 's/^/     recovery | /' "$WORK/recovery-$i.log" | tail -n 15
    fi
  fi
  # The next operation starts from what serves now; after a fault that was not recovered, from nothing.
  if [ "$injected" = yes ] && [ "$a_code$a_rev$a_img$a_rows$a_lock" != okokokokok ] && [ -z "${CHAOS_NO_RESET:-}" ]; then
    log "fault $i not recovered: the stack starts again from nothing"
    fresh_start "$i"
  else
    case $served in 1.0.0|1.1.0) STATE=$served ;; *) case $recorded in 1.0.0|1.1.0) STATE=$recorded ;; esac ;; esac
  fi
done

total=$((recovered + failed))
by_kind=; for kind in "${FAULT_KINDS[@]}"; do by_kind+=" $kind ${kind_recovered[$kind]:-0}/${kind_total[$kind]:-0},"; done
by_check=; for check in code revision images rows lock+history; do by_check+=" $check ${check_failed[$check]:-0},"; done
echo "chaos: recovered by fault:${by_kind%,}; failed checks:${by_check%,}"
echo "chaos: seed $SEED, median fault cycle $(median "${cycles[@]:-0}")s, $((SECONDS - started))s in all$( [ "$not_injected" = 0 ] || echo ", $not_injected operation(s) ended before their fault (not counted)")"
echo "chaos: $recovered of $total faulted operations recovered (right code, revision, kept images, rows)"
[ "$failed" = 0 ] && [ "$total" -gt 0 ]
