/**
 * A small glob matcher for `exclude` patterns, over `/`-separated paths relative to the source
 * directory. Deliberately gitignore-like and dependency-free:
 * - `*` matches within one path segment, `?` one character, `[abc]`/`[!a-z]` a character class;
 * - `**` as a whole segment matches any number of segments (also none);
 * - a pattern without `/` (other than a trailing one) matches a name at any depth (`*.retry`);
 *   one with a `/` is anchored at the source root (`roles/old/**`); a leading `/` anchors too;
 * - a trailing `/` matches directories only; excluding a directory excludes everything in it.
 */

/** One compiled pattern. */
export interface GlobPattern {
  pattern: string;
  regex: RegExp;
  directoryOnly: boolean;
}

/** Why a pattern cannot be compiled, or undefined when it is fine. */
export function globProblem(pattern: string): string | undefined {
  if (pattern.startsWith('!')) return `negation ('${pattern}') is not supported; list what to exclude`;
  if (pattern.includes('\\'))
    return `backslashes are not supported ('${pattern}'); use / between directories`;
  if (/\[[^\]]*$/.test(pattern)) return `'${pattern}' has an unclosed [`;
  if (pattern.replace(/^\/|\/$/g, '') === '') return `'${pattern}' matches nothing`;
  return undefined;
}

/** Compiles one pattern; throws an Error with the problem when it is invalid. */
export function compileGlob(pattern: string): GlobPattern {
  const problem = globProblem(pattern);
  if (problem) throw new Error(problem);
  const directoryOnly = pattern.endsWith('/');
  let body = pattern.replace(/\/+$/, '');
  const anchored = body.includes('/');
  body = body.replace(/^\//, '');
  const segments = body.split('/');
  let source = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') {
      // `**` alone at the end matches everything below; elsewhere zero or more whole segments.
      source += last ? '.*' : '(?:[^/]+/)*';
    } else {
      source += segmentSource(segment) + (last ? '' : '/');
    }
  });
  const prefix = anchored ? '^' : '^(?:.*/)?';
  return { pattern, regex: new RegExp(`${prefix}${source}$`), directoryOnly };
}

function segmentSource(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const char = segment[i];
    if (char === '*') {
      while (segment[i + 1] === '*') i++;
      out += '[^/]*';
    } else if (char === '?') {
      out += '[^/]';
    } else if (char === '[') {
      const end = segment.indexOf(']', i + 2);
      let body = segment.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else {
      out += char.replace(/[.+^${}()|\\]/g, '\\$&');
    }
  }
  return out;
}

/** A matcher over relative paths: true when `path` (a directory when `isDirectory`) is excluded. */
export function createExcludeMatcher(
  patterns: readonly string[],
): (path: string, isDirectory: boolean) => boolean {
  const compiled = patterns.map(compileGlob);
  return (path, isDirectory) =>
    compiled.some((glob) => (isDirectory || !glob.directoryOnly) && glob.regex.test(path));
}
