import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readTree } from './tree';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'tree-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, content: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), content);
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

describe('readTree', () => {
  it('hashes files in path order, normalises modes, skips .git and excluded paths', async () => {
    write('site.yml', 'site');
    write('roles/b/main.yml', 'b');
    write('roles/a/main.yml', 'a');
    write('bin/run', 'run');
    write('.git/HEAD', 'ref');
    write('x.retry', 'retry');
    write('tmp/scratch', 'scratch');
    chmodSync(path.join(root, 'bin/run'), 0o750);
    chmodSync(path.join(root, 'site.yml'), 0o600);
    const tree = await readTree(root, { exclude: ['*.retry', 'tmp/'], maxFileSize: 1000 });
    expect(tree.files.map((f) => [f.path, f.mode, f.sha256, f.size])).toEqual([
      ['bin/run', '0755', sha('run'), 3],
      ['roles/a/main.yml', '0644', sha('a'), 1],
      ['roles/b/main.yml', '0644', sha('b'), 1],
      ['site.yml', '0644', sha('site'), 4],
    ]);
    expect(tree.excluded).toEqual(['tmp/', 'x.retry']);
    expect(tree.bytes).toBe(9);
  });

  it('follows symlinks that stay inside the source', async () => {
    write('real/file.yml', 'real');
    symlinkSync('real/file.yml', path.join(root, 'link.yml'));
    symlinkSync('real', path.join(root, 'linked-dir'));
    const tree = await readTree(root, { maxFileSize: 1000 });
    expect(tree.files.map((f) => [f.path, f.sha256])).toEqual([
      ['link.yml', sha('real')],
      ['linked-dir/file.yml', sha('real')],
      ['real/file.yml', sha('real')],
    ]);
  });

  it.each([
    ['a symlink leaving the source', () => symlinkSync('/etc', path.join(root, 'etc')), 'leaves the source'],
    ['a broken symlink', () => symlinkSync('nowhere', path.join(root, 'dangling')), 'broken symlink'],
    ['a symlink loop', () => symlinkSync('.', path.join(root, 'loop')), 'symlink loop'],
    ['an oversized file', () => write('big.bin', 'x'.repeat(11)), 'over the 10-byte limit'],
  ])('refuses %s', async (_name, prepare, message) => {
    write('ok.yml', 'ok');
    prepare();
    await expect(readTree(root, { maxFileSize: 10 })).rejects.toThrow(message);
  });

  it('hashes files larger than its read buffer, and yields to other work while hashing', async () => {
    const big = Buffer.alloc(2.5 * 1024 * 1024 + 7, 'playbook\n');
    for (let i = 0; i < 4; i++) write(`files/big${i}.bin`, big.toString());
    let ticks = 0;
    let ticking = setImmediate(function tick() {
      ticks++;
      ticking = setImmediate(tick);
    });
    try {
      const tree = await readTree(root, { maxFileSize: 10 * 1024 * 1024 });
      expect(tree.files.map((f) => f.sha256)).toEqual(Array(4).fill(sha(big.toString())));
      expect(tree.bytes).toBe(4 * big.length);
    } finally {
      clearImmediate(ticking);
    }
    // 10 MiB in 4 MiB slices: the event loop ran between slices, not only at the start.
    expect(ticks).toBeGreaterThanOrEqual(3);
  });

  it('refuses a source that is not a directory', async () => {
    await expect(readTree(path.join(root, 'missing'), { maxFileSize: 10 })).rejects.toThrow(
      'is not a directory',
    );
  });
});
