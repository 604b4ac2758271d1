#!/bin/sh
# Installs the pull script (ecs-node/bin, uploaded to /tmp/ecs-node-bin) and its systemd units,
# and records where nodes pull playbook releases from. Run as root.
#   PLAYBOOKS_SOURCE   s3://bucket/prefix that ecs-node-sync is pointed at (may be empty)
#   PLAYBOOKS_POINTER  s3://bucket/prefix/current.json (may be empty)
set -eu
staging=/tmp/ecs-node-bin
test -f "$staging/ecs-node-sync" || { echo "ecs-node-sync is missing from ecs-node/bin" >&2; exit 1; }
install -m 0755 "$staging/ecs-node-sync" /usr/local/bin/ecs-node-sync

install -d -m 0755 /etc/ecs-node
umask 022
cat > /etc/ecs-node/sync.env <<ENV
# Written at bake time; read by ecs-node-sync's systemd units (EnvironmentFile=).
ECS_NODE_SOURCE=${PLAYBOOKS_SOURCE:-}
ECS_NODE_POINTER=${PLAYBOOKS_POINTER:-}
ENV

# Units shipped beside the script, if any (the playbooks install them too).
for unit in "$staging"/*.service "$staging"/*.timer; do
  [ -f "$unit" ] || continue
  install -m 0644 "$unit" /etc/systemd/system/
done

# The ECS agent must not start before the boot run of ecs-node-sync has written
# /etc/ecs/ecs.config (ECS_CLUSTER), or it registers the instance in the default cluster.
install -d -m 0755 /etc/systemd/system/ecs.service.d
cat > /etc/systemd/system/ecs.service.d/10-after-ecs-node-sync.conf <<'UNIT'
[Unit]
Wants=ecs-node-sync.service
After=ecs-node-sync.service
UNIT

systemctl daemon-reload
for timer in /etc/systemd/system/ecs-node-sync*.timer; do
  [ -f "$timer" ] && systemctl enable "$(basename "$timer")"
done
rm -rf "$staging"
