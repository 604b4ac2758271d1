import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { FileError } from '../runtime/errors';
import { mapConcurrent } from '../runtime/concurrency';
import { createExcludeMatcher } from './glob';

/** A file of the local tree, hashed. */
export interface LocalFile {
  /** Relative path, `/`-separated. */
  path: string;
  /** Where to read it (symlinks inside the source are followed). */
  absolutePath: string;
  sha256: string;
  size: number;
  /** `0755` when any execute bit is set, else `0644`: checkouts differ in umask, nodes should not. */
  mode: '0644' | '0755';
}

export interface TreeOptions {
  exclude?: readonly string[];
  /** Files larger than this are refused (bytes). */
  maxFileSize: number;
  /** Files hashed at once. */
  concurrency?: number;
}

export interface LocalTree {
  files: LocalFile[];
  /** Relative paths left out by `exclude` (directories once, not their contents). */
  excluded: string[];
  bytes: number;
}

interface Found {
  path: string;
  absolutePath: string;
  size: number;
  executable: boolean;
}

/**
 * Reads and hashes every file under `source`. Skips `.git`; follows symlinks only while they stay
 * inside `source`; refuses special files and files over `maxFileSize`. Throws a `FileError`
 * naming the file, before anything is written anywhere.
 */
export async function readTree(source: string, options: TreeOptions): Promise<LocalTree> {
  const info = await stat(source).catch(() => undefined);
  if (!info?.isDirectory()) throw new FileError(source, 'is not a directory');
  const root = await realpath(source);
  const excludes = createExcludeMatcher(options.exclude ?? []);
  const found: Found[] = [];
  const excluded: string[] = [];
  await walk(root, '', new Set([root]), {
    root,
    excludes,
    found,
    excluded,
    maxFileSize: options.maxFileSize,
  });
  const files = await mapConcurrent(found, options.concurrency ?? 16, async (file) => ({
    path: file.path,
    absolutePath: file.absolutePath,
    size: file.size,
    mode: file.executable ? ('0755' as const) : ('0644' as const),
    sha256: await hashFile(file.absolutePath, file.size),
  }));
  files.sort((a, b) => compareStrings(a.path, b.path));
  return { files, excluded: excluded.sort(compareStrings), bytes: files.reduce((sum, f) => sum + f.size, 0) };
}

interface WalkState {
  root: string;
  excludes: (path: string, isDirectory: boolean) => boolean;
  found: Found[];
  excluded: string[];
  maxFileSize: number;
}

async function walk(
  directory: string,
  relative: string,
  ancestors: Set<string>,
  state: WalkState,
): Promise<void> {
  const entries = await readdir(directory, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => compareStrings(a.name, b.name))) {
    if (entry.name === '.git') continue;
    const relPath = relative ? `${relative}/${entry.name}` : entry.name;
    const absolute = path.join(directory, entry.name);
    const target = entry.isSymbolicLink() ? await resolveLink(absolute, relPath, state.root) : absolute;
    const info = await stat(target);
    if (info.isDirectory()) {
      if (state.excludes(relPath, true)) {
        state.excluded.push(`${relPath}/`);
        continue;
      }
      const real = await realpath(target);
      if (ancestors.has(real)) throw new FileError(relPath, 'is a symlink loop');
      await walk(target, relPath, new Set([...ancestors, real]), state);
    } else if (state.excludes(relPath, false)) {
      state.excluded.push(relPath);
    } else if (!info.isFile()) {
      throw new FileError(
        relPath,
        'is a special file (device, socket or pipe); only regular files can be synced',
      );
    } else if (info.size > state.maxFileSize) {
      throw new FileError(
        relPath,
        `is ${info.size} bytes, over the ${state.maxFileSize}-byte limit for playbook files; exclude it or ship it another way`,
      );
    } else {
      state.found.push({
        path: relPath,
        absolutePath: target,
        size: info.size,
        executable: (info.mode & 0o111) !== 0,
      });
    }
  }
}

async function resolveLink(absolute: string, relPath: string, root: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    throw new FileError(relPath, 'is a broken symlink');
  }
  if (real !== root && !real.startsWith(`${root}${path.sep}`))
    throw new FileError(relPath, `is a symlink that leaves the source directory (to ${real})`);
  return real;
}

/** Files up to this size are read whole: for small files a stream costs more than the hashing. */
const STREAM_ABOVE = 1024 * 1024;

/** SHA-256 of a file's contents, hex. */
export async function hashFile(file: string, size = Infinity): Promise<string> {
  if (size <= STREAM_ABOVE)
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('error', reject)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Byte-order comparison (not locale), so manifests sort the same everywhere. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
