/**
 * Typed errors. Each carries a message written for the person reading the failed step:
 * what went wrong, and what to do about it. Only `runAction` turns them into a failed step.
 */
export class ActionError extends Error {
  /** Title of the error annotation shown on the workflow run. */
  readonly title: string;
  /** Markdown shown in the job summary after the message, e.g. a table of causes. */
  readonly details?: string;

  constructor(message: string, options: { title?: string; details?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.title = options.title ?? 'Action failed';
    this.details = options.details;
  }
}

/** An input is missing or malformed. Thrown before any AWS call. */
export class InputError extends ActionError {
  readonly input: string;

  constructor(input: string, problem: string, hint?: string) {
    super(`Input '${input}' ${problem}${hint ? `. ${hint}` : ''}`, { title: `Invalid input: ${input}` });
    this.input = input;
  }
}

/** A file named by an input cannot be read or parsed. */
export class FileError extends ActionError {
  readonly file: string;

  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`, { title: `Invalid file: ${file}` });
    this.file = file;
  }
}

/** An AWS call failed; the message says what we were doing. */
export class AwsCallError extends ActionError {
  readonly operation: string;
  readonly requestId?: string;
  readonly code?: string;

  constructor(operation: string, cause: unknown) {
    const { code, message, requestId } = describeAwsError(cause);
    super(`Could not ${operation}: ${code && !message.includes(code) ? `${code}: ` : ''}${message}`, {
      title: 'AWS request failed',
      cause,
    });
    this.operation = operation;
    this.code = code;
    this.requestId = requestId;
  }
}

/** A promotion gate (alarms, soak, source state) refused the move. */
export class GateBlockedError extends ActionError {
  constructor(message: string, details?: string) {
    super(message, { title: 'Promotion blocked', details });
  }
}

/** A deployment failed (and may have been rolled back). */
export class DeploymentFailedError extends ActionError {
  constructor(message: string, details?: string) {
    super(message, { title: 'Deployment failed', details });
  }
}

/** Waiting for something exceeded its timeout. */
export class WaitTimeoutError extends ActionError {
  constructor(message: string, details?: string) {
    super(message, { title: 'Timed out', details });
  }
}

/** Reads code, message and request id from an AWS SDK v3 error or anything else thrown. */
export function describeAwsError(error: unknown): { code?: string; message: string; requestId?: string } {
  if (error instanceof Error) {
    const meta = (error as { $metadata?: { requestId?: string } }).$metadata;
    const code = error.name && error.name !== 'Error' ? error.name : undefined;
    const message =
      error.message && error.message !== 'UnknownError' ? error.message : (code ?? 'unknown error');
    return { code, message, requestId: meta?.requestId };
  }
  return { message: String(error) };
}

/**
 * Runs an AWS call and, when it fails, rethrows an `AwsCallError` saying what we were doing:
 * `await withContext('register task definition web', () => ecs.send(cmd))`.
 */
export async function withContext<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ActionError) throw error;
    throw new AwsCallError(operation, error);
  }
}
