const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `90s`, `10m`, `1h30m`, `500ms`, or a bare number of seconds.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const parts = /^((\d+)h)?((\d+)m(?!s))?((\d+)s)?((\d+)ms)?$/.exec(value);
  if (!parts || value === '') return undefined;
  const [, , h, , m, , s, , ms] = parts;
  return (
    Number(h ?? 0) * UNITS.h +
    Number(m ?? 0) * UNITS.m +
    Number(s ?? 0) * UNITS.s +
    Number(ms ?? 0) * UNITS.ms
  );
}

/** Formats milliseconds as a short human duration: `1h 2m`, `3m 5s`, `12s`, `850ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return s > 0 ? `${m}m ${s}s` : `${m}m`;
  return `${s}s`;
}
