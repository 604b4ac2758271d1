/**
 * actions/promote, the committed bundle against the patched emulator: a promotion by ARN once
 * the gate has soaked, every kind of refusal, a target alarm firing during the bake (rollback,
 * red step), GitHub Deployment requests against a local stand-in for the API, and outputs on
 * every path. Each test builds its own clusters and alarms, so tests do not share state.
 */
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import {
  ListTagsForResourceCommand,
  ListTaskDefinitionsCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emulatorEnv, runAction, type ActionRun } from '../support/action-runner';
import { MIN, digest, promoteFixtures } from '../support/fixtures/promote';

const env = emulatorEnv();
Object.assign(process.env, env); // credentials for the test's own clients
const { ecs, cloudwatch, register, backdate, alarm, fixture, inputs, primary } = promoteFixtures(env);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function revisionCount(id: string): Promise<number> {
  const list = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: `shop-${id}` }));
  return list.taskDefinitionArns!.length;
}

async function tagsOf(arn: string): Promise<Record<string, string>> {
  const { tags } = await ecs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
  return Object.fromEntries((tags ?? []).map((tag) => [tag.key, tag.value]));
}

function expectOutputs(run: ActionRun, result: string, blockedBy: string[]): void {
  expect(Object.keys(run.outputs).sort()).toEqual([
    'blocked-by',
    'previous-task-definition-arns',
    'result',
    'task-definition-arn',
  ]);
  expect(run.outputs.result).toBe(result);
  expect(JSON.parse(run.outputs['blocked-by'])).toEqual(blockedBy);
}

