#!/usr/bin/env bash
# Makes this machine ready for modelship's local path and integration tests:
#   - a running Docker engine (installs Debian's docker.io and starts dockerd when `docker info` fails),
#   - Debian's docker-registry (the local stack's ECR data plane),
#   - the debian:bookworm-slim base image (built with debootstrap when it cannot be pulled),
#   - the project's npm packages.
# Idempotent: each step checks first, so a second run on a ready machine takes a second or two.
set -euo pipefail

log() { printf '[setup] %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=false
apt_install() {
  local missing=()
  for package in "$@"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$apt_updated" = false ]; then
    log "apt-get update"
    as_root apt-get update -qq
    apt_updated=true
  fi
  log "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_docker_engine() {
  if docker info >/dev/null 2>&1; then
    log "Docker engine is running"
    return 0
  fi
  apt_install docker.io
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    log "starting dockerd"
    as_root sh -c 'nohup dockerd >/var/log/modelship-dockerd.log 2>&1 &'
  fi
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { log "Docker engine is running"; return 0; }
    sleep 1
  done
  echo "[setup] dockerd did not become ready in 60 s; see /var/log/modelship-dockerd.log" >&2
  exit 1
}

ensure_base_image() {
  local image=debian:bookworm-slim
  if docker image inspect "$image" >/dev/null 2>&1; then
    log "$image is present"
    return 0
  fi
  if timeout 60 docker pull -q "$image" >/dev/null 2>&1; then
    log "pulled $image"
    return 0
  fi
  apt_install debootstrap
  local root_dir
  root_dir=$(mktemp -d /tmp/modelship-bookworm.XXXXXX)
  log "building $image with debootstrap (a few minutes, once per machine)"
  as_root debootstrap --variant=minbase bookworm "$root_dir" >/tmp/modelship-debootstrap.log 2>&1 || {
    echo "[setup] debootstrap failed; see /tmp/modelship-debootstrap.log" >&2
    exit 1
  }
  as_root rm -rf "$root_dir"/var/cache/apt/archives/*.deb "$root_dir"/var/lib/apt/lists/*
  as_root tar -C "$root_dir" -c . | docker import --change 'CMD ["bash"]' - "$image" >/dev/null
  as_root rm -rf "$root_dir"
  log "imported $image"
}

ensure_npm_packages() {
  local root
  root=$(cd "$(dirname "$0")/.." && pwd)
  if [ -d "$root/node_modules/.bin" ] && [ "$root/node_modules/.package-lock.json" -nt "$root/package-lock.json" ]; then
    log "npm packages are installed"
    return 0
  fi
  log "npm ci"
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
}

apt_install docker-registry
ensure_docker_engine
ensure_base_image
ensure_npm_packages
log "ready"
