#!/usr/bin/env bash
# The multi-host part of the test bed (issue 12): N "hosts", each a network namespace dahostI (10.77.0.1I)
# with its own dockerd and sshd, joined into a Swarm; a registry (Debian's docker-registry) on 10.77.0.1:5000
# and an apt proxy (apt-cacher-ng) on 10.77.0.1:3142. Called by testbed.sh (up/status/down --hosts N).
#
#   hosts.sh up N | status N | down
#
# Layout: the hosts' veths meet on a bridge in a namespace of its own (dabr), so nothing is added to the root
# namespace's iptables, which belong to the main engine; the root namespace joins that bridge through one veth,
# 10.77.0.1, where the registry and the proxy listen and nothing else. Each host's engine runs in a private
# mount namespace (the cgroup hierarchies mounted again: `ip netns exec` mounts a fresh /sys) with a UTS
# namespace of its own, so Swarm sees three hostnames; its /etc/docker is /etc/netns/dahostI/docker. Each
# host's sshd sees its own /var/www (as the single-server bed's servers do) and sets DOCKER_HOST, so `docker`
# and `docker-compose` over SSH reach that host's engine. The hosts have no route out: their builds reach
# Debian's mirror (and npm's registry, CONNECT only) through the proxy, which the base images loaded into them
# name in /etc/apt/apt.conf.d and npm's global config.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TB=${DEVOPS_TESTBED_DIR:-/var/lib/devops-agent-testbed}
H=$TB/hosts
APP_PATH=/var/www/shop
BRIDGE_NS=dabr
GATEWAY=10.77.0.1
REGISTRY=$GATEWAY:5000
PROXY=http://$GATEWAY:3142
HTTP_PORT=8080
MAX_HOSTS=9
BASE_IMAGES=(debian:bookworm-slim postgres:15 nginx:1.22 node:20-bookworm-slim haproxy:2.6)
PROXIED_LABEL=org.devops-agent.testbed.hosts-proxy

log() { printf '[testbed hosts] %s\n' "$*"; }
die() { echo "testbed hosts: $*" >&2; exit 1; }

name_of() { echo "dahost$1"; }
ip_of() { echo "10.77.0.1$1"; }
sock_of() { echo "/run/dahost$1/docker.sock"; }
hdocker() { local i=$1; shift; DOCKER_HOST="unix://$(sock_of "$i")" docker "$@"; }
# A pid file's process is alive and is the program named (a pid file outliving its process — processes killed, files
# kept — may name a pid the kernel gave to another process since, or a thread: that is not alive).
alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  [ "$(awk '/^Tgid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)" = "$pid" ] || return 1
  [ -z "${2:-}" ] || tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

install_packages() {
  local need=()
  command -v docker-registry >/dev/null || need+=(docker-registry)
  [ -x /usr/sbin/apt-cacher-ng ] || need+=(apt-cacher-ng)
  command -v ip >/dev/null || need+=(iproute2)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    apt-get update -qq
    # The packages' own services must not start (they would listen on every interface): only ours, below.
    local policy=/usr/sbin/policy-rc.d restore=
    if [ -e $policy ]; then restore=$(mktemp); cp -p $policy "$restore"; fi
    printf '#!/bin/sh\nexit 101\n' >$policy && chmod 755 $policy
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    if [ -n "$restore" ]; then mv "$restore" $policy; else rm -f $policy; fi
  fi
}

