import * as core from '@actions/core';

/**
 * Appends markdown to the job summary. The only place that touches `core.summary`.
 * Outside a runner (no GITHUB_STEP_SUMMARY) it does nothing.
 */
export async function writeJobSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY || markdown.trim() === '') return;
  await core.summary.addRaw(markdown, true).write();
}
