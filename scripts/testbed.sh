#!/usr/bin/env bash
# The local test bed: Docker Engine + Compose, two SSH "servers" (staging, production), a git origin holding
# the reference stack's releases, and the base images it names. Idempotent; for Debian 12 as root.
#
#   scripts/testbed.sh up      install what is missing, start dockerd and the servers (default)
#   scripts/testbed.sh down    remove the stacks deployed to the servers, stop the servers, delete their state
#   scripts/testbed.sh env     print the variables the tests and the demo read (also in $TB/testbed.env)
#   scripts/testbed.sh status  checks the servers: dockerd answers, each server's sshd runs and accepts the deploy
#                              key, the history PostgreSQL runs (exit 1 when something is down)
#
#   scripts/testbed.sh up --hosts 3      also (after the above) the multi-host bed: 3 hosts with their own dockerd
#                                        and sshd, a Swarm, a registry and an apt proxy (scripts/testbed/hosts.sh;
#                                        variables in $TB/hosts.env)
#   scripts/testbed.sh status --hosts 3  checks the hosts: ssh, docker, a build through the proxy, the registry, Swarm
#   scripts/testbed.sh down --hosts      removes the hosts only (plain `down` removes them first, then the rest)
#
# Each server is an OpenSSH daemon on loopback with its own host key and its own mount namespace, in which
# /var/www is the server's own folder: both see /var/www/shop (the seed's REMOTE_PATH) but not each other's.
# They share this machine's Docker daemon, so each stack needs its own compose project name and HTTP port.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TB=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}
APP_PATH=/var/www/shop
# name:ssh-port:http-port
SERVERS=("staging:2222:8080" "production:2223:8081")

log() { printf '[testbed] %s\n' "$*"; }

require_root() {
  if [ "$(id -u)" != 0 ]; then
    echo "testbed: run as root (it installs packages, starts dockerd and sshd)" >&2
    exit 2
  fi
}

install_packages() {
  local need=()
  command -v dockerd >/dev/null || need+=(docker.io)
  command -v docker-compose >/dev/null || need+=(docker-compose)
  [ -x /usr/sbin/sshd ] || need+=(openssh-server)
  command -v ssh-keygen >/dev/null || need+=(openssh-client)
  command -v git >/dev/null || need+=(git)
  command -v debootstrap >/dev/null || need+=(debootstrap)
  command -v curl >/dev/null || need+=(curl)
  command -v unshare >/dev/null || need+=(util-linux)
  # The dashboard's browser tests drive headless Chromium.
  [ -x /usr/bin/chromium ] || need+=(chromium)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi
}

start_docker() {
  if docker info >/dev/null 2>&1; then
    return
  fi
  log "starting dockerd"
  getent group docker >/dev/null || groupadd --system docker
  # Docker's default pools give about 30 networks; the test classes running two at a time, the chaos run and the
  # zero-downtime slots (data, blue, green, edge networks per stack) need more: 4096 /24 networks from 10.208.0.0/12.
  nohup dockerd --storage-driver=overlay2 --group docker --default-address-pool base=10.208.0.0/12,size=24 >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && return
    sleep 1
  done
  echo "testbed: dockerd did not start; see /var/log/dockerd.log" >&2
  tail -20 /var/log/dockerd.log >&2
  exit 1
}

detect_compose() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
  elif docker-compose version >/dev/null 2>&1; then
    COMPOSE="docker-compose"
  else
    echo "testbed: neither 'docker compose' nor 'docker-compose' works" >&2
    exit 1
  fi
}

setup_deploy_user() {
  if ! id deploy >/dev/null 2>&1; then
    useradd --create-home --shell /bin/bash deploy
  fi
  # '*' (no password, not locked): sshd refuses locked accounts even for public keys when PAM is off.
  usermod --password '*' --append --groups docker deploy
  mkdir -p "$TB/keys"
  chmod 755 "$TB"
  if [ ! -f "$TB/keys/id_ed25519" ]; then
    ssh-keygen -q -t ed25519 -N '' -C devops-agent-testbed -f "$TB/keys/id_ed25519"
  fi
  install -d -o deploy -g deploy -m 700 /home/deploy/.ssh
  install -o deploy -g deploy -m 600 "$TB/keys/id_ed25519.pub" /home/deploy/.ssh/authorized_keys
}

origin() {
  mkdir -p "$TB/origin"
  bash "$ROOT/scripts/testbed/make-history.sh" "$TB/origin/shop.git" >/dev/null
  chmod -R a+rX "$TB/origin"
  # The origin belongs to root; the deploy user clones it, so git must not call it dubious.
  git config --system --get-all safe.directory 2>/dev/null | grep -qxF "$TB/origin/shop.git" \
    || git config --system --add safe.directory "$TB/origin/shop.git"
}

