#!/usr/bin/env bash
# Shared by the benchmarks (sourced, not run): the test bed's variables, an ssh to a server as the deploy
# user, an app folder of the benchmark's own with its .env, the CLI built in Release, timing and medians.
# The caller sets APP, PROJECT, HTTP_PORT, SSH_PORT and SERVER_DIR first.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}
[ -f "$TB/testbed.env" ] || { echo "bench: the test bed is not up (run scripts/testbed.sh up)" >&2; exit 2; }
# shellcheck disable=SC1091
. "$TB/testbed.env"
COMPOSE=$DEVOPS_TESTBED_COMPOSE
KEY=$DEVOPS_TESTBED_KEY
KNOWN_HOSTS=$DEVOPS_TESTBED_KNOWN_HOSTS
ORIGIN=$DEVOPS_TESTBED_ORIGIN
AGENT_DLL="$ROOT/src/DevOpsAgent.Cli/bin/Release/net10.0/devops-agent.dll"

log() { printf '[bench] %s\n' "$*" >&2; }
remote() {
  ssh -i "$KEY" -o UserKnownHostsFile="$KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o BatchMode=yes \
    -p "$SSH_PORT" deploy@127.0.0.1 "$@"
}
now() { date +%s.%N; }
timed() { local start; start=$(now); "$@"; awk -v a="$start" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) printf "%.2f", v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

WORK=$(mktemp -d)
teardown() {
  log "tearing down compose project $PROJECT"
  remote "cd $APP 2>/dev/null && $COMPOSE -p $PROJECT -f docker-compose.prod.yml down --volumes --remove-orphans" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap teardown EXIT

# The CLI once, in Release; then the app folder and its .env on the server (not timed).
bench_setup() {
  log "building the CLI (Release)"
  dotnet build "$ROOT/src/DevOpsAgent.Cli" -c Release --nologo -v quiet -clp:ErrorsOnly >/dev/null
  # /var/www on a test bed server belongs to root (only /var/www/shop is the deploy user's), so the folder is
  # made from this side of the server's mount; everything inside it is done over ssh as the deploy user.
  install -d -o deploy -g deploy -m 755 "$SERVER_DIR/www/$(basename "$APP")"
  if ! remote "test -f $APP/.env"; then
    log "creating $APP/.env on the server (random secrets)"
    # Sent over stdin, never on a command line.
    bash "$ROOT/scripts/testbed/server-env.sh" production "$HTTP_PORT" | remote "umask 077 && cat > $APP/.env.tmp && mv $APP/.env.tmp $APP/.env"
  fi
}

# The benchmark's devops-agent.yml: its own project, folder and port on the production server.
# Usage: bench_config <tag> [extra top-level YAML, e.g. a migrations section]
bench_config() {
  cat >"$WORK/devops-agent.yml" <<YML
project: $PROJECT
repository: $ORIGIN
compose_files:
  - docker-compose.prod.yml
${2:-}
environments:
  production:
    server: 127.0.0.1
    port: $SSH_PORT
    user: deploy
    path: $APP
    identity_file: $KEY
    known_hosts: $KNOWN_HOSTS
    tag: $1
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
}

# The results as a Markdown table with a median row, then the median ratio on its own line.
# Usage: bench_table <row name> <first column> <second column> <ratio caption> <first times> <second times> <ratios>
# (the last three are names of arrays).
bench_table() {
  local row=$1 first=$2 second=$3 caption=$4
  local -n a=$5 b=$6 r=$7
  echo "| $row | $first | $second | ratio |"
  echo "|---:|---:|---:|---:|"
  for i in "${!a[@]}"; do
    echo "| $((i + 1)) | ${a[$i]} | ${b[$i]} | ${r[$i]} |"
  done
  echo "| median | $(median "${a[@]}") | $(median "${b[@]}") | **$(median "${r[@]}")** |"
  echo
  echo "median $caption: $(median "${r[@]}")"
}

# devops-agent with the benchmark's own config and history; its output kept in $WORK/agent.log.
agent() {
  dotnet "$AGENT_DLL" --config "$WORK/devops-agent.yml" --history "$WORK/history.db" "$@" >"$WORK/agent.log" 2>&1 \
    || { cat "$WORK/agent.log" >&2; exit 1; }
}
