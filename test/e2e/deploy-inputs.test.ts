/**
 * actions/deploy with bad inputs: each a red step whose message names the input or file, with no
 * revision registered and no service touched.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import { createFleet, createServices, type Fleet } from '../../src/shared/ecs/testing/emulator-fixture';
import { emulatorEnv, runAction } from '../support/action-runner';

const env = emulatorEnv();
Object.assign(process.env, env);
const workspace = mkdtempSync(path.join(tmpdir(), 'deploy-inputs-'));
let fleet: Fleet;

const good = JSON.stringify(
  { family: 'web', containerDefinitions: [{ name: 'app', image: 'app:2', memory: 128 }] },
  null,
  2,
);
writeFileSync(path.join(workspace, 'good.json'), good);
writeFileSync(
  path.join(workspace, 'broken.json'),
  '{\n  "family": "web",\n  "containerDefinitions": [\n    { "name": "app", }\n  ]\n}\n',
);
writeFileSync(
  path.join(workspace, 'broken.yaml'),
  'family: web\ncontainerDefinitions:\n  - name: app\n    image: "app:2\n    memory: 128\n',
);
writeFileSync(
  path.join(workspace, 'placeholder.yaml'),
  'family: web\ncontainerDefinitions:\n  - name: app\n    image: app:${IMAGE_TAG}\n',
);

beforeAll(async () => {
  fleet = await createFleet(env, 'prod');
  await createServices(fleet, 'prod', [{ name: 'web' }]);
});

async function state(): Promise<{ revisions: string[]; deployments: string[] }> {
  const revisions =
    (await fleet.clients.ecs.send(new ListTaskDefinitionsCommand({}))).taskDefinitionArns ?? [];
  const services =
    (await fleet.clients.ecs.send(new DescribeServicesCommand({ cluster: 'prod', services: ['web'] })))
      .services ?? [];
  return {
    revisions,
    deployments: services.flatMap((s) => (s.deployments ?? []).map((d) => `${d.id} ${d.taskDefinition}`)),
  };
}

describe('deploy refuses bad inputs before changing anything', () => {
  it.each([
    [
      'malformed JSON, with the line',
      { 'task-definition': 'broken.json' },
      /^broken\.json: is not valid JSON: .*\(line 4, column 22\)$/,
      'Invalid file: broken.json',
    ],
    [
      'malformed YAML, with the line',
      { 'task-definition': 'broken.yaml' },
      /^broken\.yaml: is not valid YAML: .*\(line \d+, column \d+\)$/,
      'Invalid file: broken.yaml',
    ],
    [
      'an unresolved placeholder',
      { 'task-definition': 'placeholder.yaml' },
      /^placeholder\.yaml: unresolved placeholder \$\{IMAGE_TAG\} \(line 4\)/,
      'Invalid file: placeholder.yaml',
    ],
    [
      'a missing file',
      { 'task-definition': 'nope.json' },
      /^nope\.json: does not exist \(input 'task-definition'\)$/,
      'Invalid file: nope.json',
    ],
    [
      'an unknown container in images',
      { images: 'worker=app:3' },
      /^Input 'images' names container 'worker', which the task definition does not have/,
      'Invalid input: images',
    ],
    [
      'both task-definition and task-definition-arn',
      { 'task-definition-arn': 'web:1' },
      /^Input 'task-definition' and 'task-definition-arn' are both set/,
      'Invalid input: task-definition',
    ],
    [
      'neither task-definition nor task-definition-arn',
      { 'task-definition': undefined },
      /^Input 'task-definition' is not set, and neither is 'task-definition-arn'/,
      'Invalid input: task-definition',
    ],
    [
      'an unparsable duration',
      { timeout: '10 minutes' },
      /^Input 'timeout' is not a duration: '10 minutes'/,
      'Invalid input: timeout',
    ],
    ['an unknown cluster', { cluster: 'staging' }, /^Cluster 'staging' does not exist/, 'Unknown cluster'],
    [
      'an unknown service',
      { services: 'web, wbe' },
      /^Service 'wbe' does not exist \(or is not ACTIVE\) in cluster 'prod'$/,
      'Unknown service',
    ],
    [
      'an unknown revision',
      { 'task-definition': undefined, 'task-definition-arn': 'web:9' },
      /^Task definition 'web:9' does not exist \(input 'task-definition-arn'\)$/,
      'Unknown task definition',
    ],
  ])('%s', async (_what, inputs, message, title) => {
    const before = await state();
    const run = await runAction('deploy', {
      inputs: { 'task-definition': 'good.json', cluster: 'prod', services: 'web', ...inputs },
      env,
      workspace,
    });
    expect(run.exitCode).toBe(1);
    const error = run.annotations.find((annotation) => annotation.level === 'error');
    expect(error?.message).toMatch(message);
    expect(error?.title).toBe(title);
    expect(run.summary).toContain('❌ Deploy to ECS failed');
    expect(await state()).toEqual(before);
  });
});