network() {
  local n=$1 i name
  ip netns list | grep -qw "^$BRIDGE_NS" || ip netns add $BRIDGE_NS
  ip -n $BRIDGE_NS link show br0 >/dev/null 2>&1 || ip -n $BRIDGE_NS link add br0 type bridge
  ip -n $BRIDGE_NS link set lo up
  ip -n $BRIDGE_NS link set br0 up
  if ! ip link show dabr0 >/dev/null 2>&1; then
    ip link add dabr0 type veth peer name gw netns $BRIDGE_NS
  fi
  ip addr show dev dabr0 | grep -q "inet $GATEWAY/" || ip addr add $GATEWAY/24 dev dabr0
  ip link set dabr0 up
  ip -n $BRIDGE_NS link set gw master br0 up
  for i in $(seq 1 "$n"); do
    name=$(name_of "$i")
    ip netns list | grep -qw "^$name" || ip netns add "$name"
    if ! ip -n $BRIDGE_NS link show "h$i" >/dev/null 2>&1; then
      ip -n $BRIDGE_NS link add "h$i" type veth peer name eth0 netns "$name"
    fi
    ip -n $BRIDGE_NS link set "h$i" master br0 up
    ip -n "$name" link set lo up
    ip -n "$name" addr show dev eth0 | grep -q "inet $(ip_of "$i")/" || ip -n "$name" addr add "$(ip_of "$i")/24" dev eth0
    ip -n "$name" link set eth0 up
    # What `ip netns exec` binds over /etc for everything run in the host.
    mkdir -p "/etc/netns/$name/docker"
    echo "$name" >"/etc/netns/$name/hostname"
    {
      echo "127.0.0.1 localhost"
      echo "$GATEWAY dabr-gateway"
      for j in $(seq 1 "$n"); do echo "$(ip_of "$j") $(name_of "$j")"; done
    } >"/etc/netns/$name/hosts"
    # Nothing resolves names in the hosts (no route out); localhost refuses at once instead of timing out.
    echo "nameserver 127.0.0.1" >"/etc/netns/$name/resolv.conf"
  done
}

# A registry on the gateway only (Debian's docker-registry, its own config and storage; no auth: bed only).
registry() {
  mkdir -p "$H/registry/data"
  cat >"$H/registry/config.yml" <<CFG
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $H/registry/data
  delete:
    enabled: true
http:
  addr: $REGISTRY
CFG
  alive "$H/registry/pid" docker-registry && return
  nohup docker-registry serve "$H/registry/config.yml" >"$H/registry/log" 2>&1 &
  echo $! >"$H/registry/pid"
}

# apt-cacher-ng on the gateway only, with a configuration of its own: no remapping to Debian's mirror list
# (its default backend, ftp.debian.org, is not what this machine reaches), so it fetches what apt asks for;
# HTTPS passes through (CONNECT) to npm's registry and Debian's hosts only.
apt_proxy() {
  mkdir -p "$H/acng/cache" "$H/acng/log" "$H/acng/run"
  cat >"$H/acng/acng.conf" <<CFG
CacheDir: $H/acng/cache
LogDir: $H/acng/log
SupportDir: /usr/lib/apt-cacher-ng
BindAddress: $GATEWAY
Port: 3142
PidFile: $H/acng/run/pid
SocketPath: $H/acng/run/socket
ExThreshold: 4
PassThroughPattern: ^(registry\\.npmjs\\.org|deb\\.debian\\.org|security\\.debian\\.org):443\$
CFG
  alive "$H/acng/run/pid" apt-cacher-ng && return
  /usr/sbin/apt-cacher-ng -c "$H/acng" ForeGround=0 >"$H/acng/log/start.log" 2>&1
  for _ in $(seq 1 50); do alive "$H/acng/run/pid" apt-cacher-ng && return; sleep 0.1; done
  die "apt-cacher-ng did not start; see $H/acng/log"
}

wait_port() {
  local addr=$1 port=$2 what=$3
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/$addr/$port") 2>/dev/null && return
    sleep 0.1
  done
  die "$what is not listening on $addr:$port"
}

cgroup_mounts() {
  # The root namespace's cgroup hierarchies (v1 controllers, named ones, the v2 one), as mount commands.
  awk '$3 == "cgroup" || $3 == "cgroup2" { print $2, $3, $4 }' /proc/self/mounts | while read -r dir type opts; do
    local keep
    keep=$(tr ',' '\n' <<<"$opts" | grep -vE '^(rw|ro|relatime|nosuid|nodev|noexec)$' | paste -sd, -)
    if [ "$type" = cgroup2 ]; then
      echo "mkdir -p $dir && mount -t cgroup2 cgroup2 $dir"
    else
      case "$keep" in name=*) keep="none,$keep" ;; esac
      echo "mkdir -p $dir && mount -t cgroup -o $keep cgroup $dir"
    fi
  done
}

