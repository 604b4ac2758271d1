/**
 * Finds or installs the Python that runs the patched moto emulator, and starts/stops it.
 * Used by the Jest global setup, `npm run emulator`, the demo and the benchmarks.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

/** The moto release the emulator patches were written against (test/support/emulator). */
export const MOTO_VERSION = '5.2.1';
export const ROOT = path.resolve(__dirname, '..', '..');
export const VENV = path.join(ROOT, '.emulator', 'venv');
const LAUNCHER = path.join(ROOT, 'test', 'support', 'emulator', 'launcher.py');
const PIP_PACKAGES = [`moto[server]==${MOTO_VERSION}`, 'pytest==8.4.2'];

export interface Emulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
  /** Everything the emulator printed, for failure reports. */
  output(): string;
}

function motoVersion(python: string): string | undefined {
  const probe = spawnSync(python, ['-c', 'import moto, pytest; print(moto.__version__)'], {
    encoding: 'utf8',
  });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

function log(message: string): void {
  process.stderr.write(`[emulator] ${message}\n`);
}

/**
 * A Python interpreter with the pinned moto (and pytest). Prefers the project-local virtualenv,
 * then the interpreter behind `moto_server` on PATH, then `python3`; otherwise creates
 * `.emulator/venv` and installs the pinned packages into it.
 */
export function ensureEmulatorPython(): string {
  const venvPython = path.join(VENV, 'bin', 'python');
  const candidates = [venvPython, ...pythonBehindMotoServer(), 'python3'];
  for (const python of candidates) {
    if (python !== 'python3' && !existsSync(python)) continue;
    if (motoVersion(python) === MOTO_VERSION) return python;
  }
  log(`moto ${MOTO_VERSION} not found; installing it into ${path.relative(ROOT, VENV)}`);
  mkdirSync(path.dirname(VENV), { recursive: true });
  run('python3', ['-m', 'venv', VENV]);
  run(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...PIP_PACKAGES]);
  const installed = motoVersion(venvPython);
  if (installed !== MOTO_VERSION)
    throw new Error(`Installed moto ${installed ?? 'nothing'}, expected ${MOTO_VERSION}`);
  return venvPython;
}

function pythonBehindMotoServer(): string[] {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  const script = which.stdout.trim();
  if (which.status !== 0 || !script) return [];
  // pyenv shims are shell scripts; ask pyenv which interpreter they run.
  const pyenv = spawnSync('sh', ['-c', 'pyenv which python3 2>/dev/null'], { encoding: 'utf8' });
  const shebang = spawnSync('head', ['-1', script], { encoding: 'utf8' }).stdout.trim();
  const fromShebang = shebang.startsWith('#!') && shebang.includes('python') ? [shebang.slice(2).trim()] : [];
  return [...fromShebang, ...(pyenv.status === 0 && pyenv.stdout.trim() ? [pyenv.stdout.trim()] : [])];
}

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status}`);
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts the patched emulator on 127.0.0.1 and resolves once it answers. */
export async function startEmulator(options: { port?: number; quiet?: boolean } = {}): Promise<Emulator> {
  const python = ensureEmulatorPython();
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(python, [LAUNCHER, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilAnswering(endpoint, child, () => output);
  return {
    endpoint,
    port,
    output: () => output,
    stop: () => stopProcess(child),
  };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The emulator exited with code ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`The emulator did not answer on ${endpoint} within 60 s:\n${output()}`);
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Forgets everything the emulator holds (`POST /moto-api/reset`). */
export async function resetEmulator(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`Emulator reset failed: HTTP ${response.status}`);
}