/** A stand-in for the GitHub REST API that records every request. */
async function fakeGitHub(): Promise<{
  url: string;
  requests: { method: string; path: string; auth?: string; body: Record<string, unknown> }[];
  server: Server;
}> {
  const requests: { method: string; path: string; auth?: string; body: Record<string, unknown> }[] = [];
  const read = (request: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => resolve(text));
    });
  const server = createServer(async (request, response) => {
    const body = JSON.parse((await read(request)) || '{}') as Record<string, unknown>;
    requests.push({
      method: request.method ?? '',
      path: request.url ?? '',
      auth: request.headers.authorization,
      body,
    });
    const isCreate = request.url === '/repos/example/app/deployments';
    response.writeHead(201, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify(isCreate ? { id: 4242, url: 'http://github/api/deployments/4242' } : { id: 1 }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

describe('promote', () => {
  it('promotes the source ARN once the gate has soaked, registers nothing, tags it and records a GitHub deployment', async () => {
    const f = await fixture('ok');
    const github = await fakeGitHub();
    await sleep(1100); // the source deployment must be older than the 1 s soak
    try {
      const before = await revisionCount('ok');
      const run = await runAction('promote', {
        inputs: inputs(f, { 'github-token': 'ghs_e2e_secret', environment: 'production' }),
        env: { ...env, GITHUB_API_URL: github.url },
      });
      expect(run.annotations).toEqual([]);
      expect(run.exitCode).toBe(0);
      expectOutputs(run, 'promoted', []);
      expect(run.outputs['task-definition-arn']).toBe(f.newArn);
      expect(JSON.parse(run.outputs['previous-task-definition-arns'])).toEqual({ web: f.oldArn });
      expect(await primary(f.target)).toMatchObject({ taskDefinition: f.newArn, rolloutState: 'COMPLETED' });
      expect(await revisionCount('ok')).toBe(before);
      const tags = await tagsOf(f.newArn);
      expect(Date.parse(tags[`promoted-to:${f.target}`])).toBeGreaterThan(Date.now() - MIN);
      expect(run.summary).toContain('| stage-ok-web-5xx | OK |');
      expect(run.summary).toMatch(/✅ pass: OK for 2h/);
      expect(run.summary).toContain('stayed out of ALARM');
      expect(run.log).toContain('::add-mask::ghs_e2e_secret');
      expect(
        github.requests.map((r) => `${r.method} ${r.path} ${String(r.body.state ?? r.body.environment)}`),
      ).toEqual([
        'POST /repos/example/app/deployments production',
        'POST /repos/example/app/deployments/4242/statuses in_progress',
        'POST /repos/example/app/deployments/4242/statuses success',
      ]);
      expect(github.requests.every((r) => r.auth === 'Bearer ghs_e2e_secret')).toBe(true);
      expect(github.requests[0].body).toMatchObject({
        ref: '0123456789abcdef0123456789abcdef01234567',
        required_contexts: [],
        payload: { taskDefinitionArn: f.newArn, sourceCluster: f.source, targetCluster: f.target },
      });
      expect(github.requests[2].body.log_url).toBe('https://github.com/example/app/actions/runs/1001');
      expect(run.summary).toContain(
        'GitHub deployment [4242](https://github.com/example/app/deployments/production)',
      );
    } finally {
      github.server.close();
    }
  });

  it('is blocked by a gate alarm in ALARM, naming it with its state and since when', async () => {
    const f = await fixture('alarm');
    await backdate(f.gateAlarms[1], 'ALARM', 3);
    const run = await runAction('promote', { inputs: inputs(f), env });
    expect(run.exitCode).toBe(1);
    expectOutputs(run, 'blocked', [f.gateAlarms[1]]);
    expect(run.annotations[0]).toMatchObject({ level: 'error', title: 'Promotion blocked' });
    expect(run.annotations[0].message).toMatch(
      new RegExp(
        `gate alarm ${f.gateAlarms[1]} is ALARM since \\d{4}-\\d\\d-\\d\\dT[\\d:]+Z \\(in ALARM for 3m\\)`,
      ),
    );
    expect(run.summary).toContain(`| ${f.gateAlarms[1]} | ALARM |`);
    expect((await primary(f.target)).taskDefinition).toBe(f.oldArn);
  });

  it('is blocked when a gate alarm has been OK for less than the soak', async () => {
    const f = await fixture('soak');
    await backdate(f.gateAlarms[0], 'ALARM', 20);
    await backdate(f.gateAlarms[0], 'OK', 5);
    const run = await runAction('promote', { inputs: inputs(f, { soak: '15m' }), env });
    expect(run.exitCode).toBe(1);
    expectOutputs(run, 'blocked', [f.gateAlarms[0]]);
    expect(run.annotations[0].message).toContain(`gate alarm ${f.gateAlarms[0]} is OK since`);
    expect(run.annotations[0].message).toContain('OK for only 5m; soak is 15m');
    // The source deployment is seconds old, so it is refused too, in the same message.
    expect(run.annotations[0].message).toMatch(/web's deployment finished \d+m?s ago; soak is 15m/);
    expect((await primary(f.target)).taskDefinition).toBe(f.oldArn);
  });

  it('is blocked by INSUFFICIENT_DATA by default, and with insufficient-data: allow a dry run passes and writes nothing', async () => {
    const f = await fixture('nodata');
    await alarm(`${f.source}-web-new`, 'INSUFFICIENT_DATA');
    await sleep(1100);
    const blocked = await runAction('promote', { inputs: inputs(f), env });
    expect(blocked.exitCode).toBe(1);
    expectOutputs(blocked, 'blocked', [`${f.source}-web-new`]);
    expect(blocked.annotations[0].message).toMatch(
      /is INSUFFICIENT_DATA since \S+ \(INSUFFICIENT_DATA for \d+m?s \(insufficient-data: block\)\)/,
    );

    const dry = await runAction('promote', {
      inputs: inputs(f, { 'insufficient-data': 'allow', 'dry-run': 'true' }),
      env,
    });
    expect(dry.annotations).toEqual([]);
    expect(dry.exitCode).toBe(0);
    expectOutputs(dry, 'dry-run', []);
    expect(dry.outputs['task-definition-arn']).toBe(f.newArn);
    expect(dry.summary).toContain('Dry run: would promote');
    expect((await primary(f.target)).taskDefinition).toBe(f.oldArn);
    expect(await tagsOf(f.newArn)).toEqual({});
  });

  it('is blocked while a source service is mid-deployment', async () => {
    const f = await fixture('mid');
    const newer = await register('shop-mid', digest(3));
    await ecs.send(new UpdateServiceCommand({ cluster: f.source, service: 'web', taskDefinition: newer }));
    await sleep(1100);
    const run = await runAction('promote', { inputs: inputs(f), env });
    expect(run.exitCode).toBe(1);
    expectOutputs(run, 'blocked', []);
    expect(run.outputs['task-definition-arn']).toBe(newer);
    expect(run.annotations[0].message).toContain(
      'web is mid-deployment (PRIMARY IN_PROGRESS, 2 deployments)',
    );
    expect((await primary(f.target)).taskDefinition).toBe(f.oldArn);
  });

  it('is blocked by an image referenced by tag', async () => {
    const f = await fixture('tag', { image: 'registry.example.com/shop/web:1.4.2' });
    await sleep(1100);
    const run = await runAction('promote', { inputs: inputs(f), env });
    expect(run.exitCode).toBe(1);
    expectOutputs(run, 'blocked', []);
    expect(run.annotations[0].message).toContain(
      'images are not pinned by digest (web: registry.example.com/shop/web:1.4.2)',
    );
    expect(run.summary).toContain('| web | `registry.example.com/shop/web:1.4.2` | no |');
    expect((await primary(f.target)).taskDefinition).toBe(f.oldArn);
  });

  it('rolls back and fails the step when a target alarm fires during the bake', async () => {
    const f = await fixture('bake');
    const github = await fakeGitHub();
    await sleep(1100);
    try {
      const running = runAction('promote', {
        inputs: inputs(f, { bake: '60s', 'github-token': 'ghs_x' }),
        env: { ...env, GITHUB_API_URL: github.url },
      });
      // Fire the alarm only once the new revision has rolled out and the action has had time to
      // start baking (polls every 1 s): the target was healthy before, and during the rollout.
      for (let i = 0; i < 100; i++) {
        const deployment = await primary(f.target);
        if (deployment.taskDefinition === f.newArn && deployment.rolloutState === 'COMPLETED') break;
        await sleep(300);
      }
      await sleep(3000);
      await cloudwatch.send(
        new SetAlarmStateCommand({ AlarmName: f.targetAlarm, StateValue: 'ALARM', StateReason: '5xx > 1' }),
      );
      const run = await running;
      expect(run.exitCode).toBe(1);
      expectOutputs(run, 'rolled-back', []);
      expect(JSON.parse(run.outputs['previous-task-definition-arns'])).toEqual({ web: f.oldArn });
      expect(run.annotations[0]).toMatchObject({ title: 'Deployment failed' });
      expect(run.annotations[0].message).toContain(
        `Target alarm ${f.targetAlarm} fired during the bake; rolled web back to shop-bake:1`,
      );
      expect(run.durationMs).toBeLessThan(45_000);
      expect(await primary(f.target)).toMatchObject({ taskDefinition: f.oldArn, rolloutState: 'COMPLETED' });
      expect(await tagsOf(f.newArn)).toEqual({});
      expect(run.summary).toContain(`| ${f.targetAlarm} |`);
      expect(run.summary).toContain('Rollback');
      expect(run.summary).toMatch(/An alarm fired after \d+s of the bake/);
      expect(run.log).toContain('Baking: watching 1 alarm(s) for 1m');
      expect(github.requests.map((r) => r.body.state).filter(Boolean)).toEqual(['in_progress', 'failure']);
    } finally {
      github.server.close();
    }
  });

  it('sets every output when an input is invalid', async () => {
    const run = await runAction('promote', {
      inputs: { 'source-cluster': 'a', 'target-cluster': 'b', services: 'web', soak: 'soon' },
      env,
    });
    expect(run.exitCode).toBe(1);
    expectOutputs(run, 'failed', []);
    expect(run.annotations[0].message).toContain("Input 'soak' is not a duration: 'soon'");
  });
});
