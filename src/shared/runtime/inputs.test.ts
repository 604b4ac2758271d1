import { InputError } from './errors';
import { Inputs, splitList } from './inputs';

const inputs = (values: Record<string, string>) => new Inputs((name) => values[name]);

describe('Inputs', () => {
  it('treats empty and whitespace as unset', () => {
    expect(inputs({ a: '  ' }).optional('a')).toBeUndefined();
    expect(inputs({ a: ' x ' }).optional('a')).toBe('x');
  });

  it('names the input when a required one is missing', () => {
    expect(() => inputs({}).required('cluster')).toThrow(
      new InputError('cluster', 'is required', "Set it in the step's `with:` block"),
    );
  });

  it('reads INPUT_ variables as the runner sets them (upper-cased, hyphens kept)', () => {
    process.env['INPUT_DRY-RUN'] = 'true';
    expect(new Inputs().boolean('dry-run', false)).toBe(true);
    delete process.env['INPUT_DRY-RUN'];
  });

  it.each([
    ['true', true],
    ['TRUE', true],
    ['yes', true],
    ['1', true],
    ['false', false],
    ['Off', false],
    ['0', false],
    [undefined, true],
  ])('boolean %p → %p', (text, expected) => {
    expect(inputs(text === undefined ? {} : { flag: text }).boolean('flag', true)).toBe(expected);
  });

  it('rejects a boolean it cannot read', () => {
    expect(() => inputs({ flag: 'maybe' }).boolean('flag', false)).toThrow(
      "Input 'flag' must be true or false, got 'maybe'",
    );
  });

  it.each([
    ['5', { min: 1, max: 10 }, 5],
    [undefined, { default: 3 }, 3],
    ['-2', {}, -2],
  ])('integer %p with %p → %p', (text, options, expected) => {
    expect(inputs(text === undefined ? {} : { n: text }).integer('n', options)).toBe(expected);
  });

  it.each([
    ['1.5', {}, 'must be a whole number'],
    ['ten', {}, 'must be a whole number'],
    ['0', { min: 1 }, 'must be at least 1'],
    ['11', { max: 10 }, 'must be at most 10'],
    [undefined, {}, 'is required'],
  ])('integer %p with %p fails: %s', (text, options, message) => {
    expect(() => inputs(text === undefined ? {} : { n: text }).integer('n', options)).toThrow(message);
  });

  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['45', 45_000],
    ['250ms', 250],
  ])('duration %s → %d ms', (text, ms) => {
    expect(inputs({ d: text }).duration('d')).toBe(ms);
  });

  it.each([['10 minutes'], ['1d'], ['-5s'], ['m']])('duration %p is an error naming the input', (text) => {
    expect(() => inputs({ timeout: text }).duration('timeout')).toThrow(
      `Input 'timeout' is not a duration: '${text}'`,
    );
  });

  it('uses the default duration and enforces bounds', () => {
    expect(inputs({}).duration('d', { default: '10s' })).toBe(10_000);
    expect(() => inputs({ d: '0s' }).duration('d', { min: 1000 })).toThrow('must be at least 1s');
  });

  it('reads choices case-insensitively and names the valid ones', () => {
    expect(inputs({ r: 'NONE' }).choice('r', ['auto', 'none'] as const, 'auto')).toBe('none');
    expect(() => inputs({ r: 'sometimes' }).choice('r', ['auto', 'none'] as const, 'auto')).toThrow(
      "Input 'r' must be one of auto, none, got 'sometimes'",
    );
  });

  it.each([
    ['a\nb\n\n# comment\nc', false, ['a', 'b', 'c']],
    ['a, b\nc', true, ['a', 'b', 'c']],
    ['a, b', false, ['a, b']],
    ['a\na', false, ['a']],
  ])('list %p (commas %p) → %p', (text, commas, expected) => {
    expect(splitList(text, commas)).toEqual(expected);
  });

  it('reads KEY=value maps, keeping = in values', () => {
    expect(inputs({ vars: 'A=1\nB = x=y\nEMPTY=' }).map('vars')).toEqual({ A: '1', B: 'x=y', EMPTY: '' });
  });

  it.each([
    ['novalue', 'is not KEY=value'],
    ['=x', 'is not KEY=value'],
    ['A=1\nA=2', "sets 'A' twice"],
    ['BAD KEY=1', "invalid key 'BAD KEY'"],
  ])('map %p fails: %s', (text, message) => {
    expect(() => inputs({ vars: text }).map('vars')).toThrow(message);
  });

  it('parses and validates JSON', () => {
    expect(inputs({ j: '{"a":1}' }).json('j')).toEqual({ a: 1 });
    expect(() => inputs({ j: '{a' }).json('j')).toThrow("Input 'j' is not valid JSON");
    expect(() =>
      inputs({ j: '[]' }).json('j', (value) => {
        if (!Array.isArray(value) || value.length === 0) throw new Error('must be a non-empty list');
        return value;
      }),
    ).toThrow("Input 'j' must be a non-empty list");
  });

  it('remembers which inputs were read', () => {
    const reader = inputs({});
    reader.optional('a');
    reader.boolean('b', true);
    expect([...reader.names]).toEqual(['a', 'b']);
  });
});
