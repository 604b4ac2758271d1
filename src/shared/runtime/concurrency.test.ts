import { mapConcurrent } from './concurrency';

describe('mapConcurrent', () => {
  it.each([
    [[], 3, 0],
    [[1, 2, 3, 4, 5], 2, 2],
    [[1, 2], 10, 2],
    [[1, 2, 3], 0, 1],
  ])('maps %p with limit %d, keeping order, at most %d in flight', async (items, limit, peak) => {
    let running = 0;
    let most = 0;
    const result = await mapConcurrent(items, limit, async (item) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      return item * 10;
    });
    expect(result).toEqual(items.map((item) => item * 10));
    expect(most).toBe(peak);
  });

  it('rethrows the first failure after the running calls settle, starting no new ones', async () => {
    const started: number[] = [];
    const error = await mapConcurrent([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await new Promise((resolve) => setImmediate(resolve));
      if (item === 2) throw new Error('boom');
      return item;
    }).catch((e: Error) => e);
    expect((error as Error).message).toBe('boom');
    expect(started).toEqual([1, 2, 3]);
  });
});
