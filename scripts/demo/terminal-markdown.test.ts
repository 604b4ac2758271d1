import { Markdown } from '../../src/shared/runtime/markdown';
import { renderInline, renderMarkdown, renderTable } from './terminal-markdown';
import { ANSI, displayWidth, pad, stripAnsi } from './terminal-style';

describe('renderInline', () => {
  it.each([
    ['plain', 'plain'],
    ['`code` and **bold**', 'code and bold'],
    ['a<br>b', 'a\nb'],
    ['[run 42](https://github.com/o/r/actions/runs/42)', 'run 42 (https://github.com/o/r/actions/runs/42)'],
    ['<https://example.com>', 'https://example.com'],
    ['[https://x.test](https://x.test)', 'https://x.test'],
    ['&lt;none&gt; &amp; more', '<none> & more'],
    ['`a | b` \\| c', 'a | b | c'],
    ['<sub>note</sub> *italic* snake_case_name', 'note italic snake_case_name'],
    ['`**not bold**`', '**not bold**'],
    ['~~gone~~ :white_check_mark:', 'gone :white_check_mark:'],
  ])('%p → %p', (input, expected) => {
    expect(renderInline(input)).toBe(expected);
  });

  it('colours code and bold with ANSI when asked', () => {
    expect(renderInline('`x` **y**', ANSI)).toBe('\u001b[36mx\u001b[39m \u001b[1my\u001b[22m');
  });
});

describe('display width', () => {
  it.each([
    ['abc', 3],
    ['✅ ok', 5],
    ['❌', 2],
    ['⚠️ warn', 7],
    ['🚀', 2],
    ['\u001b[1mbold\u001b[22m', 4],
    ['→ •', 3],
  ])('%p is %d cells', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it.each([
    ['ab', 4, 'left', 'ab  '],
    ['ab', 4, 'right', '  ab'],
    ['ab', 5, 'center', ' ab  '],
    ['✅', 3, 'left', '✅ '],
    ['long', 2, 'left', 'long'],
  ] as const)('pad(%p, %d, %s)', (text, width, align, expected) => {
    expect(pad(text, width, align)).toBe(expected);
  });
});

describe('renderTable', () => {
  it('aligns columns, honours alignment and escaped pipes, and splits <br> cells', () => {
    const rows = [
      '| service | revision | tasks |',
      '| --- | --- | ---: |',
      '| web | shop:2 | 2 |',
      '| a\\|b | line 1<br>line 2 | 10 |',
    ];
    expect(renderTable(rows)).toEqual([
      '  service  revision  tasks',
      '  ───────  ────────  ─────',
      '  web      shop:2        2',
      '  a|b      line 1       10',
      '           line 2',
    ]);
  });

  it('leaves out an empty header row and its rule', () => {
    expect(
      renderTable(['|  |  |', '| --- | --- |', '| Base image | ami-1 |', '| Fingerprint | abc |']),
    ).toEqual(['  Base image   ami-1', '  Fingerprint  abc']);
  });

  it('lines up emoji cells', () => {
    expect(
      renderTable(['| alarm | verdict |', '| --- | --- |', '| a | ✅ ok |', '| bb | ❌ ALARM |']),
    ).toEqual(['  alarm  verdict', '  ─────  ────────', '  a      ✅ ok', '  bb     ❌ ALARM']);
  });
});

describe('renderMarkdown', () => {
  it('renders what the Markdown builder writes, with no HTML left', () => {
    const markdown = new Markdown()
      .heading('Deploy shop:3', 2)
      .paragraph('Deployed **2** services to `shop-dev`.')
      .table(
        ['service', 'result'],
        [
          ['web', 'completed'],
          ['worker', 'rolled back<br>tasks failed'],
        ],
      )
      .list(['one', 'two'])
      .code('{"a":1}', 'json')
      .details('Service events <3>', '- (service web) has reached a steady state.')
      .toString();
    const text = renderMarkdown(markdown);
    expect(text).toBe(
      [
        'Deploy shop:3',
        '─────────────',
        '',
        'Deployed 2 services to shop-dev.',
        '',
        '  service  result',
        '  ───────  ────────────',
        '  web      completed',
        '  worker   rolled back',
        '           tasks failed',
        '',
        '  • one',
        '  • two',
        '',
        '    {"a":1}',
        '',
        '▸ Service events <3>',
        '',
        '  • (service web) has reached a steady state.',
      ].join('\n'),
    );
    expect(text).not.toMatch(/<\/?(details|summary|br)/);
  });

  it.each([
    ['# Title', 'Title\n═════'],
    ['### Small', 'Small'],
    ['> quoted', '│ quoted'],
    ['  - nested', '    ◦ nested'],
    ['1. first', '  1. first'],
    ['---', '─'.repeat(40)],
    ['a\n\n\n\nb', 'a\n\nb'],
    ['````\n```inner```\n````', '    ```inner```'],
  ])('%p', (input, expected) => {
    expect(renderMarkdown(input)).toBe(expected);
  });

  it('keeps colour codes out of the width calculation', () => {
    const text = renderMarkdown('| a | b |\n| --- | --- |\n| `x` | y |', ANSI);
    expect(stripAnsi(text).split('\n')).toEqual(['  a  b', '  ─  ─', '  x  y']);
  });
});
