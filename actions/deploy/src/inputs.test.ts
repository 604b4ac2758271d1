import { Inputs } from '../../../src/shared/runtime/inputs';
import { parseImages, parseInputs } from './inputs';

const BASE = { 'task-definition': 'td.json', cluster: 'prod', services: 'web', region: 'eu-west-1' };
const parse = (values: Record<string, string | undefined>) =>
  parseInputs(new Inputs((name) => ({ ...BASE, ...values })[name]));

describe('parseInputs', () => {
  it('applies the documented defaults', () => {
    expect(parse({})).toEqual({
      source: {
        kind: 'file',
        path: 'td.json',
        images: {},
        vars: {},
        pinDigests: false,
        nodeConfigVolume: '/etc/container_config',
        skipUnchanged: true,
      },
      cluster: 'prod',
      services: ['web'],
      wait: true,
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 10_000,
      rollback: 'auto',
      alarms: [],
      scheduledTasks: { mode: 'auto' },
      preDeployTask: undefined,
      dryRun: false,
      region: 'eu-west-1',
    });
  });

  it.each([
    [{ services: 'web, api\nworker' }, { services: ['web', 'api', 'worker'] }],
    [{ 'scheduled-tasks': 'none' }, { scheduledTasks: { mode: 'none' } }],
    [
      { 'scheduled-tasks': 'nightly, hourly' },
      { scheduledTasks: { mode: 'rules', rules: ['nightly', 'hourly'] } },
    ],
    [
      { 'pre-deploy-task': '[{"name":"app","command":["migrate"]}]' },
      { preDeployTask: { containerOverrides: [{ name: 'app', command: ['migrate'] }] } },
    ],
    [{ 'node-config-volume': 'none' }, { source: expect.objectContaining({ nodeConfigVolume: undefined }) }],
    [
      { 'task-definition': undefined, 'task-definition-arn': 'web:7' },
      { source: { kind: 'arn', taskDefinitionArn: 'web:7' } },
    ],
  ])('%j', (values, expected) => {
    expect(parse(values)).toMatchObject(expected);
  });

  it.each([
    [{ 'task-definition-arn': 'web:1' }, "Input 'task-definition' and 'task-definition-arn' are both set"],
    [
      { 'task-definition': undefined },
      "Input 'task-definition' is not set, and neither is 'task-definition-arn'",
    ],
    [
      { 'task-definition': undefined, 'task-definition-arn': 'web:1', images: 'app=x' },
      "Input 'images' only applies with 'task-definition'",
    ],
    [
      { 'task-definition': undefined, 'task-definition-arn': 'not an arn' },
      "Input 'task-definition-arn' is not a task definition ARN",
    ],
    [{ timeout: 'soon' }, "Input 'timeout' is not a duration: 'soon'"],
    [{ 'poll-interval': '1h' }, "Input 'poll-interval' must be at most 5m"],
    [{ rollback: 'maybe' }, "Input 'rollback' must be one of auto, none"],
    [{ services: undefined }, "Input 'services' is required"],
    [{ services: 'web api' }, "Input 'services' has 'web api', which is not a service name"],
    [{ 'pre-deploy-task': '{' }, "Input 'pre-deploy-task' is not valid JSON"],
    [{ 'pre-deploy-task': '"x"' }, "Input 'pre-deploy-task' must be a JSON object"],
    [{ 'node-config-volume': 'etc/x' }, "Input 'node-config-volume' must be an absolute path or none"],
    [{ 'scheduled-tasks': 'bad rule!' }, "Input 'scheduled-tasks' has 'bad rule!'"],
  ])('%j is refused', (values, message) => {
    expect(() => parse(values)).toThrow(message);
  });
});

describe('parseImages', () => {
  it.each([
    [['app=repo/app:1', 'proxy=nginx@sha256:abc'], { app: 'repo/app:1', proxy: 'nginx@sha256:abc' }],
    [
      ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:2'],
      { '': '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:2' },
    ],
  ])('%j', (lines, expected) => {
    expect(parseImages(lines)).toEqual(expected);
  });

  it.each([
    [['app=a', 'app=b'], "sets container 'app' twice"],
    [['nginx', 'app=b'], 'mixes a bare image with container=image lines'],
    [['app = b c'], 'neither container=image nor an image'],
  ])('%j is refused', (lines, message) => {
    expect(() => parseImages(lines)).toThrow(message);
  });
});