server_env_file() {
  local dir=$1 http_port=$2 name=$3
  [ -f "$dir/.env" ] && return
  # What an operator puts on a server once; deploys never overwrite it.
  (umask 077 && bash "$ROOT/scripts/testbed/server-env.sh" "$name" "$http_port" >"$dir/.env")
  chown deploy:deploy "$dir/.env"
}

# The server's sshd is running: its pid file names a live process that is that sshd (processes can be killed with
# the files kept, and the kernel gives the old pid to another process or thread since: that one is not ours).
sshd_alive() {
  local pid
  pid=$(cat "$1/sshd.pid" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(awk '/^Tgid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" = "$pid" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1/sshd_config"
}

start_server() {
  local name=$1 port=$2 http_port=$3
  local dir="$TB/servers/$name"
  mkdir -p "$dir/www/shop"
  chown deploy:deploy "$dir/www/shop"
  server_env_file "$dir/www/shop" "$http_port" "$name"
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
  cat >"$dir/sshd_config" <<CFG
Port $port
ListenAddress 127.0.0.1
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin no
AllowUsers deploy
UsePAM no
MaxSessions 50
MaxStartups 50:30:100
Subsystem sftp internal-sftp
CFG
  if sshd_alive "$dir"; then
    return
  fi
  mkdir -p /run/sshd /var/www
  /usr/sbin/sshd -t -f "$dir/sshd_config"
  unshare --mount --propagation private -- /bin/sh -c \
    "mount --bind '$dir/www' /var/www && exec /usr/sbin/sshd -f '$dir/sshd_config'"
  for _ in $(seq 1 50); do
    [ -f "$dir/sshd.pid" ] && return
    sleep 0.1
  done
  echo "testbed: sshd for $name did not start" >&2
  exit 1
}

# A PostgreSQL for the shared-history tests (not part of any deployed stack): data in tmpfs, so a restart is a
# fresh database; a test password that is also the canary the secret tests look for in output.
HISTORY_PG=devops-agent-history-pg
HISTORY_PG_PORT=15432
HISTORY_PG_PASSWORD=canary-history-pw-5f2c9e
start_history_pg() {
  local state
  state=$(docker inspect -f '{{.State.Running}}' "$HISTORY_PG" 2>/dev/null || echo missing)
  case "$state" in
    true) ;;
    false) docker start "$HISTORY_PG" >/dev/null ;;
    *) docker run -d --name "$HISTORY_PG" --label org.devops-agent.testbed=history \
         -p "127.0.0.1:$HISTORY_PG_PORT:5432" --tmpfs /var/lib/postgresql/data:rw,size=256m \
         -e POSTGRES_USER=deploy -e POSTGRES_PASSWORD="$HISTORY_PG_PASSWORD" -e POSTGRES_DB=history \
         postgres:15 >/dev/null ;;
  esac
  for _ in $(seq 1 100); do
    docker exec "$HISTORY_PG" pg_isready -q -h 127.0.0.1 -U deploy -d history 2>/dev/null && return
    sleep 0.2
  done
  echo "testbed: PostgreSQL $HISTORY_PG did not become ready" >&2
  docker logs --tail 20 "$HISTORY_PG" >&2 || true
  exit 1
}

write_known_hosts() {
  : >"$TB/keys/known_hosts.new"
  for server in "${SERVERS[@]}"; do
    IFS=: read -r name port _ <<<"$server"
    printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$TB/servers/$name/ssh_host_ed25519_key.pub")" >>"$TB/keys/known_hosts.new"
  done
  mv "$TB/keys/known_hosts.new" "$TB/keys/known_hosts"
}

write_env() {
  {
    echo "DEVOPS_TESTBED_DIR=$TB"
    echo "DEVOPS_TESTBED_KEY=$TB/keys/id_ed25519"
    echo "DEVOPS_TESTBED_KNOWN_HOSTS=$TB/keys/known_hosts"
    echo "DEVOPS_TESTBED_ORIGIN=$TB/origin/shop.git"
    echo "DEVOPS_TESTBED_COMPOSE=$COMPOSE"
    echo "DEVOPS_TESTBED_APP_PATH=$APP_PATH"
    for server in "${SERVERS[@]}"; do
      IFS=: read -r name port http <<<"$server"
      upper=$(echo "$name" | tr '[:lower:]' '[:upper:]')
      echo "DEVOPS_TESTBED_${upper}_HOST=127.0.0.1"
      echo "DEVOPS_TESTBED_${upper}_PORT=$port"
      echo "DEVOPS_TESTBED_${upper}_HTTP_PORT=$http"
    done
    echo "DEVOPS_TESTBED_HISTORY_URL=postgresql://deploy:$HISTORY_PG_PASSWORD@127.0.0.1:$HISTORY_PG_PORT/history"
  } >"$TB/testbed.env"
}

