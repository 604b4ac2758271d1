#!/bin/sh
# Installs the pull script (ecs-node/bin, uploaded to /tmp/ecs-node-bin) where the playbooks'
# sync units run it from (ecs_node_sync_bin). The units themselves, /etc/ecs-node/sync.env and
# the timer are installed by site.yml, which the ansible-local step applies next. Run as root.
set -eu
staging=/tmp/ecs-node-bin
test -f "$staging/ecs-node-sync" || { echo "ecs-node-sync is missing from ecs-node/bin" >&2; exit 1; }
install -m 0755 "$staging/ecs-node-sync" /usr/local/bin/ecs-node-sync
rm -rf "$staging"
/usr/local/bin/ecs-node-sync --help >/dev/null
