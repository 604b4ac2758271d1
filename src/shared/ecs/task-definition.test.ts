import { RegisterTaskDefinitionRequest$ } from '@aws-sdk/client-ecs';
import { stringify } from 'yaml';
import { canonicalText, sameTaskDefinition } from './normalize';
import { substitutePlaceholders } from './placeholders';
import { renderTaskDefinition, type RenderOptions } from './task-definition';
import { dropUnknownKeys, registerTaskDefinitionKeys } from './task-definition-schema';
import { parseDefinitionText } from './task-definition-file';
import { lineDiff } from './text-diff';
import { jsonErrorOffset } from './json-error-position';

const base = { file: 'td.json', vars: {}, images: {} } satisfies RenderOptions;

const describeOutput = {
  taskDefinition: {
    taskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7',
    family: 'web',
    revision: 7,
    status: 'ACTIVE',
    compatibilities: ['EC2'],
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    registeredAt: '2026-01-01T00:00:00Z',
    registeredBy: 'arn:aws:iam::111122223333:role/ci',
    containerDefinitions: [
      {
        name: 'app',
        image: 'app:1',
        memory: 256,
        cpu: 0,
        essential: true,
        portMappings: [{ containerPort: 8080, hostPort: 0, protocol: 'tcp' }],
        environment: [],
        mountPoints: [],
        volumesFrom: [],
      },
    ],
    volumes: [],
    placementConstraints: [],
  },
  tags: [{ key: 'team', value: 'web' }],
};

describe('dropUnknownKeys (the bundled SDK model)', () => {
  it('knows exactly the RegisterTaskDefinition members of the SDK schema', () => {
    expect(registerTaskDefinitionKeys()).toEqual(RegisterTaskDefinitionRequest$[4]);
    expect(registerTaskDefinitionKeys()).toEqual(
      expect.arrayContaining(['family', 'containerDefinitions', 'volumes', 'runtimePlatform']),
    );
  });

  it.each([
    [{ family: 'web', futureKey: 1 }, ['futureKey']],
    [
      { family: 'web', containerDefinitions: [{ name: 'a', credentialSpecz: [] }] },
      ['containerDefinitions[0].credentialSpecz'],
    ],
    [
      {
        containerDefinitions: [
          {
            name: 'a',
            logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': 'g' }, typo: 1 },
          },
        ],
      },
      ['containerDefinitions[0].logConfiguration.typo'],
    ],
    [{ containerDefinitions: [{ name: 'a', dockerLabels: { 'any.key': 'kept' } }] }, []],
    [{ volumes: [{ name: 'v', host: { sourcePath: '/x', extra: true } }] }, ['volumes[0].host.extra']],
  ])('%j drops %j', (input, dropped) => {
    expect(dropUnknownKeys(input).dropped).toEqual(dropped);
  });
});

describe('placeholders', () => {
  it.each([
    ['${A}', { A: 'x' }, 'x'],
    ['${A:-def}', {}, 'def'],
    ['${A:-def}', { A: '' }, ''],
    ['${A:-}', {}, ''],
    ['$${A} stays', {}, '${A} stays'],
    ['a ${B}-${C:-c}', { B: 'b' }, 'a b-c'],
  ])('%s with %j → %s', (text, vars, expected) => {
    expect(substitutePlaceholders(text, vars, 'f.json')).toBe(expected);
  });

  it('names every unresolved placeholder, its line and the file', () => {
    expect(() =>
      substitutePlaceholders('{\n "image": "${IMAGE}",\n "x": "${TAG}"\n}', {}, 'td.json'),
    ).toThrow(
      "td.json: unresolved placeholders ${IMAGE} (line 2), ${TAG} (line 3). Set them in the 'vars' input",
    );
  });
});

describe('parseDefinitionText', () => {
  it.each([
    ['td.json', '{\n  "family": "web",\n  "x": \n}', /^td\.json: is not valid JSON: .*line 4/],
    [
      'td.yaml',
      'family: web\ncontainerDefinitions:\n  - name: a\n   image: b\n',
      /^td\.yaml: is not valid YAML: .*\(line 4, column \d+\)/,
    ],
    ['td.yml', 'family: [web\n', /^td\.yml: is not valid YAML: .*line \d+/],
  ])('%s: error with the line', (file, text, message) => {
    expect(() => parseDefinitionText(text, file)).toThrow(message);
  });
});

