import { compileGlob, createExcludeMatcher, globProblem } from './glob';

describe('createExcludeMatcher', () => {
  it.each([
    // pattern, path, isDirectory, excluded
    ['*.retry', 'site.retry', false, true],
    ['*.retry', 'roles/a/site.retry', false, true],
    ['*.retry', 'site.retry.yml', false, false],
    ['*.retry', 'retry', false, false],
    ['roles/legacy/', 'roles/legacy', true, true],
    ['roles/legacy/', 'roles/legacy', false, false],
    ['roles/legacy/', 'other/roles/legacy', true, false],
    ['legacy/', 'roles/legacy', true, true],
    ['roles/*/tests', 'roles/node/tests', true, true],
    ['roles/*/tests', 'roles/node/sub/tests', true, false],
    ['roles/**/tests', 'roles/node/sub/tests', true, true],
    ['roles/**/tests', 'roles/tests', true, true],
    ['**/tests', 'tests', true, true],
    ['**/tests', 'a/b/tests', true, true],
    ['docs/**', 'docs/a/b.md', false, true],
    ['docs/**', 'docs', true, false],
    ['/site.yml', 'site.yml', false, true],
    ['/site.yml', 'roles/site.yml', false, false],
    ['file?.yml', 'file1.yml', false, true],
    ['file?.yml', 'file12.yml', false, false],
    ['file[0-9].yml', 'file7.yml', false, true],
    ['file[!0-9].yml', 'file7.yml', false, false],
    ['file[!0-9].yml', 'filex.yml', false, true],
    ['a.b', 'axb', false, false],
    ['(x)+', '(x)+', false, true],
    ['*', 'anything/at/all', false, true],
  ])('%s against %s (directory: %s) → %s', (pattern, path, isDirectory, excluded) => {
    expect(createExcludeMatcher([pattern])(path, isDirectory)).toBe(excluded);
  });

  it('excludes when any pattern matches', () => {
    const matcher = createExcludeMatcher(['*.md', 'tmp/']);
    expect([matcher('README.md', false), matcher('tmp', true), matcher('site.yml', false)]).toEqual([
      true,
      true,
      false,
    ]);
  });
});

describe('globProblem', () => {
  it.each([
    ['!keep', 'negation'],
    ['a\\b', 'backslashes'],
    ['file[0-9', 'unclosed ['],
    ['/', 'matches nothing'],
  ])('%s → %s', (pattern, problem) => {
    expect(globProblem(pattern)).toContain(problem);
    expect(() => compileGlob(pattern)).toThrow(problem);
  });

  it.each(['*.retry', 'roles/**', 'a/'])('accepts %s', (pattern) => {
    expect(globProblem(pattern)).toBeUndefined();
  });
});
