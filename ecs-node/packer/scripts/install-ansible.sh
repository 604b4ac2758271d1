#!/bin/sh
# Installs Ansible on the build instance (run as root). AL2023 ships ansible-core in its
# repositories on current releases; older snapshots fall back to pip.
set -eu
if command -v ansible-playbook >/dev/null 2>&1; then
  ansible-playbook --version | head -1
  exit 0
fi
if ! dnf install -y ansible-core; then
  dnf install -y python3-pip
  python3 -m pip install --no-cache-dir 'ansible-core>=2.15,<2.19'
fi
ansible-playbook --version | head -1
