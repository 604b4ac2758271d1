#!/usr/bin/env bash
# Lints the automation users meet and the automation this repository runs:
#   actionlint (with shellcheck on every run: script) over all workflows,
#   zizmor (offline, no GitHub API) with no findings over workflows and action metadata,
#   yamllint over workflows, action.yml files and ecs-node/playbooks,
#   and a contract check: every step that runs one of our actions passes only inputs its
#   action.yml declares, and every required one.
# Installs what it lacks, at pinned versions, into project-local, gitignored places:
#   actionlint -> .emulator/bin (go install), zizmor and yamllint -> .emulator/lint-venv (pip),
#   shellcheck -> the system (apt-get, when root).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

ACTIONLINT_VERSION=1.7.12
ZIZMOR_VERSION=1.32.0
YAMLLINT_VERSION=1.38.0

bin_dir=$root/.emulator/bin
venv=$root/.emulator/lint-venv

note() { printf '[lint-automation] %s\n' "$*" >&2; }
die() {
  note "$*"
  exit 1
}

ensure_actionlint() {
  local exe=$bin_dir/actionlint
  if [ -x "$exe" ] && "$exe" -version 2>/dev/null | head -1 | grep -qx "v\?$ACTIONLINT_VERSION"; then
    return
  fi
  command -v go >/dev/null || die "actionlint $ACTIONLINT_VERSION is missing and Go is not installed to build it"
  note "installing actionlint $ACTIONLINT_VERSION into ${bin_dir#"$root"/}"
  mkdir -p "$bin_dir"
  GOBIN=$bin_dir GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
}

ensure_shellcheck() {
  command -v shellcheck >/dev/null && return
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null ||
    die "shellcheck is missing: install it (e.g. 'apt-get install shellcheck'); actionlint needs it to check run: scripts"
  note "installing shellcheck with apt-get"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends shellcheck >/dev/null; then
    apt-get update >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends shellcheck >/dev/null
  fi
}

ensure_venv() {
  local python=$venv/bin/python
  if [ -x "$python" ] &&
    [ "$("$venv/bin/zizmor" --version 2>/dev/null)" = "zizmor $ZIZMOR_VERSION" ] &&
    [ "$("$venv/bin/yamllint" --version 2>/dev/null)" = "yamllint $YAMLLINT_VERSION" ]; then
    return
  fi
  note "installing zizmor $ZIZMOR_VERSION and yamllint $YAMLLINT_VERSION into ${venv#"$root"/}"
  [ -x "$python" ] || python3 -m venv "$venv"
  "$python" -m pip install --quiet --disable-pip-version-check \
    "zizmor==$ZIZMOR_VERSION" "yamllint==$YAMLLINT_VERSION"
}

if [ "${SKIP_AUTOMATION_LINT:-}" = 1 ]; then
  note "skipped (SKIP_AUTOMATION_LINT=1: CI lints the automation in its own job)"
  exit 0
fi

ensure_actionlint
ensure_shellcheck
ensure_venv

# Everything we lint. Globs that match nothing (an action not written yet) drop out.
shopt -s nullglob
workflows=(.github/workflows/*.yml examples/app-repo/.github/workflows/*.yml)
action_files=(actions/*/action.yml)
playbooks=()
[ -d ecs-node/playbooks ] && playbooks=(ecs-node/playbooks)
shopt -u nullglob

failed=0
step() {
  local name=$1
  shift
  note "$name"
  if ! "$@"; then
    note "$name: FAILED"
    failed=1
  fi
}

step "actionlint $ACTIONLINT_VERSION (shellcheck $(shellcheck --version | sed -n 's/^version: //p'))" \
  "$bin_dir/actionlint" -config-file .github/actionlint.yaml \
  -shellcheck "$(command -v shellcheck)" "${workflows[@]}"

# --offline: no GitHub API (audits that need it are skipped); a finding of any severity fails.
step "zizmor $ZIZMOR_VERSION (offline)" \
  "$venv/bin/zizmor" --offline --no-progress --config .github/zizmor.yml \
  "${workflows[@]}" "${action_files[@]}"

step "yamllint $YAMLLINT_VERSION" \
  "$venv/bin/yamllint" --strict -c .yamllint.yml \
  .yamllint.yml .github "${action_files[@]}" examples/app-repo "${playbooks[@]}"

step "workflow inputs match actions/*/action.yml" "$venv/bin/python" - "${workflows[@]}" <<'PY'
"""Every step that uses one of our actions (`./actions/<name>`, `./<dir>/actions/<name>` or
`<owner>/<repo>/actions/<name>@<ref>`) passes only inputs that action declares, and all of
its required inputs without a default. actionlint checks local actions it can read, but not
the reusable deploy workflow's step, which runs the action from a second checkout."""
import os
import re
import sys

import yaml

USES = re.compile(r"(?:^|/)actions/([a-z0-9-]+)(?:@.*)?$")
problems = []
for workflow in sys.argv[1:]:
    with open(workflow, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    for job_id, job in (document.get("jobs") or {}).items():
        for index, step in enumerate(job.get("steps") or []):
            uses = step.get("uses", "")
            match = USES.search(uses)
            if not match or uses.startswith(("actions/", "docker://")):
                continue
            metadata_path = os.path.join("actions", match.group(1), "action.yml")
            where = f"{workflow}: job {job_id}, step {step.get('name') or index + 1} ({uses})"
            if not os.path.exists(metadata_path):
                # An action still being written: nothing to check against yet, but say so.
                print(f"warning: {where}: {metadata_path} does not exist yet; inputs not checked")
                continue
            with open(metadata_path, encoding="utf-8") as handle:
                declared = yaml.safe_load(handle).get("inputs") or {}
            given = step.get("with") or {}
            for name in sorted(set(given) - set(declared)):
                problems.append(f"{where}: input '{name}' is not declared in {metadata_path}")
            for name, spec in declared.items():
                spec = spec or {}
                if spec.get("required") and "default" not in spec and name not in given:
                    problems.append(f"{where}: required input '{name}' is missing")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
PY

if [ "$failed" != 0 ]; then
  die "automation lint failed"
fi
note "automation lint passed"
