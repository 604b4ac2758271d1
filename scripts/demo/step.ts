/**
 * What a demo step is: data. The pipeline (steps.ts) is a list of these; the runner
 * (run-step.ts) runs each one the same way and compares what happened with what was expected.
 */
import type { ActionRun } from '../../test/support/action-runner';
import type { World } from './world';

/** The four actions of the pipeline, by folder under actions/. */
export type ActionName = 'sync-playbooks' | 'bake-ami' | 'deploy' | 'promote';

/** What the step should end with. */
export interface Expectation {
  /** Whether the action should succeed (exit 0) or fail the step (a red step). */
  success: boolean;
  /** The action's `result` output, when it has one. */
  result?: string;
}

/** A fact checked in AWS after the step; a failed check makes the step unexpected. */
export interface Check {
  ok: boolean;
  text: string;
}

/** Everything a step can read: the world, earlier steps' results, and how to log. */
export interface StepContext {
  world: World;
  results: Map<string, StepResult>;
  /** Prints a line under the step's heading (the demo's own actions, e.g. emulator controls). */
  note(text: string): void;
}

export interface DemoStep {
  /** Short id, used for file names and `needs`. */
  id: string;
  /** What the step does, as the final table shows it. */
  title: string;
  /** The action it runs; none for a world event the demo makes happen (an alarm clearing). */
  action?: ActionName;
  /** GITHUB_WORKSPACE (and working directory) for the action; the repository root by default. */
  workspace?: string;
  expect: Expectation;
  /** Steps that must have ended as expected before this one can run. */
  needs?: string[];
  /** Why the step cannot run on this machine (e.g. no Packer), or undefined when it can. */
  unavailable?(context: StepContext): string | undefined;
  /** Changes to the world before the action runs (through the emulator's controls). */
  prepare?(context: StepContext): Promise<void>;
  /** The action's inputs, by their action.yml names. */
  inputs?(context: StepContext): Record<string, string | undefined>;
  /** Checks of AWS state after the step. */
  verify?(context: StepContext, run: ActionRun | undefined): Promise<Check[]>;
  /** The outputs worth a glance in the final table, shortened. */
  keyOutputs?(run: ActionRun | undefined, context: StepContext): string[];
}

export type StepStatus = 'as-expected' | 'unexpected' | 'skipped' | 'not-run';

export interface StepResult {
  step: DemoStep;
  status: StepStatus;
  /** `succeeded: deployed`, `failed: blocked`, `skipped: …`. */
  actual: string;
  durationMs: number;
  run?: ActionRun;
  checks: Check[];
  notes: string[];
  /** The notes made after the action ran (while checking), printed with the report. */
  laterNotes: string[];
  keyOutputs: string[];
  /** The markdown file the step's job summary was written to. */
  summaryFile?: string;
}

/** `succeeds: deployed` / `fails: rolled-back`; `done: OK` for a world event. */
export function describeExpectation(step: DemoStep): string {
  const verb = step.action ? (step.expect.success ? 'succeeds' : 'fails') : 'done';
  return `${verb}${step.expect.result ? `: ${step.expect.result}` : ''}`;
}

/** `succeeded: deployed` / `failed (exit 1): blocked`. */
export function describeRun(run: ActionRun): string {
  const result = run.outputs.result;
  const verdict = run.exitCode === 0 ? 'succeeded' : 'failed';
  return `${verdict}${result ? `: ${result}` : ''}`;
}

/** Whether a run met the expectation (the exit code and the `result` output). */
export function meetsExpectation(run: ActionRun, expect: Expectation): boolean {
  if ((run.exitCode === 0) !== expect.success) return false;
  return expect.result === undefined || run.outputs.result === expect.result;
}

/** `label value` for each output the run set, in the order given. */
export function outputList(run: ActionRun | undefined, labels: Record<string, string>): string[] {
  if (!run) return [];
  return Object.entries(labels)
    .filter(([output]) => run.outputs[output] !== undefined && run.outputs[output] !== '')
    .map(([output, label]) => `${label} ${run.outputs[output]}`);
}
