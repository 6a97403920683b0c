#!/usr/bin/env bash
# Fleet deploy benchmark on the multi-host bed (scripts/testbed.sh up --hosts 3): wall time of `devops-agent deploy`
# of the reference stack to 1 host, to 3 hosts with the canary, to 3 hosts with `canary: false`, and to the bed's 3-node
# Swarm (`engine: swarm` behind the agent's edge), each as a ratio to 1 host (issue 12's goal for 3 hosts: at most 1.3x).
#
#   bash bench/fleet.sh [ROUNDS]     (default 2; the median of the rounds is printed)
#
# The 3-host environment has the bed's registry (registry: 10.77.0.1:5000): the first host builds once and pushes,
# the others pull. FLEET_BENCH_REGISTRY= (empty) measures the fleet without one (every host builds).
# FLEET_BENCH_LOGS=DIR keeps each deploy's output (per-host steps with their times) in DIR.
#
# Every timed deploy is a new release: a branch from v1.1.0 with its own VERSION and a frontend change, so every host
# rebuilds the backend's code layers and the frontend bundle (dependencies stay cached), as a usual release does.
# Its own app folder (/var/www/fleet-bench), compose project (shop-bench), port (8090), config and history; torn down
# at the end.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}
[ -f "$TB/hosts.env" ] || { echo "bench: the multi-host bed is not up (run scripts/testbed.sh up --hosts 3)" >&2; exit 2; }
# shellcheck disable=SC1091
. "$TB/hosts.env"
ROUNDS=${1:-2}
REGISTRY=${FLEET_BENCH_REGISTRY-$DEVOPS_TESTBED_HOSTS_REGISTRY}
N=$DEVOPS_TESTBED_HOSTS_COUNT
[ "$N" -ge 3 ] || { echo "bench: needs 3 hosts, the bed has $N" >&2; exit 2; }
APP=/var/www/fleet-bench
PROJECT=shop-bench
# Its own port: the fleet tests' stack serves on the bed's (8080) on the same hosts.
HTTP_PORT=8090
AGENT_DLL="$ROOT/src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent.dll"
# The 3-node Swarm phase (FLEET_BENCH_SWARM=0 skips it): stack shopbench-swarm behind the agent's edge on port 8091.
SWARM=${FLEET_BENCH_SWARM:-1}
SWARM_APP=/var/www/fleet-bench-swarm
SWARM_STACK=shopbench-swarm
SWARM_HTTP_PORT=8091
WORK=$(mktemp -d)
BRANCHES=()

