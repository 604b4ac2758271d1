import { formatDuration, parseDuration } from './duration';

describe('durations', () => {
  it.each([
    ['', undefined],
    ['1h2m3s', 3_723_000],
    ['2m', 120_000],
    ['5ms', 5],
    ['1.5m', undefined],
  ])('parseDuration(%p) = %p', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    [850, '850ms'],
    [12_000, '12s'],
    [185_000, '3m 5s'],
    [600_000, '10m'],
    [3_720_000, '1h 2m'],
    [7_200_000, '2h'],
  ])('formatDuration(%d) = %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
