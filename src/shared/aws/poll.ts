import { WaitTimeoutError } from '../runtime/errors';
import { formatDuration } from '../runtime/duration';
import type { Logger } from '../runtime/logger';

/** What one poll found: done with a value, or not yet, with a line describing progress. */
export type PollResult<T> = { done: true; value: T } | { done: false; progress?: string };

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PollOptions<T> {
  /** What we wait for, for logs and the timeout message: "service web to become stable". */
  what: string;
  check: (attempt: number) => Promise<PollResult<T>>;
  /** Cap on the delay between polls (ms). */
  interval: number;
  /** First delay (ms); doubles up to `interval`. Defaults to the smaller of 1 s and `interval`. */
  initialInterval?: number;
  /** Overall limit (ms) from the first poll. */
  timeout: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Polls until `check` says done or the timeout passes. The delay starts short and doubles, never
 * exceeding `interval`, so completion is noticed within one interval. Progress lines are logged
 * only when they change. On timeout throws a `WaitTimeoutError` with the last progress.
 */
export async function poll<T>(options: PollOptions<T>): Promise<T> {
  const clock = options.clock ?? realClock;
  const start = clock.now();
  let delay = Math.min(options.initialInterval ?? 1000, options.interval);
  let lastProgress: string | undefined;
  for (let attempt = 1; ; attempt++) {
    const result = await options.check(attempt);
    if (result.done) return result.value;
    if (result.progress && result.progress !== lastProgress) {
      options.logger?.info(result.progress);
      lastProgress = result.progress;
    }
    const elapsed = clock.now() - start;
    if (elapsed >= options.timeout) {
      throw new WaitTimeoutError(
        `Timed out after ${formatDuration(elapsed)} waiting for ${options.what}${lastProgress ? `; last seen: ${lastProgress}` : ''}`,
      );
    }
    await clock.sleep(Math.min(delay, options.timeout - elapsed));
    delay = Math.min(delay * 2, options.interval);
  }
}
