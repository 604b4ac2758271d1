/**
 * Runs a committed action bundle as the runner does: `node actions/<name>/dist/index.js` with
 * `INPUT_*` variables and the GITHUB_* files, then reads back outputs, summary and annotations.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from './emulator';

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  title?: string;
  file?: string;
  message: string;
}

export interface ActionRun {
  exitCode: number;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  log: string;
  /** Variables the action exported through GITHUB_ENV. */
  env: Record<string, string>;
  durationMs: number;
}

export interface RunActionOptions {
  /** Action inputs by their action.yml names; undefined values are left unset. */
  inputs?: Record<string, string | number | boolean | undefined>;
  /** Extra environment (e.g. AWS_ENDPOINT_URL). */
  env?: Record<string, string | undefined>;
  /** GITHUB_WORKSPACE; defaults to the repository root. */
  workspace?: string;
  /** Kill the process after this many ms (SIGKILL), for kill tests. */
  killAfterMs?: number;
  timeoutMs?: number;
}

/** The environment an action needs to talk to the emulator with dummy credentials. */
export function emulatorEnv(endpoint = process.env.EMULATOR_ENDPOINT): Record<string, string> {
  if (!endpoint) throw new Error('EMULATOR_ENDPOINT is not set');
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOR',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret',
    AWS_REGION: 'us-east-1',
    // The SDK warns on Node 20 that releases after January 2027 need Node 22; runners use node24.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Runs `actions/<action>/dist/index.js` and collects what the runner would see. */
export async function runAction(action: string, options: RunActionOptions = {}): Promise<ActionRun> {
  const temp = mkdtempSync(path.join(tmpdir(), `action-${action}-`));
  const files = {
    GITHUB_OUTPUT: path.join(temp, 'output'),
    GITHUB_STEP_SUMMARY: path.join(temp, 'summary.md'),
    GITHUB_ENV: path.join(temp, 'env'),
    GITHUB_STATE: path.join(temp, 'state'),
    GITHUB_PATH: path.join(temp, 'path'),
  };
  Object.values(files).forEach((file) => writeFileSync(file, ''));
  const inputEnv = Object.fromEntries(
    Object.entries(options.inputs ?? {})
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, String(value)]),
  );
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace ?? ROOT,
    GITHUB_REPOSITORY: 'example/app',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_RUN_ID: '1001',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: temp,
    ...files,
    ...inputEnv,
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  const started = Date.now();
  const { exitCode, log } = await spawnBundle(action, env, options);
  const run: ActionRun = {
    exitCode,
    outputs: parseFileCommands(readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    env: parseFileCommands(readFileSync(files.GITHUB_ENV, 'utf8')),
    summary: readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8'),
    annotations: parseAnnotations(log),
    log,
    durationMs: Date.now() - started,
  };
  rmSync(temp, { recursive: true, force: true });
  return run;
}

function spawnBundle(
  action: string,
  env: NodeJS.ProcessEnv,
  options: RunActionOptions,
): Promise<{ exitCode: number; log: string }> {
  const bundle = path.join(ROOT, 'actions', action, 'dist', 'index.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle], {
      env,
      cwd: env.GITHUB_WORKSPACE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const timers = [
      options.killAfterMs !== undefined
        ? setTimeout(() => child.kill('SIGKILL'), options.killAfterMs)
        : undefined,
      setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 110_000),
    ];
    child.on('error', reject);
    child.on('close', (code, signal) => {
      timers.forEach((timer) => timer && clearTimeout(timer));
      resolve({ exitCode: code ?? (signal ? 128 + 9 : 1), log });
    });
  });
}

/** Parses GITHUB_OUTPUT / GITHUB_ENV content: `name=value` lines and `name<<DELIM` blocks. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delimiter; i++) value.push(lines[i]);
      result[name] = value.join('\n');
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return result;
}

/** Reads `::error title=…::message` workflow commands from a log. */
export function parseAnnotations(log: string): Annotation[] {
  const annotations: Annotation[] = [];
  for (const match of log.matchAll(/^::(error|warning|notice)( [^:]*)?::(.*)$/gm)) {
    const properties = Object.fromEntries(
      (match[2] ?? '')
        .trim()
        .split(',')
        .filter(Boolean)
        .map((pair) => [
          pair.slice(0, pair.indexOf('=')),
          unescapeProperty(pair.slice(pair.indexOf('=') + 1)),
        ]),
    );
    annotations.push({
      level: match[1] as Annotation['level'],
      title: properties.title,
      file: properties.file,
      message: unescapeData(match[3]),
    });
  }
  return annotations;
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text).replace(/%3A/g, ':').replace(/%2C/g, ',');
}
