/**
 * `npm run demo` as a newcomer runs it: `node scripts/demo.mjs` in a child process, with its
 * own emulator (not the one the e2e global setup started), every step from the committed
 * bundles. Asserts the exit code, the final table, the summary files, and that the emulator
 * it started is gone afterwards.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from '../../scripts/demo/steps';
import { ROOT } from '../support/emulator';

interface DemoRun {
  code: number | null;
  output: string;
  wallMs: number;
}

/** Runs the demo in its own process group, so a timeout can stop it and everything it started. */
function runDemo(args: string[], timeoutMs: number): Promise<DemoRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, EMULATOR_ENDPOINT: undefined },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output, wallMs: Date.now() - started });
    });
  });
}

/** The final table's rows: the lines after the `Result` rule that start with a step number. */
function finalTableRows(output: string): string[] {
  const table = output.slice(output.lastIndexOf('━━ Result'));
  return table.split('\n').filter((line) => /^\s+\d+\s{2}/.test(line));
}

describe('npm run demo', () => {
  const outputDir = mkdtempSync(path.join(tmpdir(), 'demo-output-'));
  let run: DemoRun;

  beforeAll(async () => {
    run = await runDemo(['--output', outputDir], 280_000);
  }, 300_000);

  afterAll(() => rmSync(outputDir, { recursive: true, force: true }));

  it('exits 0 with every step as expected', () => {
    if (run.code !== 0) console.log(run.output.slice(-8000));
    expect(run.code).toBe(0);
    expect(run.output).toMatch(/All \d+ steps that ran ended as expected/);
  });

  it('prints a final table row per step: step, expected, actual, ok, duration, key outputs', () => {
    const steps = pipeline(outputDir);
    const rows = finalTableRows(run.output);
    expect(rows).toHaveLength(steps.length);
    steps.forEach((step, index) => {
      const row = rows[index];
      expect(row).toContain(step.title);
      expect(row).toMatch(/\s(yes|skipped)\s/);
      if (step.id !== 'bake-ami') expect(row).toMatch(/\syes\s/);
    });
    expect(rows.find((row) => row.includes('(crashes)'))).toMatch(
      /fails: rolled-back\s+failed: rolled-back\s+yes/,
    );
    expect(rows.find((row) => row.includes('while stage-web-5xx is in ALARM'))).toMatch(
      /fails: blocked\s+failed: blocked\s+yes/,
    );
  });

  it('renders the job summaries for the terminal, without HTML', () => {
    expect(run.output).toContain('Gate alarms');
    expect(run.output).not.toMatch(/<\/?(details|summary|br|table)\b/);
    expect(run.output).toContain('emulator control:');
  });

  it('writes each summary as markdown and names the folder', () => {
    expect(run.output).toContain(`Job summaries and logs: ${outputDir}`);
    const table = readFileSync(path.join(outputDir, 'README.md'), 'utf8');
    expect(table).toContain('| # | step | expected | actual |');
    expect(readFileSync(path.join(outputDir, '01-sync-playbooks.md'), 'utf8')).not.toBe('');
    expect(readFileSync(path.join(outputDir, '03-deploy-dev.md'), 'utf8')).toContain('shop');
    expect(existsSync(path.join(outputDir, '08-deploy-dev-fails.log'))).toBe(true);
  });

  it('stops the emulator it started', async () => {
    const endpoint = /Emulator listening on (http:\/\/\S+)/.exec(run.output)?.[1];
    expect(endpoint).toBeDefined();
    await expect(fetch(`${endpoint}/moto-api/data.json`)).rejects.toThrow();
  });
});
