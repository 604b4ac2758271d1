/**
 * Each action's public contract: action.yml declares exactly the inputs and outputs its
 * inputs.ts names, runs on node24 from dist/index.js, describes every entry, and its README
 * carries input/output tables generated from action.yml.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { renderReadmeTables, type ActionManifest } from '../../scripts/readme-tables';

const ROOT = path.resolve(__dirname, '..', '..');
const actions = readdirSync(path.join(ROOT, 'actions')).filter((name) =>
  existsSync(path.join(ROOT, 'actions', name, 'action.yml')),
);

it('finds every action of the pipeline, each with an action.yml', () => {
  expect(actions.sort()).toEqual(['bake-ami', 'deploy', 'promote', 'sync-playbooks']);
});

describe.each(actions)('actions/%s', (name) => {
  const dir = path.join(ROOT, 'actions', name);
  const manifest = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionManifest;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const names = require(path.join(dir, 'src', 'inputs.ts')) as {
    INPUTS: Record<string, string>;
    OUTPUTS: Record<string, string>;
  };

  it('runs on node24 from the committed bundle', () => {
    expect(manifest.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(existsSync(path.join(dir, 'dist', 'index.js'))).toBe(true);
  });

  it('declares exactly the inputs and outputs inputs.ts uses', () => {
    expect(Object.keys(manifest.inputs ?? {}).sort()).toEqual(Object.values(names.INPUTS).sort());
    expect(Object.keys(manifest.outputs ?? {}).sort()).toEqual(Object.values(names.OUTPUTS).sort());
  });

  it('describes every input and output', () => {
    for (const [key, entry] of [
      ...Object.entries(manifest.inputs ?? {}),
      ...Object.entries(manifest.outputs ?? {}),
    ]) {
      expect([key, typeof entry.description === 'string' && entry.description.trim().length > 10]).toEqual([
        key,
        true,
      ]);
    }
  });

  it('has README tables generated from action.yml (run npm run docs)', () => {
    const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
    expect(readme).toBe(renderReadmeTables(readme, manifest));
  });
});
