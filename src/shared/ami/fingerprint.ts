/**
 * The build fingerprint and the AMI name. The fingerprint says "this exact build was done
 * before": same base image, same template files, same variables, same playbook release. Pure.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../runtime/errors';

export interface FingerprintInput {
  baseAmiId: string;
  /** Template files by path relative to the template directory, with their content hashes. */
  templateFiles: { path: string; sha256: string }[];
  /** The `vars` input (not the per-run variables such as ami_name). */
  vars: Record<string, string>;
  /** The playbook release the image bakes in (`release@sha256` of the pointer), if any. */
  playbooksRelease?: string;
}

/** Bumped when the fingerprint's meaning changes, so old images are not matched by mistake. */
const SCHEME = 'bake-ami/v1';

/** sha256 (hex) over a canonical form of the input: order of files and vars does not matter. */
export function computeFingerprint(input: FingerprintInput): string {
  const canonical = {
    scheme: SCHEME,
    baseAmiId: input.baseAmiId,
    templateFiles: [...input.templateFiles]
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
      .map((file) => [file.path, file.sha256]),
    vars: Object.keys(input.vars)
      .sort()
      .map((key) => [key, input.vars[key]]),
    playbooksRelease: input.playbooksRelease ?? null,
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** Characters EC2 allows in AMI names. */
const AMI_NAME_CHARS = /^[A-Za-z0-9()[\] ./'@_-]+$/;
const SHORT_FINGERPRINT = 12;
/** `-YYYYMMDD-HHMMSS-` + 12 hex characters. */
const SUFFIX_LENGTH = 1 + 8 + 1 + 6 + 1 + SHORT_FINGERPRINT;
const MAX_AMI_NAME = 128;

/** Checks the `name-prefix` input: AMI name characters, room for the suffix, no wildcards. */
export function validateNamePrefix(prefix: string, input = 'name-prefix'): string {
  if (!AMI_NAME_CHARS.test(prefix))
    throw new InputError(
      input,
      `has characters an AMI name cannot contain: '${prefix}'`,
      "Use letters, digits, spaces and ( ) [ ] . / - ' @ _",
    );
  if (prefix.length < 2 || prefix.length > MAX_AMI_NAME - SUFFIX_LENGTH)
    throw new InputError(
      input,
      `must be 2 to ${MAX_AMI_NAME - SUFFIX_LENGTH} characters long, got ${prefix.length}`,
    );
  return prefix;
}

/** `<prefix>-<YYYYMMDD>-<HHMMSS>-<first 12 of the fingerprint>`, in UTC: unique and sortable. */
export function amiName(prefix: string, fingerprint: string, time: Date): string {
  const iso = time.toISOString();
  const date = iso.slice(0, 10).replace(/-/g, '');
  const clock = iso.slice(11, 19).replace(/:/g, '');
  return `${prefix}-${date}-${clock}-${shortFingerprint(fingerprint)}`;
}

/** The part of the fingerprint `amiName` puts in the name. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.slice(0, SHORT_FINGERPRINT);
}

/** A name `amiName` made, taken apart. */
export interface AmiNameParts {
  prefix: string;
  buildTime: Date;
  shortFingerprint: string;
}

/** `<prefix>-YYYYMMDD-HHMMSS-<12 hex>`: the suffix has a fixed length, so the prefix is unambiguous. */
const AMI_NAME = /^(.+)-(\d{4})(\d\d)(\d\d)-(\d\d)(\d\d)(\d\d)-([0-9a-f]{12})$/;

/**
 * The inverse of `amiName`: prefix, build time and short fingerprint, or undefined when the name
 * is not shaped exactly like one (or its date is not a real one).
 */
export function parseAmiName(name: string | undefined): AmiNameParts | undefined {
  const match = AMI_NAME.exec(name ?? '');
  if (!match) return undefined;
  const [, prefix, year, month, day, hour, minute, second, short] = match;
  const iso = `${year}-${month}-${day}T${hour}:${minute}:${second}.000Z`;
  const buildTime = new Date(iso);
  // Date accepts 2025-02-30 (rolling over): a round trip rejects dates that do not exist.
  if (Number.isNaN(buildTime.getTime()) || buildTime.toISOString() !== iso) return undefined;
  return { prefix, buildTime, shortFingerprint: short };
}
