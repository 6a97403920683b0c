#!/usr/bin/env bash
# Seeds the base images that examples/fullstack names (debian:bookworm-slim, postgres:15, nginx:1.22,
# node:20-bookworm-slim) under their ordinary names, for a Docker daemon that cannot pull. Each
# stand-in is built from scripts/testbed/images/<name>/ only when the image is missing, or when it is
# one of ours (it carries the label below) and its build inputs changed since. An image that came from
# a registry is never replaced. A second run takes a second or two.
#
# Needs: root, a running dockerd, debootstrap (only if debian:bookworm-slim is missing), and the
# host's Node.js 20 at /usr/bin/node with npm beside it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
images="$here/images"
label='org.devops-agent.testbed.stand-in'
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
ca_bundle="${CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
export DOCKER_BUILDKIT=0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

die() { echo "seed-images: $*" >&2; exit 1; }

# Prints the digest of a stand-in's inputs (its folder, extra strings, the base image's id); an
# existing stand-in with another digest is stale.
digest() {
    local dir="$1"
    shift
    {
        (cd "$dir" && find . -type f -print0 | sort -z | xargs -0 sha256sum)
        printf '%s\n' "$@"
        docker image inspect -f '{{.Id}}' debian:bookworm-slim
    } | sha256sum | cut -c1-16
}

# needs NAME DIGEST: succeeds when NAME must be (re)built.
needs() {
    local have
    docker image inspect "$1" >/dev/null 2>&1 || return 0
    have="$(docker image inspect -f "{{index .Config.Labels \"$label\"}}" "$1" 2>/dev/null || true)"
    [ -n "$have" ] && [ "$have" != '<no value>' ] && [ "$have" != "$2" ]
}

# build NAME CONTEXT DIGEST [docker build args...]
build() {
    local name="$1" context="$2" sum="$3" started=$SECONDS log="$work/build.log" old
    shift 3
    old="$(docker image inspect -f '{{.Id}}' "$name" 2>/dev/null || true)"
    if ! docker build --label "$label=$sum" -t "$name" "$@" "$context" >"$log" 2>&1; then
        tail -n 40 "$log" >&2
        die "building $name failed"
    fi
    # The stale stand-in is left untagged; drop it unless a container still uses it.
    [ -z "$old" ] || docker rmi "$old" >/dev/null 2>&1 || true
    echo "built $name in $((SECONDS - started))s"
}

seed_debian() {
    local name='debian:bookworm-slim' started=$SECONDS rootfs="$work/rootfs"
    if docker image inspect "$name" >/dev/null 2>&1; then echo "ok $name (present)"; return; fi
    command -v debootstrap >/dev/null || die "debootstrap is needed to create $name (apt-get install debootstrap)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -n 40 "$work/debootstrap.log" >&2; die "debootstrap failed"; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import -c 'CMD ["bash"]' - "$name" >/dev/null
    echo "built $name in $((SECONDS - started))s"
}

# seed_from_dir NAME DIR: images whose build context is their folder as it is.
seed_from_dir() {
    local name="$1" dir="$images/$2" sum
    sum="$(digest "$dir")"
    if needs "$name" "$sum"; then build "$name" "$dir" "$sum"; else echo "ok $name (present)"; fi
}

seed_node() {
    local name='node:20-bookworm-slim' node npm_dir version sum context="$work/node"
    node="$(readlink -f "$(command -v node || true)")"
    [ -x "$node" ] || die "the host's node binary is needed to build $name"
    version="$("$node" --version)"
    [[ "$version" == v20.* ]] || die "$name needs the host's Node.js 20, found $version"
    npm_dir="$(dirname "$node")/../lib/node_modules/npm"
    [ -f "$npm_dir/bin/npm-cli.js" ] || die "npm not found at $npm_dir"
    [ -f "$ca_bundle" ] || die "CA bundle not found at $ca_bundle"
    sum="$(digest "$images/node" "$version" "$(sha256sum < "$ca_bundle")")"
    if ! needs "$name" "$sum"; then echo "ok $name (present)"; return; fi
    mkdir -p "$context/bin" "$context/lib/node_modules"
    cp "$images/node/Dockerfile" "$context/"
    cp "$node" "$context/bin/node"
    cp -a "$npm_dir" "$context/lib/node_modules/npm"
    cp -L "$ca_bundle" "$context/ca-certificates.crt"
    build "$name" "$context" "$sum" --build-arg "NODE_VERSION=${version#v}"
}

[ "$(id -u)" = 0 ] || die "run as root"
docker info >/dev/null 2>&1 || die "dockerd is not reachable"

seed_debian
seed_from_dir 'postgres:15' postgres
seed_from_dir 'nginx:1.22' nginx
seed_from_dir 'haproxy:2.6' haproxy
seed_node
