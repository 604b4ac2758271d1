/**
 * Generates the input and output tables of each action's README from its action.yml, between
 * `<!-- inputs:start -->`/`<!-- inputs:end -->` and `<!-- outputs:start -->`/`<!-- outputs:end -->`.
 * `npm run docs` rewrites them; a unit test checks they are current.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export interface ActionManifest {
  name: string;
  description: string;
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

const cell = (text: string) =>
  text
    .trim()
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');

function inputsTable(manifest: ActionManifest): string {
  const rows = Object.entries(manifest.inputs ?? {}).map(
    ([name, input]) =>
      `| \`${name}\` | ${input.required ? 'yes' : 'no'} | ${input.default !== undefined && input.default !== '' ? `\`${cell(String(input.default))}\`` : ''} | ${cell(input.description)} |`,
  );
  return ['| Input | Required | Default | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function outputsTable(manifest: ActionManifest): string {
  const rows = Object.entries(manifest.outputs ?? {}).map(
    ([name, output]) => `| \`${name}\` | ${cell(output.description)} |`,
  );
  return ['| Output | Description |', '| --- | --- |', ...rows].join('\n');
}

function replaceBetween(text: string, marker: string, body: string): string {
  const start = `<!-- ${marker}:start -->`;
  const end = `<!-- ${marker}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) return `${text.trimEnd()}\n\n${start}\n${body}\n${end}\n`;
  return `${text.slice(0, from + start.length)}\n${body}\n${text.slice(to)}`;
}

/** The README text with both tables regenerated (markers appended when missing). */
export function renderReadmeTables(readme: string, manifest: ActionManifest): string {
  return replaceBetween(
    replaceBetween(readme, 'inputs', inputsTable(manifest)),
    'outputs',
    outputsTable(manifest),
  );
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  for (const name of readdirSync(path.join(root, 'actions'))) {
    const dir = path.join(root, 'actions', name);
    if (!existsSync(path.join(dir, 'action.yml'))) continue;
    const manifest = parse(readFileSync(path.join(dir, 'action.yml'), 'utf8')) as ActionManifest;
    const file = path.join(dir, 'README.md');
    const readme = existsSync(file)
      ? readFileSync(file, 'utf8')
      : `# ${manifest.name}\n\n${manifest.description}\n`;
    const next = renderReadmeTables(readme, manifest);
    if (next !== readme) {
      writeFileSync(file, next);
      console.log(`docs: updated ${path.relative(root, file)}`);
    }
  }
}
