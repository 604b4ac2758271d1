/**
 * Terminal styling for the demo: ANSI colours when stdout is a TTY (and NO_COLOR is unset),
 * plain text otherwise, plus display-width helpers so tables line up with emoji and colours.
 */

/** Text decorations; every function returns its input unchanged when colour is off. */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const identity = (text: string): string => text;

/** A style that adds nothing: for files, pipes and tests. */
export const PLAIN: Style = {
  bold: identity,
  dim: identity,
  green: identity,
  red: identity,
  yellow: identity,
  cyan: identity,
};

const sgr =
  (on: number, off: number) =>
  (text: string): string =>
    text === '' ? text : `\u001b[${on}m${text}\u001b[${off}m`;

/** ANSI SGR colours. */
export const ANSI: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

/** ANSI when `stream` is a terminal and NO_COLOR is not set (https://no-color.org). */
export function styleFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return ANSI;
  return stream.isTTY ? ANSI : PLAIN;
}

// eslint-disable-next-line no-control-regex
const ANSI_SEQUENCE = /\u001b\[[0-9;]*m/g;

/** The text without ANSI colour sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

/** Emoji that terminals draw two cells wide even without a variation selector. */
const WIDE_SYMBOLS = new Set([0x231a, 0x231b, 0x23f3, 0x2705, 0x274c, 0x274e, 0x2753, 0x2754, 0x2755]);

function codePointWidth(code: number): number {
  if (code === 0xfe0f || code === 0x200d || (code >= 0x0300 && code <= 0x036f)) return 0;
  if (code >= 0x1f000 || WIDE_SYMBOLS.has(code) || (code >= 0x1100 && code <= 0x115f)) return 2;
  if (code >= 0x2e80 && code <= 0xa4cf) return 2;
  return 1;
}

/** How many terminal cells `text` takes: colours take none, most emoji take two. */
export function displayWidth(text: string): number {
  let width = 0;
  let previous = 0;
  for (const char of stripAnsi(text)) {
    const code = char.codePointAt(0) ?? 0;
    // VS16 turns a narrow symbol such as ⚠ into a two-cell emoji.
    if (code === 0xfe0f && previous === 1) width += 1;
    previous = codePointWidth(code);
    width += previous;
  }
  return width;
}

/** Pads `text` with spaces to `width` display cells (left, right or centre aligned). */
export function pad(text: string, width: number, align: 'left' | 'right' | 'center' = 'left'): string {
  const missing = Math.max(0, width - displayWidth(text));
  if (align === 'right') return ' '.repeat(missing) + text;
  if (align === 'center') {
    const left = Math.floor(missing / 2);
    return ' '.repeat(left) + text + ' '.repeat(missing - left);
  }
  return text + ' '.repeat(missing);
}
