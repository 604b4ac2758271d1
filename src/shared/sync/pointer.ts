/** `<prefix>/current.json`: which release nodes apply. Written last, conditionally. */
export interface Pointer {
  release: string;
  /** Key of the manifest. */
  manifest: string;
  /** SHA-256 (hex) of the manifest text; nodes verify it. */
  sha256: string;
  created: string;
  source: { repository?: string; commit?: string };
  /** The release this pointer replaced (null for the first): the chain shows no update was lost. */
  previous: string | null;
}

/** Pointer text as uploaded. */
export function serializePointer(pointer: Pointer): string {
  return `${JSON.stringify(pointer, null, 2)}\n`;
}

/** Parses and validates pointer text; throws an Error saying what is wrong. */
export function parsePointer(text: string): Pointer {
  const value = JSON.parse(text) as Partial<Pointer>;
  for (const field of ['release', 'manifest', 'sha256'] as const)
    if (typeof value?.[field] !== 'string' || value[field] === '') throw new Error(`has no ${field}`);
  if (!/^[0-9a-f]{64}$/.test(value.sha256 as string)) throw new Error('has an invalid sha256');
  return {
    release: value.release as string,
    manifest: value.manifest as string,
    sha256: value.sha256 as string,
    created: typeof value.created === 'string' ? value.created : '',
    source: typeof value.source === 'object' && value.source !== null ? value.source : {},
    previous: typeof value.previous === 'string' ? value.previous : null,
  };
}
