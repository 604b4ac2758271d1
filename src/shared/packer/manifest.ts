/**
 * Packer's `manifest` post-processor file. Packer appends every run's builds to the same file
 * and records the newest run in `last_run_uuid`, so only builds of that run are this run's.
 * Pure functions: parsing, and finding where a template writes the file.
 */
import path from 'node:path';
import { parseArtifactId, uniqueArtifacts, type AmiArtifact } from './machine-readable';

interface ManifestBuild {
  name?: string;
  builder_type?: string;
  artifact_id?: string;
  packer_run_uuid?: string;
}

/** Packer's default when the post-processor sets no `output`. */
export const DEFAULT_MANIFEST = 'packer-manifest.json';

/**
 * The AMIs of the last run recorded in a manifest's text. Throws a plain Error with a reason
 * when the text is not a manifest.
 */
export function artifactsFromManifest(text: string): AmiArtifact[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON: ${(error as Error).message}`);
  }
  const manifest = parsed as { builds?: unknown; last_run_uuid?: unknown };
  if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.builds))
    throw new Error('has no "builds" list');
  const lastRun = typeof manifest.last_run_uuid === 'string' ? manifest.last_run_uuid : undefined;
  const builds = (manifest.builds as ManifestBuild[]).filter(
    (build) => lastRun === undefined || build.packer_run_uuid === lastRun,
  );
  return uniqueArtifacts(
    builds.flatMap((build) =>
      typeof build.artifact_id === 'string'
        ? parseArtifactId(`${build.builder_type ?? 'build'}.${build.name ?? ''}`, build.artifact_id)
        : [],
    ),
  );
}

/**
 * Where a template's `manifest` post-processor writes, or undefined when it has none. Reads
 * HCL (`post-processor "manifest" { output = "…" }`) and JSON templates. `${path.root}` and
 * `${path.cwd}` are resolved; an output built from other expressions cannot be known before
 * the run, which `dynamic: true` reports.
 */
export function manifestOutput(
  templateText: string,
  templateDir: string,
  cwd: string,
): { file?: string; dynamic?: boolean } | undefined {
  const body = manifestBlock(templateText);
  if (body === undefined) return undefined;
  const output = /\boutput\s*=\s*"([^"]*)"/.exec(body) ?? /"output"\s*:\s*"([^"]*)"/.exec(body);
  if (!output) return { file: path.resolve(cwd, DEFAULT_MANIFEST) };
  const resolved = output[1]
    .replace(/\$\{path\.root\}/g, templateDir)
    .replace(/\$\{path\.cwd\}/g, cwd)
    .replace(/\{\{\s*template_dir\s*\}\}/g, templateDir);
  if (/\$\{|\{\{/.test(resolved)) return { dynamic: true };
  return { file: path.resolve(cwd, resolved) };
}

/** The text of the manifest post-processor's block (HCL) or object (JSON), braces balanced. */
function manifestBlock(text: string): string | undefined {
  const hcl = /post-processors?\s+"manifest"\s*\{/.exec(text);
  if (hcl) return balanced(text, hcl.index + hcl[0].length - 1);
  const json = /"type"\s*:\s*"manifest"/.exec(text);
  if (!json) return undefined;
  // Walk back to the `{` that opens the object holding "type": "manifest".
  let depth = 0;
  for (let i = json.index; i >= 0; i--) {
    if (text[i] === '}') depth++;
    else if (text[i] === '{' && depth-- === 0) return balanced(text, i);
  }
  return undefined;
}

/** From the `{` at `open` to its matching `}` (interpolations such as `${path.root}` balance). */
function balanced(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return text.slice(open, i + 1);
  }
  return text.slice(open);
}
