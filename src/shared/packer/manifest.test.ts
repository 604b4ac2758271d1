import { artifactsFromManifest, manifestOutput } from './manifest';

const manifest = (builds: object[], last = 'run-2') => JSON.stringify({ builds, last_run_uuid: last });
const build = (run: string, id: string) => ({
  name: 'node',
  builder_type: 'amazon-ebs',
  artifact_id: id,
  packer_run_uuid: run,
});

describe('artifactsFromManifest', () => {
  it.each([
    [
      'only the last run',
      manifest([build('run-1', 'us-east-1:ami-0a1d'), build('run-2', 'us-east-1:ami-0b2e')]),
      [['us-east-1', 'ami-0b2e']],
    ],
    [
      'several regions of one build',
      manifest([build('run-2', 'us-east-1:ami-1,eu-west-1:ami-2')]),
      [
        ['us-east-1', 'ami-1'],
        ['eu-west-1', 'ami-2'],
      ],
    ],
    ['a build without artifact id', manifest([{ name: 'x', packer_run_uuid: 'run-2' }]), []],
    [
      'no last run recorded: every build',
      JSON.stringify({ builds: [build('a', 'us-east-1:ami-1'), build('b', 'us-east-1:ami-2')] }),
      [
        ['us-east-1', 'ami-1'],
        ['us-east-1', 'ami-2'],
      ],
    ],
  ])('%s', (_case, text, expected) => {
    expect(artifactsFromManifest(text).map((a) => [a.region, a.imageId])).toEqual(expected);
  });

  it.each([
    ['{', 'not JSON'],
    ['[]', 'has no "builds" list'],
    ['{"builds": {}}', 'has no "builds" list'],
  ])('rejects %j', (text, problem) => {
    expect(() => artifactsFromManifest(text)).toThrow(problem);
  });
});

describe('manifestOutput', () => {
  it.each([
    [
      'HCL with path.cwd',
      'post-processor "manifest" {\n  output = "${path.cwd}/packer-manifest.json"\n}',
      { file: '/work/packer-manifest.json' },
    ],
    [
      'HCL with path.root',
      'post-processor "manifest" {\n  output = "${path.root}/out/m.json"\n  strip_path = true\n}',
      { file: '/repo/tpl/out/m.json' },
    ],
    [
      'HCL relative to the working directory',
      'post-processor "manifest" { output = "m.json" }',
      { file: '/work/m.json' },
    ],
    [
      "HCL without output: Packer's default",
      'post-processor "manifest" {\n  strip_path = true\n}',
      { file: '/work/packer-manifest.json' },
    ],
    [
      'HCL with another variable',
      'post-processor "manifest" {\n  output = "${var.dir}/m.json"\n}',
      { dynamic: true },
    ],
    [
      'JSON template',
      '{"post-processors": [{"type": "manifest", "output": "{{template_dir}}/m.json"}]}',
      { file: '/repo/tpl/m.json' },
    ],
    ['no manifest post-processor', 'build { sources = ["x"] }', undefined],
  ])('%s', (_case, text, expected) => {
    expect(manifestOutput(text, '/repo/tpl', '/work')).toEqual(expected);
  });
});