describe('renderTaskDefinition', () => {
  it('accepts describe output: unwraps it and drops read-only keys without warning', () => {
    const rendered = renderTaskDefinition(JSON.stringify(describeOutput), base);
    expect(rendered.readOnlyKeys.sort()).toEqual([
      'compatibilities',
      'registeredAt',
      'registeredBy',
      'requiresAttributes',
      'revision',
      'status',
      'tags',
      'taskDefinitionArn',
    ]);
    expect(rendered.unknownKeys).toEqual([]);
    expect(rendered.input.family).toBe('web');
    expect(rendered.input).not.toHaveProperty('taskDefinitionArn');
  });

  it('renders YAML with placeholders, images and the node-config volume', () => {
    const yaml = stringify({
      family: 'web',
      containerDefinitions: [
        {
          name: 'app',
          image: 'registry/app:${TAG:-latest}',
          memory: 256,
          environment: [{ name: 'STAGE', value: '${STAGE}' }],
        },
        {
          name: 'proxy',
          image: 'nginx',
          memory: 64,
          mountPoints: [{ sourceVolume: 'cfg', containerPath: '/etc/container_config' }],
        },
      ],
      volumes: [{ name: 'cfg', host: { sourcePath: '/etc/container_config' } }],
    });
    const { input } = renderTaskDefinition(yaml, {
      file: 'td.yaml',
      vars: { STAGE: 'prod' },
      images: { proxy: 'nginx:1.27' },
      nodeConfigVolume: '/etc/container_config',
    });
    expect(input.containerDefinitions?.map((c) => c.image)).toEqual(['registry/app:latest', 'nginx:1.27']);
    expect(input.containerDefinitions?.[0].environment).toEqual([{ name: 'STAGE', value: 'prod' }]);
    expect(input.volumes).toEqual([{ name: 'cfg', host: { sourcePath: '/etc/container_config' } }]);
    expect(input.containerDefinitions?.[0].mountPoints).toEqual([
      { sourceVolume: 'cfg', containerPath: '/etc/container_config', readOnly: true },
    ]);
    expect(input.containerDefinitions?.[1].mountPoints).toEqual([
      { sourceVolume: 'cfg', containerPath: '/etc/container_config' },
    ]);
  });

  it.each([
    [{ '': 'app:2' }, undefined, 'app:2'],
    [{ app: 'app:3' }, undefined, 'app:3'],
    [
      { nope: 'x' },
      "Input 'images' names container 'nope', which the task definition does not have. Its containers: app",
      undefined,
    ],
  ])('images %j', (images, error, image) => {
    const text = JSON.stringify({ family: 'web', containerDefinitions: [{ name: 'app', image: 'app:1' }] });
    const render = () => renderTaskDefinition(text, { ...base, images });
    if (error) expect(render).toThrow(error);
    else expect(render().input.containerDefinitions?.[0].image).toBe(image);
  });

  it('refuses a bare image for several containers', () => {
    const text = JSON.stringify({
      family: 'web',
      containerDefinitions: [
        { name: 'a', image: 'x' },
        { name: 'b', image: 'y' },
      ],
    });
    expect(() => renderTaskDefinition(text, { ...base, images: { '': 'z' } })).toThrow(
      "Input 'images' gives a bare image, but the task definition has 2 containers (a, b)",
    );
  });

  it.each([
    ['[]', 'td.json: must hold a task definition object'],
    ['{"containerDefinitions": []}', "td.json: has no 'family'"],
    ['{"family": "web"}', "td.json: has no 'containerDefinitions'"],
  ])('%s is refused', (text, message) => {
    expect(() => renderTaskDefinition(text, base)).toThrow(message);
  });
});

describe('sameTaskDefinition (skip-unchanged)', () => {
  const rendered = renderTaskDefinition(
    JSON.stringify({
      family: 'web',
      containerDefinitions: [
        {
          name: 'app',
          image: 'app:1',
          memory: 256,
          portMappings: [{ containerPort: 8080 }],
          environment: [
            { name: 'B', value: '2' },
            { name: 'A', value: '1' },
          ],
        },
      ],
    }),
    base,
  ).input;
  const described = {
    ...describeOutput.taskDefinition,
    containerDefinitions: [
      {
        ...describeOutput.taskDefinition.containerDefinitions[0],
        environment: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
    ],
    networkMode: 'bridge',
  };

  it('ignores the defaults DescribeTaskDefinition fills in', () => {
    expect(sameTaskDefinition(rendered, described as never)).toBe(true);
  });

  it.each([
    ['image', { image: 'app:2' }],
    ['memory', { memory: 512 }],
    ['environment', { environment: [{ name: 'A', value: '9' }] }],
  ])('notices a changed %s', (_what, change) => {
    const changed = {
      ...described,
      containerDefinitions: [{ ...described.containerDefinitions[0], ...change }],
    };
    expect(sameTaskDefinition(rendered, changed as never)).toBe(false);
  });

  it('shows a line diff of canonical JSON', () => {
    const changed = {
      ...described,
      containerDefinitions: [{ ...described.containerDefinitions[0], image: 'app:2' }],
    };
    const diff = lineDiff(canonicalText(described as never), canonicalText(changed as never));
    expect(diff).toContain('-       "image": "app:1",');
    expect(diff).toContain('+       "image": "app:2",');
    expect(lineDiff('a\nb', 'a\nb')).toBe('');
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, 2, {"b": [true, false, null, "x\\"y", -1.5e3]}]', undefined],
    ['{"a": }', 6],
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ['[1 2]', 3],
    ['{"a": "b"} x', 11],
    ['{"a": tru}', 6],
  ])('%s → %p', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});
