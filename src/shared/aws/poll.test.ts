import { WaitTimeoutError } from '../runtime/errors';
import { MemoryLogger } from '../runtime/logger';
import { poll, type Clock } from './poll';

function fakeClock(): Clock & { sleeps: number[] } {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('poll', () => {
  it('backs off from 1 s, never beyond the interval cap', async () => {
    const clock = fakeClock();
    let calls = 0;
    const value = await poll({
      what: 'x',
      interval: 5000,
      timeout: 60_000,
      clock,
      check: async () => (++calls === 7 ? { done: true, value: 'ok' } : { done: false }),
    });
    expect(value).toBe('ok');
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 5000, 5000, 5000]);
  });

  it('starts at the cap when the cap is below 1 s', async () => {
    const clock = fakeClock();
    let calls = 0;
    await poll({
      what: 'x',
      interval: 200,
      timeout: 10_000,
      clock,
      check: async () => (++calls === 3 ? { done: true, value: 1 } : { done: false }),
    });
    expect(clock.sleeps).toEqual([200, 200]);
  });

  it('logs progress only when it changes', async () => {
    const clock = fakeClock();
    const logger = new MemoryLogger();
    const states = ['1/3 running', '1/3 running', '2/3 running'];
    let calls = 0;
    await poll({
      what: 'x',
      interval: 1000,
      timeout: 60_000,
      clock,
      logger,
      check: async () =>
        calls < states.length ? { done: false, progress: states[calls++] } : { done: true, value: 0 },
    });
    expect(logger.lines).toEqual(['1/3 running', '2/3 running']);
  });

  it('times out with the last progress, never sleeping past the deadline', async () => {
    const clock = fakeClock();
    const error = await poll({
      what: 'service web to become stable',
      interval: 4000,
      timeout: 10_000,
      clock,
      check: async () => ({ done: false, progress: 'web: 0/2 running' }),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toBe(
      'Timed out after 10s waiting for service web to become stable; last seen: web: 0/2 running',
    );
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 3000]);
  });
});