start_dockerd() {
  local i=$1 name dir
  name=$(name_of "$i")
  dir="$H/$name"
  mkdir -p "$dir/docker" "/run/$name"
  cat >"/etc/netns/$name/docker/daemon.json" <<CFG
{
  "data-root": "$dir/docker",
  "exec-root": "/run/$name/exec",
  "pidfile": "/run/$name/dockerd.pid",
  "hosts": ["unix://$(sock_of "$i")"],
  "group": "docker",
  "storage-driver": "overlay2",
  "bip": "10.78.$i.1/24",
  "default-address-pools": [{ "base": "10.79.$((i * 16)).0/20", "size": 24 }],
  "insecure-registries": ["$REGISTRY"],
  "cgroup-parent": "/$name",
  "log-driver": "json-file",
  "log-opts": { "max-size": "5m" }
}
CFG
  alive "/run/$name/dockerd.pid" dockerd && hdocker "$i" info >/dev/null 2>&1 && return
  rm -f "/run/$name/dockerd.pid"
  local mounts
  mounts=$(cgroup_mounts | paste -sd';' -)
  # setsid: the engine outlives this script and its terminal.
  setsid -f ip netns exec "$name" unshare --mount --uts --propagation private -- /bin/sh -c \
    "hostname $name; mount -t tmpfs -o mode=755 cgroup /sys/fs/cgroup; $mounts; exec dockerd --config-file /etc/docker/daemon.json" \
    >"$dir/dockerd.log" 2>&1 </dev/null
}

wait_dockerd() {
  local i=$1 name attempt
  name=$(name_of "$i")
  for attempt in 1 2; do
    for _ in $(seq 1 120); do
      hdocker "$i" info >/dev/null 2>&1 && return
      sleep 0.25
    done
    [ "$attempt" = 2 ] && break
    # Seen once in a clean-clone CI run, on a loaded machine, restarting an engine killed with -9 while its containers'
    # shims lived on: its containerd did not come up within dockerd's own wait ("timeout waiting for containerd to
    # start") and dockerd exited. Once more, after clearing what the failed start left.
    log "the engine of $name did not answer within 30 s; starting it once more"
    if alive "/run/$name/dockerd.pid" dockerd; then kill -9 "$(cat "/run/$name/dockerd.pid")"; fi
    pkill -9 -f "containerd --config /run/$name/exec/containerd/containerd.toml" 2>/dev/null || true
    sleep 1
    start_dockerd "$i"
  done
  tail -20 "$H/$name/dockerd.log" >&2
  die "the engine of $name did not start"
}