log() { printf '[bench] %s\n' "$*" >&2; }
address() { local v="DEVOPS_TESTBED_HOST${1}_ADDRESS"; echo "${!v}"; }
remote() {
  local host=$1 user=$2; shift 2
  ssh -i "$DEVOPS_TESTBED_HOSTS_KEY" -o UserKnownHostsFile="$DEVOPS_TESTBED_HOSTS_KNOWN_HOSTS" -o StrictHostKeyChecking=yes \
    -o BatchMode=yes "$user@$(address "$host")" "$@"
}
now() { date +%s.%N; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.1f", v[(NR + 1) / 2]; else printf "%.1f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

teardown() {
  log "tearing down $PROJECT on the hosts"
  for i in $(seq 1 3); do
    remote "$i" root "label=com.docker.compose.project=$PROJECT; docker ps -aq --filter label=\$label | xargs -r docker rm -f >/dev/null;
      docker volume ls -q --filter label=\$label | xargs -r docker volume rm >/dev/null;
      docker network ls -q --filter label=\$label | xargs -r docker network rm >/dev/null; rm -rf $APP" || true
  done
  [ "$SWARM" = 0 ] || swarm_teardown
  for branch in "${BRANCHES[@]}"; do git -C "$DEVOPS_TESTBED_HOSTS_ORIGIN" branch --quiet -D "$branch" || true; done
  rm -rf "$WORK"
}
trap teardown EXIT

# config HOSTS CANARY: the environment `bench` on the first HOSTS hosts.
config() {
  local hosts=$1 canary=$2 file="$WORK/fleet-$1-$2.yml" i
  {
    cat <<YML
project: shop
repository: $DEVOPS_TESTBED_HOSTS_ORIGIN
compose_files:
  - docker-compose.prod.yml
migrations:
  service: backend
  database_service: db
  versions: backend/alembic/versions
environments:
  bench:
    user: deploy
    port: 22
    path: $APP
    identity_file: $DEVOPS_TESTBED_HOSTS_KEY
    known_hosts: $DEVOPS_TESTBED_HOSTS_KNOWN_HOSTS
    tag: v1.1.0
    parallel: 4
    canary: $canary
YML
    [ -z "$REGISTRY" ] || echo "    registry: $REGISTRY"
    echo "    hosts:"
    for i in $(seq 1 "$hosts"); do echo "      - $(address "$i")"; done
    cat <<YML
    health:
      timeout: 120s
      interval: 1s
      http:
        - url: http://localhost:$HTTP_PORT/health
          json:
            status: healthy
      frontend: http://localhost:$HTTP_PORT/
      database: db
      logs:
        fail_on_errors: false
YML
  } >"$file"
  echo "$file"
}

# swarm_config: the environment `swarm` on the bed's 3-node Swarm (manager dahost1), behind the agent's edge, with the
# bed's registry (a Swarm always pulls from one). Its own project (stack shopbench-swarm), folder and port.
swarm_config() {
  local file="$WORK/swarm.yml"
  cat >"$file" <<YML
project: shopbench
repository: $DEVOPS_TESTBED_HOSTS_ORIGIN
compose_files:
  - docker-compose.prod.yml
migrations:
  service: backend
  database_service: db
  versions: backend/alembic/versions
environments:
  swarm:
    server: $(address 1)
    user: deploy
    port: 22
    path: $SWARM_APP
    identity_file: $DEVOPS_TESTBED_HOSTS_KEY
    known_hosts: $DEVOPS_TESTBED_HOSTS_KNOWN_HOSTS
    tag: v1.1.0
    engine: swarm
    registry: $DEVOPS_TESTBED_HOSTS_REGISTRY
    swarm:
      update_parallelism: 1
      monitor: 5s
      endpoint_mode: dnsrr
      edge: true
    health:
      timeout: 120s
      interval: 1s
      http:
        - url: http://localhost:$SWARM_HTTP_PORT/health
          json:
            status: healthy
      frontend: http://localhost:$SWARM_HTTP_PORT/
      database: db
      logs:
        fail_on_errors: false
YML
  echo "$file"
}

swarm_teardown() {
  remote 1 root "for stack in $SWARM_STACK $SWARM_STACK-edge; do docker stack rm \$stack >/dev/null 2>&1 || true;
      for i in \$(seq 1 60); do [ -z \"\$(docker service ls -q --filter label=com.docker.stack.namespace=\$stack)\" ] && [ -z \"\$(docker network ls -q --filter label=com.docker.stack.namespace=\$stack)\" ] && break; sleep 1; done; done;
      for i in \$(seq 1 60); do docker volume rm ${SWARM_STACK}_db-data >/dev/null 2>&1 || ! docker volume inspect ${SWARM_STACK}_db-data >/dev/null 2>&1 && break; sleep 1; done;
      rm -rf $SWARM_APP" || true
}

# release NAME: a branch on the origin, v1.1.0 with VERSION NAME and a frontend change.
release() {
  local name=$1 branch="bench-fleet-$1-$$" work="$WORK/clone"
  rm -rf "$work"
  git -c advice.detachedHead=false clone --quiet --branch v1.1.0 "$DEVOPS_TESTBED_HOSTS_ORIGIN" "$work"
  echo "$name" >"$work/VERSION"
  echo "<!-- $name -->" >>"$work/frontend/index.html"
  git -C "$work" -c user.name=bench -c user.email=bench@example.com commit --quiet -am "bench $name"
  git -C "$work" push --quiet origin "HEAD:refs/heads/$branch"
  BRANCHES+=("$branch")
  echo "$branch"
}

# deploy CONFIG REF [ENVIRONMENT]: prints the wall time in seconds; a failed deploy ends the benchmark with its output.
deploy() {
  local started out="$WORK/deploy.log"
  started=$(now)
  if ! dotnet "$AGENT_DLL" deploy "${3:-bench}" --ref "$2" --config "$1" --project-dir "$ROOT/examples/fullstack" \
      --history "$WORK/history.db" >"$out" 2>&1; then
    tail -30 "$out" >&2
    echo "bench: deploy of $2 with $1 failed" >&2
    exit 1
  fi
  # FLEET_BENCH_LOGS=DIR keeps every deploy's output (its steps and their times), one file per deploy.
  if [ -n "${FLEET_BENCH_LOGS:-}" ]; then
    mkdir -p "$FLEET_BENCH_LOGS" && cp "$out" "$FLEET_BENCH_LOGS/$(date +%H%M%S)-$(basename "$1" .yml)-$2.log"
  fi
  awk -v a="$started" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'
}

log "building the CLI (Release)"
dotnet build "$ROOT/src/DevOpsAgent.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
for i in $(seq 1 3); do
  remote "$i" root "install -d -o deploy -g deploy $APP"
  # Fresh secrets, sent over stdin, never on a command line.
  bash "$ROOT/scripts/testbed/server-env.sh" production "$HTTP_PORT" \
    | remote "$i" deploy "umask 077 && cat >$APP/.env.tmp && mv $APP/.env.tmp $APP/.env"
done
log "warm-up: v1.1.0 to 3 hosts (not timed)"
deploy "$(config 3 true)" v1.1.0 >/dev/null
if [ "$SWARM" != 0 ]; then
  swarm_teardown
  remote 1 root "install -d -o deploy -g deploy $SWARM_APP"
  bash "$ROOT/scripts/testbed/server-env.sh" production "$SWARM_HTTP_PORT" \
    | remote 1 deploy "umask 077 && cat >$SWARM_APP/.env.tmp && mv $SWARM_APP/.env.tmp $SWARM_APP/.env"
  log "warm-up: v1.1.0 to the Swarm (not timed: the stack, its edge and database are created)"
  deploy "$(swarm_config)" v1.1.0 swarm >/dev/null
fi

one=(); canary=(); parallel=(); swarm=()
for round in $(seq 1 "$ROUNDS"); do
  t=$(deploy "$(config 1 true)" "$(release "1.1.$round-one")"); one+=("$t"); log "round $round: 1 host ${t}s"
  t=$(deploy "$(config 3 true)" "$(release "1.1.$round-canary")"); canary+=("$t"); log "round $round: 3 hosts, canary ${t}s"
  t=$(deploy "$(config 3 false)" "$(release "1.1.$round-parallel")"); parallel+=("$t"); log "round $round: 3 hosts, canary: false ${t}s"
  if [ "$SWARM" != 0 ]; then
    t=$(deploy "$(swarm_config)" "$(release "1.1.$round-swarm")" swarm); swarm+=("$t"); log "round $round: 3-node Swarm ${t}s"
  fi
done

m1=$(median "${one[@]}"); mc=$(median "${canary[@]}"); mp=$(median "${parallel[@]}")
echo "fleet deploy, median of $ROUNDS rounds (wall time of devops-agent deploy, a new release each time; registry: ${REGISTRY:-none, every host builds}):"
printf '  1 host                  %6ss\n' "$m1"
printf '  3 hosts, canary         %6ss   %sx one host\n' "$mc" "$(awk -v a="$mc" -v b="$m1" 'BEGIN { printf "%.2f", a / b }')"
printf '  3 hosts, canary: false  %6ss   %sx one host\n' "$mp" "$(awk -v a="$mp" -v b="$m1" 'BEGIN { printf "%.2f", a / b }')"
if [ "$SWARM" != 0 ]; then
  ms=$(median "${swarm[@]}")
  printf '  3-node Swarm (edge)     %6ss   %sx one host\n' "$ms" "$(awk -v a="$ms" -v b="$m1" 'BEGIN { printf "%.2f", a / b }')"
fi
echo "goal: 3 hosts <= 1.3x one host"
