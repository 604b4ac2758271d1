import { appendStepSummary } from './workflow-commands';

/**
 * Appends markdown to the job summary. The only place that writes the summary file.
 * Outside a runner (no GITHUB_STEP_SUMMARY) it does nothing.
 */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (markdown.trim() !== '') appendStepSummary(markdown);
}
