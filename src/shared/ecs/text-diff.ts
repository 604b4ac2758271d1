/**
 * A unified-style line diff (`-` removed, `+` added, ` ` kept) with `context` lines around
 * changes; `@@` separates hunks. Longest-common-subsequence based: fine for task definitions
 * (hundreds of lines). Returns '' when the texts are equal.
 */
export function lineDiff(before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const lines: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push(`  ${a[i++]}`);
      j++;
    } else if (j < b.length && (i === a.length || lcs[i][j + 1] >= lcs[i + 1][j])) lines.push(`+ ${b[j++]}`);
    else lines.push(`- ${a[i++]}`);
  }
  return hunks(lines, context);
}

function hunks(lines: string[], context: number): string {
  const changed = lines.map((line) => !line.startsWith('  '));
  if (!changed.includes(true)) return '';
  const keep = lines.map((_, index) =>
    changed.slice(Math.max(0, index - context), index + context + 1).includes(true),
  );
  const out: string[] = [];
  lines.forEach((line, index) => {
    if (keep[index]) out.push(line);
    else if (keep[index - 1]) out.push('@@');
  });
  return out.join('\n');
}
