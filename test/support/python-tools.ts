/**
 * Finds or installs the Python tools the node-side tests run for real: `ansible-playbook` and
 * `ansible-lint`, pinned, in the project-local virtualenv `.emulator/tools-venv` (gitignored).
 * The first call on a fresh machine installs them (a minute or so); later calls only probe.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './emulator';

/** ansible-core 2.19 is the newest line that runs on Python 3.11 (2.20 needs 3.12). */
export const ANSIBLE_CORE_VERSION = '2.19.14';
export const ANSIBLE_LINT_VERSION = '26.10.1';
export const TOOLS_VENV = path.join(ROOT, '.emulator', 'tools-venv');

export interface PythonTools {
  python: string;
  ansiblePlaybook: string;
  ansibleLint: string;
  /** The venv's bin directory, to put first on PATH. */
  bin: string;
}

function installedVersions(python: string): string | undefined {
  const probe = spawnSync(
    python,
    ['-c', "import importlib.metadata as m; print(m.version('ansible-core'), m.version('ansible-lint'))"],
    { encoding: 'utf8' },
  );
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

/** Paths to the pinned tools, installing them into `.emulator/tools-venv` when missing. */
export function ensurePythonTools(): PythonTools {
  const bin = path.join(TOOLS_VENV, 'bin');
  const python = path.join(bin, 'python');
  const wanted = `${ANSIBLE_CORE_VERSION} ${ANSIBLE_LINT_VERSION}`;
  if (!existsSync(python) || installedVersions(python) !== wanted) {
    process.stderr.write(
      `[python-tools] installing ansible-core ${ANSIBLE_CORE_VERSION} and ansible-lint ${ANSIBLE_LINT_VERSION} into ${path.relative(ROOT, TOOLS_VENV)}\n`,
    );
    mkdirSync(path.dirname(TOOLS_VENV), { recursive: true });
    if (!existsSync(python)) run('python3', ['-m', 'venv', TOOLS_VENV]);
    run(python, [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      `ansible-core==${ANSIBLE_CORE_VERSION}`,
      `ansible-lint==${ANSIBLE_LINT_VERSION}`,
    ]);
    const installed = installedVersions(python);
    if (installed !== wanted) throw new Error(`Installed ${installed ?? 'nothing'}, expected ${wanted}`);
  }
  return {
    python,
    bin,
    ansiblePlaybook: path.join(bin, 'ansible-playbook'),
    ansibleLint: path.join(bin, 'ansible-lint'),
  };
}
