import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryLogger } from '../runtime/logger';
import { PackerFailedError, runPackerBuild } from './run-packer';
import type { PackerTemplate } from './template';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'fake-packer-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for Packer: records its arguments and prints the given machine-readable lines. */
function fakePacker(lines: string[], exitCode = 0): string {
  const file = path.join(dir, 'packer');
  writeFileSync(
    file,
    `#!/bin/sh\necho "$@" >> "${dir}/calls"\ncat <<'EOF'\n${lines.join('\n')}\nEOF\necho "a plugin wrote to stderr" >&2\nexit ${exitCode}\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

const template = (configText = 'build {}', manifest?: string): PackerTemplate => ({
  path: dir,
  dir,
  configText,
  files: [],
  manifest,
});

it('runs packer build with the variables and returns this run’s AMIs', async () => {
  const manifest = path.join(dir, 'packer-manifest.json');
  writeFileSync(
    manifest,
    JSON.stringify({
      builds: [
        {
          name: 'node',
          builder_type: 'amazon-ebs',
          artifact_id: 'us-east-1:ami-0bbb',
          packer_run_uuid: 'u2',
        },
      ],
      last_run_uuid: 'u2',
    }),
  );
  const packer = fakePacker([
    '1,,ui,say,==> amazon-ebs.node: Creating AMI',
    '1,amazon-ebs.node,artifact,0,id,us-east-1:ami-0aaa',
  ]);
  const logger = new MemoryLogger();
  const result = await runPackerBuild({
    packer,
    template: template('build {}', manifest),
    variables: [
      ['base_ami', 'ami-1'],
      ['note', 'a b=c'],
    ],
    cwd: dir,
    logger,
  });
  expect(result.artifacts.map((a) => a.imageId)).toEqual(['ami-0aaa']);
  expect(result.manifestArtifacts?.map((a) => a.imageId)).toEqual(['ami-0bbb']);
  expect(readFileSync(path.join(dir, 'calls'), 'utf8')).toBe(
    `build -machine-readable -color=false -var base_ami=ami-1 -var note=a b=c ${dir}\n`,
  );
  expect(logger.lines).toEqual(
    expect.arrayContaining([
      'group: packer build',
      '==> amazon-ebs.node: Creating AMI',
      'a plugin wrote to stderr',
    ]),
  );
});

it('runs packer init first when the template declares required plugins', async () => {
  const packer = fakePacker([]);
  await runPackerBuild({
    packer,
    template: template('packer { required_plugins { a = {} } }'),
    variables: [],
    cwd: dir,
    logger: new MemoryLogger(),
  });
  expect(readFileSync(path.join(dir, 'calls'), 'utf8').split('\n')[0]).toBe(`init ${dir}`);
});

it('fails with the reason and the last lines of output', async () => {
  const packer = fakePacker(
    [
      '1,,ui,say,==> amazon-ebs.node: Launching a source AWS instance...',
      '1,,ui,error,==> amazon-ebs.node: Error launching source instance: UnauthorizedOperation',
      '1,amazon-ebs.node,error,Error launching source instance: UnauthorizedOperation: You are not authorized',
    ],
    1,
  );
  const error = (await runPackerBuild({
    packer,
    template: template(),
    variables: [],
    cwd: dir,
    logger: new MemoryLogger(),
  }).catch((caught: unknown) => caught)) as PackerFailedError;
  expect(error).toBeInstanceOf(PackerFailedError);
  expect(error.message).toBe(
    'packer build exited with code 1: amazon-ebs.node: Error launching source instance: UnauthorizedOperation: You are not authorized',
  );
  expect(error.details).toContain('==> amazon-ebs.node: Launching a source AWS instance...');
});

it('says how to fix a missing Packer', async () => {
  await expect(
    runPackerBuild({
      packer: path.join(dir, 'nope'),
      template: template(),
      variables: [],
      cwd: dir,
      logger: new MemoryLogger(),
    }),
  ).rejects.toThrow('install Packer on the runner or set the packer input');
});
