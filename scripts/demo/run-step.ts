/**
 * Runs one demo step: checks that it can run, makes the world changes it asks for, runs the
 * committed action bundle as the runner does (test/support/action-runner), writes the job
 * summary and log to the output folder, checks AWS state, and compares with the expectation.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runAction, type ActionRun } from '../../test/support/action-runner';
import {
  describeExpectation,
  describeRun,
  meetsExpectation,
  type Check,
  type DemoStep,
  type StepContext,
  type StepResult,
} from './step';
import { ROOT } from './world-spec';

export interface RunStepOptions {
  /** Folder for `<NN>-<id>.md` summaries and `<NN>-<id>.log` logs. */
  outputDir: string;
  /** 1-based position, for file names. */
  index: number;
  /** Kill an action that runs longer than this. */
  timeoutMs: number;
  /** False when `--only` left this step out. */
  selected: boolean;
}

/** The path of an action's committed bundle. */
export function bundlePath(action: string): string {
  return path.join(ROOT, 'actions', action, 'dist', 'index.js');
}

/** Runs `step` and returns what happened; never throws for a step that fails. */
export async function runStep(
  step: DemoStep,
  context: StepContext,
  options: RunStepOptions,
): Promise<StepResult> {
  const started = Date.now();
  // Notes made before the action runs are printed at once (a wait shows as it happens); notes
  // made while checking afterwards are printed with the report, after the summary they refer to.
  const notes: string[] = [];
  const laterNotes: string[] = [];
  let ran = false;
  const stepContext: StepContext = {
    ...context,
    note: (text) => {
      if (ran) return void laterNotes.push(text);
      notes.push(text);
      context.note(text);
    },
  };
  const base = { checks: [] as Check[], keyOutputs: [] as string[] };
  // An action step's duration is the action's run time; waits the demo made before it (the soak) are not.
  const finish = (result: Omit<StepResult, 'durationMs' | 'notes' | 'laterNotes' | 'step'>): StepResult => ({
    ...result,
    step,
    notes,
    laterNotes,
    durationMs: result.run?.durationMs ?? Date.now() - started,
  });

  if (!options.selected)
    return finish({ ...base, status: 'skipped', actual: 'skipped: not selected (--only)' });
  // A step skipped (no Packer, or not selected with --only) does not hold up the steps after it.
  const blocker = (step.needs ?? []).find((id) => {
    const status = context.results.get(id)?.status;
    return status !== 'as-expected' && status !== 'skipped';
  });
  if (blocker) return finish({ ...base, status: 'not-run', actual: `not run: needs ${blocker}` });
  if (step.action && !existsSync(bundlePath(step.action)))
    return finish({
      ...base,
      status: 'not-run',
      actual: `not built: ${path.relative(ROOT, bundlePath(step.action))} is missing`,
    });
  const unavailable = step.unavailable?.(stepContext);
  if (unavailable) return finish({ ...base, status: 'skipped', actual: `skipped: ${unavailable}` });

  try {
    await step.prepare?.(stepContext);
    const run = step.action
      ? await runAction(step.action, {
          inputs: step.inputs?.(stepContext) ?? {},
          env: context.world.env,
          workspace: step.workspace,
          timeoutMs: options.timeoutMs,
        })
      : undefined;
    ran = true;
    const summaryFile = writeArtifacts(step, run, notes, options);
    const checks = (await step.verify?.(stepContext, run)) ?? [];
    const keyOutputs = step.keyOutputs?.(run, stepContext) ?? [];
    const matched = run ? meetsExpectation(run, step.expect) : true;
    const failed = checks.find((check) => !check.ok);
    const actual = run ? describeRun(run) : failed ? `failed: ${failed.text}` : describeExpectation(step);
    const status = matched && checks.every((check) => check.ok) ? 'as-expected' : 'unexpected';
    return finish({ ...base, status, actual, run, checks, keyOutputs, summaryFile });
  } catch (error) {
    // A failure of the demo itself (a world change or a check), not of the action.
    const message = error instanceof Error ? error.message : String(error);
    return finish({ ...base, status: 'unexpected', actual: `demo error: ${message}` });
  }
}

/** Writes the job summary (or, for a world event, the notes) and the action's log. */
function writeArtifacts(
  step: DemoStep,
  run: ActionRun | undefined,
  notes: string[],
  options: RunStepOptions,
): string {
  const stem = `${String(options.index).padStart(2, '0')}-${step.id}`;
  const summaryFile = path.join(options.outputDir, `${stem}.md`);
  const summary = run ? run.summary : `## ${step.title}\n\n${notes.map((note) => `- ${note}`).join('\n')}\n`;
  writeFileSync(summaryFile, summary);
  if (run) writeFileSync(path.join(options.outputDir, `${stem}.log`), run.log);
  return summaryFile;
}
