/**
 * What the demo prints: a heading per step, the step's job summary rendered for the terminal,
 * the checks made in AWS afterwards, a verdict line, and at the end the table of all steps.
 */
import { formatDuration } from '../../src/shared/runtime/duration';
import { Markdown } from '../../src/shared/runtime/markdown';
import { describeExpectation, type DemoStep, type StepResult } from './step';
import { renderMarkdown, renderTable } from './terminal-markdown';
import { displayWidth, type Style } from './terminal-style';

const VERDICT_ICON: Record<StepResult['status'], string> = {
  'as-expected': '✔',
  unexpected: '✘',
  skipped: '–',
  'not-run': '✘',
};

/** `━━ 3/9  deploy shop 1.1.0 to dev  (actions/deploy) ━━━━`. */
export function stepHeading(index: number, total: number, step: DemoStep, style: Style): string {
  const origin = step.action ? `actions/${step.action}` : 'world event';
  const text = ` ${index}/${total}  ${step.title}  (${origin}) `;
  return `\n${style.bold(`━━${text}${'━'.repeat(Math.max(4, 78 - displayWidth(text)))}`)}`;
}

/** The body printed after a step: its summary, the AWS checks, and the verdict. */
export function stepReport(result: StepResult, style: Style): string {
  const lines: string[] = [];
  if (result.run) {
    const summary = renderMarkdown(result.run.summary, style);
    lines.push('', summary === '' ? style.dim('(the action wrote no job summary)') : summary);
  }
  if (result.laterNotes.length > 0)
    lines.push('', ...result.laterNotes.map((note) => `${style.yellow('  ⟳')} ${note}`));
  if (result.checks.length > 0) {
    lines.push('', style.bold('Checked in AWS afterwards:'));
    for (const check of result.checks)
      lines.push(`  ${check.ok ? style.green('✔') : style.red('✘')} ${check.text}`);
  }
  if (result.status === 'unexpected' && result.run) {
    lines.push('', style.bold('Last lines of the action log:'));
    lines.push(...tail(result.run.log, 25).map((line) => style.dim(`  ${line}`)));
  }
  lines.push('', verdictLine(result, style));
  return lines.join('\n');
}

function verdictLine(result: StepResult, style: Style): string {
  const expected = describeExpectation(result.step);
  const duration = formatDuration(result.durationMs);
  const icon = VERDICT_ICON[result.status];
  switch (result.status) {
    case 'as-expected': {
      const red = result.run && result.run.exitCode !== 0 ? ' (a red step, as expected)' : '';
      return style.green(`${icon} ${result.actual}${red} in ${duration}`);
    }
    case 'skipped':
      return style.yellow(`${icon} ${result.actual}`);
    default:
      return style.red(`${icon} ${result.actual}, expected: ${expected} (${duration})`);
  }
}

function tail(log: string, count: number): string[] {
  return log.trimEnd().split('\n').slice(-count);
}

/** The final table as markdown (written to the output folder, rendered for the terminal). */
export function finalTableMarkdown(results: StepResult[]): string {
  return new Markdown()
    .table(
      ['#', 'step', 'expected', 'actual', 'ok', 'duration', 'key outputs'],
      results.map((result, index) => [
        index + 1,
        result.step.title,
        describeExpectation(result.step),
        result.actual,
        result.status === 'as-expected' ? 'yes' : result.status === 'skipped' ? 'skipped' : 'NO',
        formatDuration(result.durationMs),
        result.keyOutputs.join('<br>'),
      ]),
    )
    .toString();
}

/** The final table for the terminal, with the verdict column coloured. */
export function finalTable(results: StepResult[], style: Style): string {
  const rows = finalTableMarkdown(results).trimEnd().split('\n');
  return renderTable(rows, style)
    .map((line) =>
      line
        .replace(
          /(\s)yes(\s{2,}|$)/,
          (_, before: string, after: string) => `${before}${style.green('yes')}${after}`,
        )
        .replace(
          /(\s)NO(\s{2,}|$)/,
          (_, before: string, after: string) => `${before}${style.red('NO')}${after}`,
        ),
    )
    .join('\n');
}

/** `All 9 steps ended as expected.` or what went wrong. */
export function closingLine(results: StepResult[], style: Style): string {
  const skipped = results.filter((result) => result.status === 'skipped');
  const bad = results.filter((result) => result.status === 'unexpected' || result.status === 'not-run');
  if (bad.length > 0)
    return style.red(
      `${bad.length} of ${results.length} steps did not end as expected: ${bad.map((r) => r.step.id).join(', ')}.`,
    );
  const ran = results.length - skipped.length;
  const skippedText =
    skipped.length > 0 ? ` (${skipped.length} skipped: ${skipped.map((r) => r.step.id).join(', ')})` : '';
  return style.green(`All ${ran} steps that ran ended as expected${skippedText}.`);
}
