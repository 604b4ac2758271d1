/**
 * The S3 layout shared by the action and the nodes (ecs-node/bin/ecs-node-sync):
 * `<prefix>/objects/<sha256>` (immutable file contents), `<prefix>/releases/<id>.json`
 * (manifests) and `<prefix>/current.json` (the pointer, written last).
 */
export interface Layout {
  prefix: string;
  objectsPrefix: string;
  releasesPrefix: string;
  pointerKey: string;
  objectKey(sha256: string): string;
  manifestKey(releaseId: string): string;
  /** The release id of a manifest key under `releasesPrefix`, or undefined for other keys. */
  releaseOfKey(key: string): string | undefined;
}

/** Why a prefix is unsafe, or undefined. A trailing `/` is allowed and ignored. */
export function prefixProblem(prefix: string): string | undefined {
  if (prefix.startsWith('/')) return 'must not start with /';
  const trimmed = prefix.replace(/\/$/, '');
  if (trimmed === '') return 'must not be empty';
  if ([...trimmed].some((char) => char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f))
    return 'must not contain backslashes or control characters';
  const segments = trimmed.split('/');
  if (segments.some((segment) => segment === '')) return 'must not contain empty segments (//)';
  if (segments.some((segment) => segment === '..' || segment === '.'))
    return 'must not contain . or .. segments';
  return undefined;
}

/** Release ids are used in keys and directory names on nodes. */
export const RELEASE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The layout under `prefix` (already validated). */
export function layoutFor(prefix: string): Layout {
  const base = prefix.replace(/\/$/, '');
  const releasesPrefix = `${base}/releases/`;
  return {
    prefix: base,
    objectsPrefix: `${base}/objects/`,
    releasesPrefix,
    pointerKey: `${base}/current.json`,
    objectKey: (sha256) => `${base}/objects/${sha256}`,
    manifestKey: (releaseId) => `${releasesPrefix}${releaseId}.json`,
    releaseOfKey: (key) => {
      if (!key.startsWith(releasesPrefix) || !key.endsWith('.json')) return undefined;
      const id = key.slice(releasesPrefix.length, -'.json'.length);
      return RELEASE_ID_PATTERN.test(id) ? id : undefined;
    },
  };
}
