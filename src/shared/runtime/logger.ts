import { commands } from './workflow-commands';

/** What domain code logs through. Passed down; nothing else writes to the log. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string, file?: string): void;
  error(message: string): void;
  /** Runs `fn` inside a collapsible log group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

/** The logger that writes to the runner's log with workflow commands. */
export const runnerLogger: Logger = {
  debug: (message) => commands.debug(message),
  info: (message) => commands.info(message),
  warning: (message, file) => commands.warning(message, { file }),
  error: (message) => commands.error(message),
  group: async (title, fn) => {
    commands.startGroup(title);
    try {
      return await fn();
    } finally {
      commands.endGroup();
    }
  },
};

/** A logger that records lines in memory, for tests. */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];

  debug(message: string): void {
    this.lines.push(`debug: ${message}`);
  }
  info(message: string): void {
    this.lines.push(message);
  }
  warning(message: string): void {
    this.lines.push(`warning: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
  async group<T>(title: string, fn: () => Promise<T>): Promise<T> {
    this.lines.push(`group: ${title}`);
    return fn();
  }
}

/** Registers a secret so the runner masks it in every later log line. */
export function maskSecret(value: string): void {
  if (value) commands.addMask(value);
}
