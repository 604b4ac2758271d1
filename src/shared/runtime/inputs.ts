import { parseDuration, formatDuration } from './duration';
import { InputError } from './errors';

/** Where raw input text comes from; by default the `INPUT_*` variables the runner sets. */
export type InputSource = (name: string) => string | undefined;

/** Reads an input exactly as the runner passes it: `INPUT_<NAME>` upper-cased, spaces as `_`, hyphens kept. */
export const runnerInputs: InputSource = (name) =>
  process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`];

export interface IntegerOptions {
  default?: number;
  min?: number;
  max?: number;
}

export interface DurationOptions {
  default?: string;
  min?: number;
  max?: number;
}

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * The one input parser. Empty means unset. Every method throws an `InputError` naming the input
 * and saying what a valid value looks like. Actions parse all their inputs once, up front.
 */
export class Inputs {
  /** Names read so far; a test compares them with action.yml. */
  readonly names = new Set<string>();

  constructor(private readonly source: InputSource = runnerInputs) {}

  /** Trimmed text, or undefined when empty. */
  optional(name: string): string | undefined {
    this.names.add(name);
    const value = (this.source(name) ?? '').trim();
    return value === '' ? undefined : value;
  }

  required(name: string, hint = "Set it in the step's `with:` block"): string {
    const value = this.optional(name);
    if (value === undefined) throw new InputError(name, 'is required', hint);
    return value;
  }

  string(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  /** `true`/`false` (also yes/no, on/off, 1/0, any case). */
  boolean(name: string, fallback: boolean): boolean {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (['true', 'yes', 'on', '1'].includes(lower)) return true;
    if (['false', 'no', 'off', '0'].includes(lower)) return false;
    throw new InputError(name, `must be true or false, got '${value}'`);
  }

  integer(name: string, options: IntegerOptions = {}): number {
    const value = this.optional(name);
    if (value === undefined) {
      if (options.default === undefined) throw new InputError(name, 'is required', 'Give a whole number');
      return options.default;
    }
    if (!/^-?\d+$/.test(value)) throw new InputError(name, `must be a whole number, got '${value}'`);
    const number = Number(value);
    if (options.min !== undefined && number < options.min)
      throw new InputError(name, `must be at least ${options.min}, got ${number}`);
    if (options.max !== undefined && number > options.max)
      throw new InputError(name, `must be at most ${options.max}, got ${number}`);
    return number;
  }

  /** A duration such as `90s`, `10m`, `1h`, `1h30m`, or a bare number of seconds; returns milliseconds. */
  duration(name: string, options: DurationOptions = {}): number {
    const text = this.optional(name) ?? options.default;
    if (text === undefined)
      throw new InputError(name, 'is required', 'Give a duration such as 90s, 10m or 1h');
    const ms = parseDuration(text);
    if (ms === undefined)
      throw new InputError(
        name,
        `is not a duration: '${text}'`,
        'Use a number with a unit, such as 90s, 10m or 1h',
      );
    if (options.min !== undefined && ms < options.min)
      throw new InputError(name, `must be at least ${formatDuration(options.min)}, got ${text}`);
    if (options.max !== undefined && ms > options.max)
      throw new InputError(name, `must be at most ${formatDuration(options.max)}, got ${text}`);
    return ms;
  }

  /** One of a fixed set of words (case-insensitive); returns the canonical spelling. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const value = this.optional(name);
    if (value === undefined) return fallback;
    const match = choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
    if (!match) throw new InputError(name, `must be one of ${choices.join(', ')}, got '${value}'`);
    return match;
  }

  /**
   * A list: one item per line, and with `commas` also comma-separated. Blank lines and lines
   * starting with `#` are skipped; duplicates are removed keeping the first.
   */
  list(name: string, options: { commas?: boolean } = {}): string[] {
    const value = this.optional(name);
    if (value === undefined) return [];
    return splitList(value, options.commas ?? false);
  }

  /** `KEY=value` lines (the value may contain `=` and be empty). Keys must be unique. */
  map(name: string): Record<string, string> {
    const result: Record<string, string> = {};
    this.list(name, { commas: false }).forEach((line) => {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new InputError(name, `has a line that is not KEY=value: '${line}'`);
      const key = line.slice(0, eq).trim();
      if (!KEY_PATTERN.test(key))
        throw new InputError(name, `has an invalid key '${key}'`, 'Keys are letters, digits, _, . and -');
      if (key in result) throw new InputError(name, `sets '${key}' twice`);
      result[key] = line.slice(eq + 1).trim();
    });
    return result;
  }

  /** JSON text, parsed; `validate` may throw a message (string) that becomes the error. */
  json<T>(name: string, validate?: (value: unknown) => T): T | undefined {
    const value = this.optional(name);
    if (value === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      throw new InputError(name, `is not valid JSON: ${(error as Error).message}`);
    }
    if (!validate) return parsed as T;
    try {
      return validate(parsed);
    } catch (error) {
      throw new InputError(name, (error as Error).message);
    }
  }
}

/** Splits multiline (and optionally comma-separated) text into trimmed, unique, non-comment items. */
export function splitList(text: string, commas: boolean): string[] {
  const items = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .flatMap((line) => (commas ? line.split(',') : [line]))
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...new Set(items)];
}
