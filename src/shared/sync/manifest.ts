import { createHash } from 'node:crypto';
import { compareStrings } from './tree';

/** One file of a release. */
export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  mode: string;
}

/** `<prefix>/releases/<id>.json`: what a release contains. */
export interface Manifest {
  release: string;
  /**
   * When the release was first published (ISO, milliseconds). Retention orders releases by it:
   * S3's LastModified has one-second resolution.
   */
  created?: string;
  files: ManifestFile[];
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** SHA-256 of text or bytes, hex. */
export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 as S3's `ChecksumSHA256` wants it: base64 of the digest. */
export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** The canonical form of a file list: sorted by path, only the manifest fields. */
export function canonicalFiles(files: readonly ManifestFile[]): ManifestFile[] {
  return files
    .map(({ path, sha256, size, mode }) => ({ path, sha256, size, mode }))
    .sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * A digest of the content alone (paths, hashes, sizes, modes), independent of the release id.
 * The default release id is its first 16 hex digits, so the same tree always gets the same id.
 */
export function treeDigest(files: readonly ManifestFile[]): string {
  return sha256Hex(
    canonicalFiles(files)
      .map((file) => `${file.mode} ${file.sha256} ${file.size} ${file.path}\n`)
      .join(''),
  );
}

/** The release id derived from the content. */
export function contentReleaseId(files: readonly ManifestFile[]): string {
  return treeDigest(files).slice(0, 16);
}

/** Manifest text exactly as uploaded (its SHA-256 goes in the pointer). */
export function serializeManifest(manifest: Manifest): string {
  const { release, created } = manifest;
  return `${JSON.stringify({ release, ...(created ? { created } : {}), files: canonicalFiles(manifest.files) }, null, 1)}\n`;
}

/** Whether two file lists describe the same tree. */
export function sameFiles(a: readonly ManifestFile[], b: readonly ManifestFile[]): boolean {
  return treeDigest(a) === treeDigest(b);
}

/** Why a manifest path is unsafe to write on a node, or undefined. */
export function manifestPathProblem(path: string): string | undefined {
  if (path === '' || path.startsWith('/')) return 'is empty or absolute';
  if (path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..'))
    return 'has an empty, . or .. segment';
  if (path.includes('\\') || path.includes('\u0000')) return 'has a backslash or NUL';
  return undefined;
}

/** Parses and validates manifest text; throws an Error saying what is wrong. */
export function parseManifest(text: string): Manifest {
  const value = JSON.parse(text) as Partial<Manifest>;
  if (typeof value?.release !== 'string' || !Array.isArray(value.files))
    throw new Error('is not a manifest (expected {"release", "files"})');
  const files = value.files.map((file: Partial<ManifestFile>) => {
    const { path, sha256, size, mode } = file ?? {};
    if (typeof path !== 'string' || manifestPathProblem(path))
      throw new Error(`has an invalid path ${JSON.stringify(path)}`);
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))
      throw new Error(`has an invalid sha256 for ${path}`);
    if (!Number.isSafeInteger(size) || (size as number) < 0)
      throw new Error(`has an invalid size for ${path}`);
    if (typeof mode !== 'string' || !/^0[0-7]{3}$/.test(mode))
      throw new Error(`has an invalid mode for ${path}`);
    return { path, sha256, size: size as number, mode };
  });
  const created = typeof value.created === 'string' ? value.created : undefined;
  return { release: value.release, ...(created ? { created } : {}), files };
}
