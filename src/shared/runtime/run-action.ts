import { ActionError } from './errors';
import { runnerLogger, type Logger } from './logger';
import { Markdown } from './markdown';
import { writeJobSummary } from './summary';
import { commands, setOutput as writeOutput } from './workflow-commands';

/** What an action's body gets from `runAction`. */
export interface ActionContext {
  logger: Logger;
  /** The job summary; written when the action ends, also on failure. */
  summary: Markdown;
  /** Sets an output right away, so outputs set before a failure are kept. */
  setOutput(name: string, value: string | number | boolean | object): void;
}

export interface RunOptions {
  logger?: Logger;
  write?: (markdown: string) => Promise<void>;
  setOutput?: (name: string, value: string) => void;
  fail?: (message: string, title: string) => void;
}

/**
 * Runs an action's body. Any error becomes an error annotation and a failed step; the job
 * summary (with the failure, when there is one) is written in every case. Never throws.
 */
export async function runAction(
  title: string,
  body: (context: ActionContext) => Promise<void>,
  options: RunOptions = {},
): Promise<void> {
  const logger = options.logger ?? runnerLogger;
  const summary = new Markdown();
  const setOutput = options.setOutput ?? writeOutput;
  const fail =
    options.fail ??
    ((message: string, annotationTitle: string) => {
      commands.error(message, { title: annotationTitle });
      process.exitCode = 1;
    });
  const failure = new Markdown();
  try {
    await body({
      logger,
      summary,
      setOutput: (name, value) =>
        setOutput(name, typeof value === 'object' ? JSON.stringify(value) : String(value)),
    });
  } catch (error) {
    const { message, annotationTitle, details } = describeFailure(error);
    if (!(error instanceof ActionError) && error instanceof Error && error.stack) logger.debug(error.stack);
    failure.heading(`❌ ${title} failed`, 3).paragraph(message);
    if (details) failure.raw(details);
    fail(message, annotationTitle);
  } finally {
    const markdown = new Markdown()
      .heading(title, 2)
      .raw(summary.toString())
      .raw(failure.toString())
      .toString();
    try {
      await (options.write ?? writeJobSummary)(markdown);
    } catch (error) {
      logger.warning(`Could not write the job summary: ${(error as Error).message}`);
    }
  }
}

function describeFailure(error: unknown): { message: string; annotationTitle: string; details?: string } {
  if (error instanceof ActionError)
    return { message: error.message, annotationTitle: error.title, details: error.details };
  if (error instanceof Error)
    return { message: `Unexpected error: ${error.message}`, annotationTitle: 'Unexpected error' };
  return { message: `Unexpected error: ${String(error)}`, annotationTitle: 'Unexpected error' };
}
