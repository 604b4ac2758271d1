/**
 * A small markdown builder for job summaries. Renderers build one and return its text;
 * only summary.ts hands the text to the runner.
 */
export class Markdown {
  private readonly parts: string[] = [];

  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    this.parts.push(`${'#'.repeat(level)} ${text}`);
    return this;
  }

  paragraph(text: string): this {
    this.parts.push(text);
    return this;
  }

  /** A table; cells are escaped so `|` and newlines cannot break it. */
  table(headers: string[], rows: (string | number | boolean | undefined)[][]): this {
    if (rows.length === 0) return this;
    const line = (cells: (string | number | boolean | undefined)[]) =>
      `| ${cells.map((cell) => escapeCell(cell === undefined ? '' : String(cell))).join(' | ')} |`;
    this.parts.push(
      [line(headers), `|${headers.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n'),
    );
    return this;
  }

  list(items: string[]): this {
    if (items.length > 0) this.parts.push(items.map((item) => `- ${item}`).join('\n'));
    return this;
  }

  code(text: string, language = ''): this {
    const fence = text.includes('```') ? '````' : '```';
    this.parts.push(`${fence}${language}\n${text.replace(/\n$/, '')}\n${fence}`);
    return this;
  }

  details(summary: string, body: string): this {
    this.parts.push(`<details><summary>${escapeHtml(summary)}</summary>\n\n${body}\n\n</details>`);
    return this;
  }

  raw(markdown: string): this {
    if (markdown.trim() !== '') this.parts.push(markdown.trim());
    return this;
  }

  get empty(): boolean {
    return this.parts.length === 0;
  }

  toString(): string {
    return this.parts.length === 0 ? '' : `${this.parts.join('\n\n')}\n`;
  }
}

export function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives backticks in the text. */
export function inlineCode(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}
