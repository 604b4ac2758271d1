/**
 * Scale: one revision to 20 services in one run, through the recording proxy. Every service
 * ends on the revision; the request count and the peak request rate per API are reported, and
 * the peak stays under the documented ECS API rate limits (bounded concurrency, one client).
 */
import { emulatorEnv, runAction } from '../support/action-runner';
import { startFaultProxy, type FaultProxy, type RequestRecord } from '../support/fault-proxy';
import {
  cleanUpDeployWorlds,
  createDeployWorld,
  deployInputs,
  describeWorld,
  familyRevisions,
  primaryStates,
} from '../support/fixtures/deploy';

const env = emulatorEnv();
Object.assign(process.env, env);
const SERVICES = 20;
/**
 * ECS throttles per account and region with token buckets; the smallest bucket the ECS guide
 * names (cluster reads such as DescribeClusters) holds 50 requests. A deploy that stays under
 * that in every second, with at most 5 service updates in flight, leaves room for the rest of
 * the account.
 */
const BURST = 50;
const UPDATE_CONCURRENCY = 5;

let proxy: FaultProxy;
afterAll(async () => {
  await proxy?.stop();
  cleanUpDeployWorlds();
});

/** The most requests in any one-second window. */
function peakPerSecond(times: number[]): number {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

/** The most requests answered at the same time. */
function maxInFlight(records: RequestRecord[]): number {
  const edges = records.flatMap((r) => [
    [r.at, 1],
    [r.doneAt ?? r.at, -1],
  ]);
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let peak = 0;
  for (const [, delta] of edges) peak = Math.max(peak, (current += delta));
  return peak;
}

it(`deploys one revision to ${SERVICES} services in one run`, async () => {
  const world = await createDeployWorld(env, 'scale', { services: SERVICES, rolloutPolls: 2 });
  proxy = await startFaultProxy({ target: env.AWS_ENDPOINT_URL, rate: 0 });
  const run = await runAction('deploy', {
    workspace: world.workspace,
    env: emulatorEnv(proxy.endpoint),
    inputs: deployInputs(world, '2', { 'poll-interval': '1s' }),
  });
  if (run.exitCode !== 0) throw new Error(run.log.slice(-4000));
  expect(run.outputs.result).toBe('deployed');
  expect(Object.keys(JSON.parse(run.outputs['deployment-ids']))).toHaveLength(SERVICES);
  expect(new Set(primaryStates(await describeWorld(world.fleet.clients.ecs, world)))).toEqual(
    new Set(['scale:2/COMPLETED/1']),
  );
  expect(await familyRevisions(world.fleet.clients.ecs, world.family)).toHaveLength(2);

  const byOperation: Record<string, number[]> = {};
  for (const record of proxy.log) (byOperation[record.operation] ??= []).push(record.at);
  const counts = Object.fromEntries(Object.entries(byOperation).map(([op, times]) => [op, times.length]));
  const peaks = Object.fromEntries(
    Object.entries(byOperation).map(([op, times]) => [op, peakPerSecond(times)]),
  );
  const summaryCount = /AWS requests: (\d+)/.exec(run.log)?.[1];
  process.stderr.write(
    `[reliability-scale] ${SERVICES} services in ${run.durationMs} ms: ${proxy.log.length} requests (action's own count ${summaryCount}); per operation ${JSON.stringify(counts)}; peak per second ${JSON.stringify(peaks)}, all operations ${peakPerSecond(proxy.log.map((r) => r.at))}; UpdateService in flight at most ${maxInFlight(proxy.log.filter((r) => r.operation === 'UpdateService'))}\n`,
  );
  expect(Number(summaryCount)).toBe(proxy.log.length);
  const overall = peakPerSecond(proxy.log.map((record) => record.at));
  expect(overall).toBeLessThan(BURST);
  expect(maxInFlight(proxy.log.filter((r) => r.operation === 'UpdateService'))).toBeLessThanOrEqual(
    UPDATE_CONCURRENCY,
  );
  // DescribeServices batches 10 services per call: polling 20 services is 2 calls per round.
  expect(counts.DescribeServices).toBeLessThan(SERVICES * 3);
});
