#!/usr/bin/env bash
# Installs everything hlab and its tests need on a Debian machine: the daemons the build output is
# checked with and the lab runs (from Debian's packages), then the npm dependencies, then compiles.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(haproxy keepalived corosync corosync-qnetd corosync-qdevice nftables etcd-server etcd-client patroni postgresql pgbackrest openssl
  cloud-init iproute2 wireguard-tools age chromium procps iputils-arping curl shellcheck ansible ansible-lint
  prometheus)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: need root to install: ${missing[*]}" >&2
    exit 1
  fi
  # Packages must not start their daemons on this machine: the lab starts its own, in namespaces.
  added_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  [ "$added_policy" -eq 1 ] && rm -f /usr/sbin/policy-rc.d
fi

npm ci --no-audit --no-fund --loglevel=error
npm run build --silent
