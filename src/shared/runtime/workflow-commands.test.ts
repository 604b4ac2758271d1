import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseAnnotations, parseFileCommands } from '../../../test/support/action-runner';
import { formatCommand, formatFileCommandValue, setOutput } from './workflow-commands';

describe('workflow commands', () => {
  it.each([
    ['error', 'plain', {}, '::error::plain'],
    [
      'error',
      'multi\nline 100%',
      { title: 'Bad: input, really' },
      '::error title=Bad%3A input%2C really::multi%0Aline 100%25',
    ],
    ['warning', 'w', { file: 'a.json', title: undefined }, '::warning file=a.json::w'],
  ])('%s %p %p', (name, message, properties, expected) => {
    expect(formatCommand(name, message, properties)).toBe(expected);
  });

  it('round-trips annotations through the parser the e2e harness uses', () => {
    const line = formatCommand('error', 'Input x\nis bad: 5%', { title: 'Invalid input: x' });
    expect(parseAnnotations(`noise\n${line}\n`)).toEqual([
      { level: 'error', title: 'Invalid input: x', file: undefined, message: 'Input x\nis bad: 5%' },
    ]);
  });

  it('writes multiline outputs to GITHUB_OUTPUT with a delimiter', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'out-')), 'output');
    writeFileSync(file, '');
    process.env.GITHUB_OUTPUT = file;
    setOutput('json', '{\n"a": 1\n}');
    setOutput('empty', '');
    delete process.env.GITHUB_OUTPUT;
    expect(parseFileCommands(readFileSync(file, 'utf8'))).toEqual({ json: '{\n"a": 1\n}', empty: '' });
  });

  it('refuses a value that contains its delimiter', () => {
    expect(() => formatFileCommandValue('x', 'a D b', 'D')).toThrow('contains its delimiter');
  });
});