up() {
  require_root
  local started=$SECONDS
  install_packages
  start_docker
  detect_compose
  bash "$ROOT/scripts/testbed/seed-images.sh"
  setup_deploy_user
  origin
  for server in "${SERVERS[@]}"; do
    IFS=: read -r name port http <<<"$server"
    start_server "$name" "$port" "$http"
  done
  start_history_pg
  write_known_hosts
  write_env
  log "ready in $((SECONDS - started))s: staging ssh 127.0.0.1:2222, production ssh 127.0.0.1:2223, user deploy, app $APP_PATH, compose '$COMPOSE', history PostgreSQL 127.0.0.1:$HISTORY_PG_PORT"
  log "variables in $TB/testbed.env"
}

down() {
  require_root
  bash "$ROOT/scripts/testbed/hosts.sh" down
  if docker info >/dev/null 2>&1; then
    # Everything compose started from a server's app folder, whatever project name it was given.
    local projects
    projects=$(docker ps -a --filter "label=com.docker.compose.project.working_dir=$APP_PATH" \
      --format '{{.Label "com.docker.compose.project"}}' | sort -u)
    for project in $projects; do
      log "removing compose project $project"
      docker ps -aq --filter "label=com.docker.compose.project=$project" | xargs -r docker rm -f >/dev/null
      docker volume ls -q --filter "label=com.docker.compose.project=$project" | xargs -r docker volume rm >/dev/null
      docker network ls -q --filter "label=com.docker.compose.project=$project" | xargs -r docker network rm >/dev/null
    done
  fi
  if docker info >/dev/null 2>&1 && docker inspect "$HISTORY_PG" >/dev/null 2>&1; then
    log "removing $HISTORY_PG"
    docker rm -f "$HISTORY_PG" >/dev/null
  fi
  for server in "${SERVERS[@]}"; do
    IFS=: read -r name _ _ <<<"$server"
    local pidfile="$TB/servers/$name/sshd.pid"
    if sshd_alive "$TB/servers/$name"; then
      log "stopping sshd of $name"
      kill "$(cat "$pidfile")"
    fi
  done
  rm -rf "$TB"
  log "down (images kept, so the next 'up' is fast)"
}

# status: what `up` starts, checked without changing anything; one line each, exit 1 when something is down.
status() {
  local failed=0 name port _
  if docker info >/dev/null 2>&1; then log "dockerd: up"; else log "dockerd: DOWN"; failed=1; fi
  for server in "${SERVERS[@]}"; do
    IFS=: read -r name port _ <<<"$server"
    if sshd_alive "$TB/servers/$name" && [ -f "$TB/keys/id_ed25519" ] \
        && ssh -p "$port" -i "$TB/keys/id_ed25519" -o BatchMode=yes -o ConnectTimeout=5 \
          -o UserKnownHostsFile="$TB/keys/known_hosts" deploy@127.0.0.1 true 2>/dev/null; then
      log "$name: sshd up on 127.0.0.1:$port"
    else
      log "$name: sshd DOWN (127.0.0.1:$port)"; failed=1
    fi
  done
  if [ "$(docker inspect -f '{{.State.Running}}' "$HISTORY_PG" 2>/dev/null)" = true ]; then
    log "history PostgreSQL: up on 127.0.0.1:$HISTORY_PG_PORT"
  else
    log "history PostgreSQL: DOWN"; failed=1
  fi
  [ "$failed" = 0 ] || log "something is down: run 'scripts/testbed.sh up'"
  return "$failed"
}

verb=${1:-up}
hosts=
if [ "${2:-}" = --hosts ]; then
  hosts=${3:-3}
elif [ -n "${2:-}" ]; then
  echo "usage: $0 [up|status|down|env] [--hosts N]" >&2; exit 2
fi
case "$verb:${hosts:+hosts}" in
  up:) up ;;
  up:hosts) require_root; up; bash "$ROOT/scripts/testbed/hosts.sh" up "$hosts" ;;
  status:) status ;;
  status:hosts) require_root; status; bash "$ROOT/scripts/testbed/hosts.sh" status "$hosts" ;;
  down:) down ;;
  down:hosts) require_root; bash "$ROOT/scripts/testbed/hosts.sh" down ;;
  env:) cat "$TB/testbed.env" ;;
  *) echo "usage: $0 [up|status|down|env] [--hosts N]" >&2; exit 2 ;;
esac