start_sshd() {
  local i=$1 name dir
  name=$(name_of "$i")
  dir="$H/$name"
  mkdir -p "$dir/www/shop"
  chown deploy:deploy "$dir/www/shop"
  if [ ! -f "$dir/www/shop/.env" ]; then
    (umask 077 && bash "$ROOT/scripts/testbed/server-env.sh" production "$HTTP_PORT" >"$dir/www/shop/.env")
    chown deploy:deploy "$dir/www/shop/.env"
  fi
  [ -f "$dir/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$dir/ssh_host_ed25519_key"
  cat >"$dir/sshd_config" <<CFG
Port 22
ListenAddress $(ip_of "$i")
HostKey $dir/ssh_host_ed25519_key
PidFile $dir/sshd.pid
AuthorizedKeysFile .ssh/authorized_keys $H/authorized_keys
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers deploy root
UsePAM no
MaxSessions 50
MaxStartups 50:30:100
SetEnv DOCKER_HOST=unix://$(sock_of "$i")
Subsystem sftp internal-sftp
CFG
  alive "$dir/sshd.pid" sshd && return
  rm -f "$dir/sshd.pid"
  /usr/sbin/sshd -t -f "$dir/sshd_config"
  ip netns exec "$name" unshare --mount --uts --propagation private -- /bin/sh -c \
    "hostname $name; mount --bind '$dir/www' /var/www && exec /usr/sbin/sshd -f '$dir/sshd_config'"
  for _ in $(seq 1 50); do [ -f "$dir/sshd.pid" ] && return; sleep 0.1; done
  die "sshd of $name did not start"
}

# The main engine's base images, with the proxy named in apt's and npm's configuration, loaded into a host
# engine that lacks them (or has an older copy). One `docker save` for all hosts.
proxied_images() {
  local out=$H/images sum
  sum=$( { for image in "${BASE_IMAGES[@]}"; do docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true; done; echo "$PROXY"; } | sha256sum | cut -c1-16)
  if [ -f "$out/images.tar" ] && [ "$(cat "$out/sum" 2>/dev/null)" = "$sum" ]; then
    return
  fi
  log "preparing the base images for the hosts"
  mkdir -p "$out/ctx"
  cat >"$out/ctx/Dockerfile" <<'DF'
ARG BASE
FROM $BASE
ARG PROXY
ARG SUM
USER root
RUN set -e; if [ -d /etc/apt/apt.conf.d ]; then printf 'Acquire::http::Proxy "%s";\n' "$PROXY" >/etc/apt/apt.conf.d/01devops-agent-testbed-proxy; fi; \
    if command -v npm >/dev/null 2>&1; then mkdir -p /usr/local/etc && printf 'proxy=%s\nhttps-proxy=%s\n' "$PROXY" "$PROXY" >>/usr/local/etc/npmrc; fi
LABEL org.devops-agent.testbed.hosts-proxy=$SUM
DF
  local present=()
  for image in "${BASE_IMAGES[@]}"; do
    docker image inspect "$image" >/dev/null 2>&1 || continue
    local user
    user=$(docker image inspect -f '{{.Config.User}}' "$image")
    DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$image" --build-arg "PROXY=$PROXY" --build-arg "SUM=$sum" \
      -t "devops-agent-hosts/${image//[:\/]/-}" "$out/ctx" >/dev/null 2>&1
    if [ -n "$user" ]; then
      # The stand-in's own user comes back after the root step above.
      printf 'FROM devops-agent-hosts/%s\nUSER %s\n' "${image//[:\/]/-}" "$user" | DOCKER_BUILDKIT=0 docker build -q -t "devops-agent-hosts/${image//[:\/]/-}" - >/dev/null
    fi
    present+=("$image")
  done
  local tags=()
  for image in "${present[@]}"; do tags+=("devops-agent-hosts/${image//[:\/]/-}"); done
  docker save -o "$out/images.tar.new" "${tags[@]}"
  mv "$out/images.tar.new" "$out/images.tar"
  printf '%s\n' "${present[@]}" >"$out/list"
  echo "$sum" >"$out/sum"
}

load_images() {
  local i=$1 sum
  sum=$(cat "$H/images/sum")
  if [ "$(hdocker "$i" image inspect -f "{{index .Config.Labels \"$PROXIED_LABEL\"}}" debian:bookworm-slim 2>/dev/null)" = "$sum" ]; then
    return
  fi
  hdocker "$i" load -q -i "$H/images/images.tar" >/dev/null
  while read -r image; do
    hdocker "$i" tag "devops-agent-hosts/${image//[:\/]/-}" "$image"
    hdocker "$i" rmi "devops-agent-hosts/${image//[:\/]/-}" >/dev/null
  done <"$H/images/list"
}

swarm() {
  local n=$1 i state token
  state=$(hdocker 1 info -f '{{.Swarm.LocalNodeState}}')
  if [ "$state" != active ]; then
    hdocker 1 swarm init --advertise-addr "$(ip_of 1)" --listen-addr "$(ip_of 1):2377" \
      --default-addr-pool 10.76.0.0/16 --default-addr-pool-mask-length 24 >/dev/null
  fi
  token=$(hdocker 1 swarm join-token -q worker)
  for i in $(seq 2 "$n"); do
    state=$(hdocker "$i" info -f '{{.Swarm.LocalNodeState}}')
    [ "$state" = active ] && continue
    [ "$state" = inactive ] || hdocker "$i" swarm leave --force >/dev/null 2>&1 || true
    hdocker "$i" swarm join --advertise-addr "$(ip_of "$i")" --listen-addr "$(ip_of "$i"):2377" \
      --token "$token" "$(ip_of 1):2377" >/dev/null
  done
}

write_env() {
  local n=$1 i
  : >"$H/known_hosts.new"
  for i in $(seq 1 "$n"); do
    printf '%s %s\n' "$(ip_of "$i")" "$(cut -d' ' -f1,2 "$H/$(name_of "$i")/ssh_host_ed25519_key.pub")" >>"$H/known_hosts.new"
  done
  mv "$H/known_hosts.new" "$H/known_hosts"
  {
    echo "DEVOPS_TESTBED_HOSTS_COUNT=$n"
    echo "DEVOPS_TESTBED_HOSTS_KEY=$TB/keys/id_ed25519"
    echo "DEVOPS_TESTBED_HOSTS_KNOWN_HOSTS=$H/known_hosts"
    echo "DEVOPS_TESTBED_HOSTS_ORIGIN=$TB/origin/shop.git"
    echo "DEVOPS_TESTBED_HOSTS_APP_PATH=$APP_PATH"
    echo "DEVOPS_TESTBED_HOSTS_HTTP_PORT=$HTTP_PORT"
    echo "DEVOPS_TESTBED_HOSTS_REGISTRY=$REGISTRY"
    echo "DEVOPS_TESTBED_HOSTS_APT_PROXY=$PROXY"
    echo "DEVOPS_TESTBED_HOSTS_GATEWAY=$GATEWAY"
    for i in $(seq 1 "$n"); do
      echo "DEVOPS_TESTBED_HOST${i}_NAME=$(name_of "$i")"
      echo "DEVOPS_TESTBED_HOST${i}_ADDRESS=$(ip_of "$i")"
      echo "DEVOPS_TESTBED_HOST${i}_SSH_PORT=22"
      echo "DEVOPS_TESTBED_HOST${i}_DOCKER_HOST=unix://$(sock_of "$i")"
      echo "DEVOPS_TESTBED_HOST${i}_DOCKERD_PIDFILE=/run/$(name_of "$i")/dockerd.pid"
    done
  } >"$H/hosts.env.new"
  mv "$H/hosts.env.new" "$TB/hosts.env"
}

up() {
  local n=$1 started=$SECONDS i loads=()
  [[ "$n" =~ ^[1-9]$ ]] && [ "$n" -le $MAX_HOSTS ] || die "--hosts takes a number from 1 to $MAX_HOSTS"
  [ -f "$TB/testbed.env" ] || die "the main bed is not up: run scripts/testbed.sh up first"
  install_packages
  mkdir -p "$H"
  install -m 644 "$TB/keys/id_ed25519.pub" "$H/authorized_keys"
  network "$n"
  registry
  apt_proxy
  for i in $(seq 1 "$n"); do start_dockerd "$i"; done
  proxied_images
  wait_port $GATEWAY 5000 "the registry"
  wait_port $GATEWAY 3142 "apt-cacher-ng"
  for i in $(seq 1 "$n"); do
    wait_dockerd "$i"
    start_sshd "$i"
    load_images "$i" &
    loads+=($!)
  done
  for pid in "${loads[@]}"; do wait "$pid"; done
  swarm "$n"
  write_env "$n"
  log "ready in $((SECONDS - started))s: $n hosts $(ip_of 1)..$(ip_of "$n") (ssh :22, user deploy or root), Swarm manager $(name_of 1), registry $REGISTRY, apt proxy $PROXY"
  log "variables in $TB/hosts.env"
}

status() {
  local n=$1 i failed=0 ssh_opts
  [ -f "$TB/hosts.env" ] || die "the hosts are not up ($TB/hosts.env is missing): run scripts/testbed.sh up --hosts $n"
  ssh_opts=(-i "$TB/keys/id_ed25519" -o UserKnownHostsFile="$H/known_hosts" -o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=5)
  check() { local what=$1; shift; if "$@" >"$H/status.log" 2>&1; then log "ok   $what"; else log "FAIL $what: $(tail -3 "$H/status.log" | tr '\n' ' ')"; failed=1; fi; }
  for i in $(seq 1 "$n"); do
    check "$(name_of "$i"): ssh as deploy, docker reaches its own engine" \
      sh -c "[ \"\$(ssh ${ssh_opts[*]} deploy@$(ip_of "$i") docker info -f '{{.Name}}')\" = $(name_of "$i") ]"
    check "$(name_of "$i"): ssh as root, the app folder is the host's own" \
      ssh "${ssh_opts[@]}" "root@$(ip_of "$i")" test -f $APP_PATH/.env
    check "$(name_of "$i"): git clones the bed's origin" \
      ssh "${ssh_opts[@]}" "deploy@$(ip_of "$i")" "git ls-remote $TB/origin/shop.git HEAD"
  done
  check "$(name_of 1): a build installs a Debian package through the apt proxy" \
    sh -c "printf 'FROM debian:bookworm-slim\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends jq >/dev/null && jq --version\n' \
      | ssh ${ssh_opts[*]} deploy@$(ip_of 1) 'DOCKER_BUILDKIT=0 docker build -q -t devops-agent-hosts/status-probe - && docker rmi devops-agent-hosts/status-probe'"
  check "registry: $(name_of 1) pushes, $(name_of "$n") pulls" \
    sh -c "hdocker() { local i=\$1; shift; DOCKER_HOST=unix:///run/dahost\$i/docker.sock docker \"\$@\"; }
      hdocker 1 tag debian:bookworm-slim $REGISTRY/status-probe:latest && hdocker 1 push -q $REGISTRY/status-probe:latest \
      && hdocker 1 rmi $REGISTRY/status-probe:latest && hdocker $n pull -q $REGISTRY/status-probe:latest && hdocker $n rmi $REGISTRY/status-probe:latest"
  check "swarm: $n nodes Ready" \
    sh -c "[ \"\$(DOCKER_HOST=unix://$(sock_of 1) docker node ls --format '{{.Status}}' | grep -c Ready)\" = $n ]"
  [ $failed = 0 ] || die "some checks failed"
  log "all checks passed"
}

down() {
  local i name
  for dir in "$H"/dahost*; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    if alive "$dir/sshd.pid" sshd; then log "stopping sshd of $name"; kill "$(cat "$dir/sshd.pid")"; fi
    if alive "/run/$name/dockerd.pid" dockerd; then
      log "stopping the engine of $name"
      # Containers first (their volumes and networks go with the data root).
      DOCKER_HOST="unix:///run/$name/docker.sock" docker ps -q | xargs -r env DOCKER_HOST="unix:///run/$name/docker.sock" docker kill >/dev/null 2>&1 || true
      kill "$(cat "/run/$name/dockerd.pid")"
      for _ in $(seq 1 100); do alive "/run/$name/dockerd.pid" dockerd || break; sleep 0.1; done
      alive "/run/$name/dockerd.pid" dockerd && kill -9 "$(cat "/run/$name/dockerd.pid")"
    fi
  done
  for pid in "$H/registry/pid" "$H/acng/run/pid"; do
    if alive "$pid"; then kill "$(cat "$pid")"; fi
  done
  for ns in $(ip netns list | awk '{print $1}' | grep -E '^dahost[0-9]+$'); do
    ip netns del "$ns"
    rm -rf "/etc/netns/$ns" "/run/$ns"
  done
  ip netns list | grep -qw "^$BRIDGE_NS" && ip netns del $BRIDGE_NS
  ip link del dabr0 2>/dev/null || true
  # Data roots hold overlay mounts of the engines' own namespaces only, gone with them.
  rm -rf "$H" "$TB/hosts.env"
  log "hosts down"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  status) status "${2:-3}" ;;
  down) down ;;
  *) echo "usage: $0 up N | status N | down" >&2; exit 2 ;;
esac
