/**
 * Renders a job summary (GitHub-flavoured markdown as the actions write it) for a terminal:
 * headings underlined, tables aligned in columns, lists with bullets, code indented,
 * `<details>` opened, links and HTML reduced to text. No raw HTML reaches the screen.
 */
import { displayWidth, pad, PLAIN, type Style } from './terminal-style';

type Align = 'left' | 'right' | 'center';

/** Renders `markdown` as terminal text (no trailing newline). */
export function renderMarkdown(markdown: string, style: Style = PLAIN): string {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    const consumed = renderBlock(lines, i, out, style);
    i += consumed;
  }
  return collapseBlankLines(out)
    .join('\n')
    .replace(/^\n+|\s+$/g, '');
}

/** Renders the block starting at `lines[start]` into `out`; returns how many lines it used. */
function renderBlock(lines: string[], start: number, out: string[], style: Style): number {
  const line = lines[start];
  const fence = /^\s*(`{3,}|~{3,})/.exec(line);
  if (fence) return renderCode(lines, start, fence[1], out, style);
  if (/^\s*\|/.test(line)) {
    let end = start;
    while (end < lines.length && /^\s*\|/.test(lines[end])) end++;
    out.push('', ...renderTable(lines.slice(start, end), style), '');
    return end - start;
  }
  const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
  if (heading) {
    out.push('', ...renderHeading(renderInline(heading[2], style), heading[1].length, style), '');
    return 1;
  }
  const summary = /<summary>(.*?)<\/summary>/i.exec(line);
  if (/^\s*<details/i.test(line) || summary) {
    if (summary) out.push('', style.bold(`▸ ${renderInline(decodeEntities(summary[1]), style)}`), '');
    return 1;
  }
  if (/^\s*<\/details>\s*$/i.test(line)) return 1;
  if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
    out.push(style.dim('─'.repeat(40)));
    return 1;
  }
  const item = /^(\s*)([-*+]|\d+[.)])\s+(.*)$/.exec(line);
  if (item) {
    const depth = Math.floor(item[1].length / 2);
    const marker = /\d/.test(item[2]) ? item[2] : depth === 0 ? '•' : '◦';
    const text = renderInline(item[3], style).split('\n');
    const indent = '  '.repeat(depth + 1);
    out.push(`${indent}${marker} ${text[0]}`, ...text.slice(1).map((rest) => `${indent}  ${rest}`));
    return 1;
  }
  const quote = /^\s*>\s?(.*)$/.exec(line);
  if (quote) {
    out.push(
      ...renderInline(quote[1], style)
        .split('\n')
        .map((text) => style.dim('│ ') + text),
    );
    return 1;
  }
  out.push(...(line.trim() === '' ? [''] : renderInline(line.trim(), style).split('\n')));
  return 1;
}

function renderHeading(text: string, level: number, style: Style): string[] {
  if (level <= 2) return [style.bold(text), style.dim((level === 1 ? '═' : '─').repeat(displayWidth(text)))];
  return [style.bold(text)];
}

function renderCode(lines: string[], start: number, fence: string, out: string[], style: Style): number {
  let end = start + 1;
  const closing = new RegExp(`^\\s*${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
  while (end < lines.length && !closing.test(lines[end])) end++;
  out.push('', ...lines.slice(start + 1, end).map((code) => `    ${style.dim(code)}`), '');
  return Math.min(end + 1, lines.length) - start;
}

/** Aligns a markdown table: header, a rule, then rows; `<br>` in a cell makes it multi-line. */
export function renderTable(rows: string[], style: Style = PLAIN): string[] {
  const parsed = rows.map(splitRow);
  const separatorIndex = parsed.findIndex((cells) => cells.every((cell) => /^:?-+:?$/.test(cell.trim())));
  const aligns: Align[] =
    separatorIndex >= 0
      ? parsed[separatorIndex].map((cell) => {
          const text = cell.trim();
          if (text.startsWith(':') && text.endsWith(':')) return 'center';
          return text.endsWith(':') ? 'right' : 'left';
        })
      : [];
  const body = parsed.filter((_, index) => index !== separatorIndex);
  const columns = Math.max(...body.map((cells) => cells.length));
  const cells = body.map((row) =>
    Array.from({ length: columns }, (_, column) =>
      renderInline(row[column]?.trim() ?? '', style).split('\n'),
    ),
  );
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(...cells.flatMap((row) => row[column].map(displayWidth))),
  );
  const out: string[] = [];
  // A key/value table often has an empty header row: print no header and no rule then.
  const hasHeader = separatorIndex === 1 && cells[0].some((cell) => cell.join('') !== '');
  if (separatorIndex === 1 && !hasHeader) cells.shift();
  cells.forEach((row, rowIndex) => {
    const height = Math.max(...row.map((cell) => cell.length));
    for (let lineIndex = 0; lineIndex < height; lineIndex++) {
      const parts = row.map((cell, column) =>
        pad(cell[lineIndex] ?? '', widths[column], aligns[column] ?? 'left'),
      );
      const text = parts.join('  ').trimEnd();
      out.push(rowIndex === 0 && hasHeader ? style.bold(text) : text);
    }
    if (rowIndex === 0 && hasHeader) out.push(style.dim(widths.map((width) => '─'.repeat(width)).join('  ')));
  });
  return out.map((line) => `  ${line}`);
}

/** Splits `| a | b\|c |` into cells, honouring `\|` escapes. */
function splitRow(row: string): string[] {
  const text = row.trim().replace(/^\|/, '');
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '\\' && (text[i + 1] === '|' || text[i + 1] === '\\')) {
      current += text[i + 1] === '|' ? '|' : '\\\\';
      i++;
    } else if (char === '|') {
      cells.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  if (current.trim() !== '') cells.push(current);
  return cells;
}

/** Inline markdown to terminal text: code spans, emphasis, links, `<br>`, entities, tags. */
export function renderInline(text: string, style: Style = PLAIN): string {
  const spans: string[] = [];
  // Code spans first, so nothing inside them is treated as markup.
  let result = text.replace(/(`+)\s?([\s\S]*?)\s?\1(?!`)/g, (_, __, code: string) => {
    spans.push(style.cyan(decodeEntities(code)));
    return `\u0000${spans.length - 1}\u0000`;
  });
  result = result
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_, label: string, url: string) =>
      label === url ? url : `${label} (${url})`,
    )
    .replace(/<(https?:\/\/[^>\s]+)>/g, '$1')
    .replace(/<\/?[a-z][^>]*>/gi, '')
    .replace(/\*\*([^*]+)\*\*/g, (_, bold: string) => style.bold(bold))
    .replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?!\w)/g, (_, before: string, italic: string) => before + italic)
    .replace(/~~([^~]+)~~/g, '$1')
    .replace(/\\([!-/:-@[-`{-~])/g, '$1');
  result = decodeEntities(result);
  // eslint-disable-next-line no-control-regex
  return result.replace(/\u0000(\d+)\u0000/g, (_, index: string) => spans[Number(index)]);
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function collapseBlankLines(lines: string[]): string[] {
  return lines.filter((line, index) => line.trim() !== '' || (index > 0 && lines[index - 1].trim() !== ''));
}
