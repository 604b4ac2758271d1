#!/bin/sh
# Last step before Packer captures the image (run as root): leave nothing that belongs to the
# build instance, so every instance launched from the image starts as a new node.
set -eu

# ECS agent: stop it and clear its state, or new instances reuse the build instance's
# registration (container instance ARN) and fail to join their cluster cleanly.
systemctl stop ecs 2>/dev/null || true
rm -rf /var/lib/ecs/data/*
rm -f /var/log/ecs/*.log

# ecs-node-sync: no run may be in flight at capture, and no release may be recorded as applied,
# so the boot run applies the current release with this instance's tags (the object cache stays).
systemctl stop ecs-node-sync.timer ecs-node-sync.service 2>/dev/null || true
rm -f /opt/ecs-node/state/applied.json /opt/ecs-node/state/lock

# What site.yml wrote for the build instance (placeholder cluster, its instance id); the boot run
# writes both again before the ECS agent starts.
rm -f /etc/container_config/node.config /etc/ecs/ecs.config

# SSH host keys: regenerated at first boot, so instances do not share keys.
rm -f /etc/ssh/ssh_host_*

# cloud-init: forget this instance so it runs again (user data, hostname) on the next boot.
cloud-init clean --logs --seed 2>/dev/null || rm -rf /var/lib/cloud/instances /var/lib/cloud/instance

# machine-id: empty (not absent) makes systemd generate a new one at first boot.
truncate -s 0 /etc/machine-id
rm -f /var/lib/dbus/machine-id

# Build leftovers.
rm -rf /root/.ansible /home/*/.ansible /tmp/packer-provisioner-ansible-local* /var/cache/dnf/*
sync
