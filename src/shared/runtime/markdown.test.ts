import { Markdown, inlineCode } from './markdown';

describe('Markdown', () => {
  it('renders headings, tables, lists, code and details', () => {
    const md = new Markdown()
      .heading('Deploy', 2)
      .paragraph('Two services.')
      .table(
        ['service', 'result'],
        [
          ['web|api', 'ok\nfine'],
          ['worker', undefined],
        ],
      )
      .list(['one', 'two'])
      .code('{"a":1}', 'json')
      .details('Events <3>', 'body');
    expect(md.toString()).toMatchSnapshot();
  });

  it('omits empty tables and lists', () => {
    expect(new Markdown().table(['a'], []).list([]).toString()).toBe('');
  });

  it('quotes backticks in inline code', () => {
    expect(inlineCode('a`b')).toBe('`` a`b ``');
    expect(inlineCode('ab')).toBe('`ab`');
  });
});
