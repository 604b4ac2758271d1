import { FileError } from '../runtime/errors';

// ${KEY} or ${KEY:-default}; $${...} stays literal (an escaped dollar).
const PLACEHOLDER = /\$?\$\{([A-Za-z_][A-Za-z0-9_.-]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${KEY}` and `${KEY:-default}` anywhere in `text` with values from `vars` (the default
 * when KEY is not set); `$${KEY}` becomes a literal `${KEY}`. Throws a `FileError` naming every
 * unresolved placeholder with its line.
 */
export function substitutePlaceholders(text: string, vars: Record<string, string>, file: string): string {
  const unresolved: string[] = [];
  const result = text.replace(
    PLACEHOLDER,
    (match: string, key: string, fallback: string | undefined, offset: number) => {
      if (match.startsWith('$$')) return match.slice(1);
      if (Object.prototype.hasOwnProperty.call(vars, key)) return vars[key];
      if (fallback !== undefined) return fallback;
      unresolved.push(`\${${key}} (line ${lineOf(text, offset)})`);
      return match;
    },
  );
  if (unresolved.length > 0)
    throw new FileError(
      file,
      `unresolved placeholder${unresolved.length > 1 ? 's' : ''} ${unresolved.join(', ')}. Set ${unresolved.length > 1 ? 'them' : 'it'} in the 'vars' input (KEY=value lines) or give a default: \${KEY:-value}`,
    );
  return result;
}

/** 1-based line number of a character offset. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === '\n') line++;
  return line;
}
