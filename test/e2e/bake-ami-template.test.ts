/**
 * The shipped node template (ecs-node/packer): `packer validate` with a Packer that understands
 * it (1.9.4 plus the amazon and ansible plugins, see test/support/packer.ts), `packer fmt`, the
 * provisioning scripts, and that the emulator variant declares the same variables.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/emulator';
import { hclPacker } from '../support/packer';

const TEMPLATE = path.join(ROOT, 'ecs-node', 'packer');
const SCRIPTS = path.join(TEMPLATE, 'scripts');
const found = hclPacker();
if (!found.ok) process.stderr.write(`[bake-ami-template] skipping packer validate: ${found.reason}\n`);
const withPacker = found.ok ? it : it.skip;

function packer(args: string[]) {
  if (!found.ok) throw new Error(found.reason);
  return spawnSync(found.packer, args, {
    cwd: ROOT,
    encoding: 'utf8',
    env: {
      ...process.env,
      PACKER_PLUGIN_PATH: found.pluginPath,
      CHECKPOINT_DISABLE: '1',
      AWS_REGION: 'eu-west-1',
    },
  });
}

const VARIABLES = [
  '-var',
  'base_ami=ami-0123456789abcdef0',
  '-var',
  'ami_name=ecs-node-20260101-000000-0123456789ab',
  '-var',
  `fingerprint=${'a'.repeat(64)}`,
  '-var',
  'playbooks_pointer=s3://node-config/ecs-node/current.json',
];

describe('ecs-node/packer', () => {
  withPacker('is valid HCL2 for Packer 1.9 with the amazon and ansible plugins (packer validate)', () => {
    const result = packer(['validate', ...VARIABLES, TEMPLATE]);
    expect({ status: result.status, output: `${result.stdout}${result.stderr}` }).toEqual({
      status: 0,
      output: expect.stringContaining('The configuration is valid.'),
    });
  });

  withPacker('fails validation without the variables bake-ami passes', () => {
    const result = packer(['validate', TEMPLATE]);
    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/base_ami|ami_name|fingerprint/);
  });

  withPacker('is formatted (packer fmt -check), the emulator variant too', () => {
    for (const dir of [TEMPLATE, path.join(TEMPLATE, 'test')]) {
      const result = packer(['fmt', '-check', '-diff', dir]);
      expect({ dir, status: result.status, diff: result.stdout }).toEqual({ dir, status: 0, diff: '' });
    }
  });

  it.each(readdirSync(SCRIPTS))('scripts/%s parses as POSIX sh', (script) => {
    const result = spawnSync('sh', ['-n', path.join(SCRIPTS, script)], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    ['stops the ECS agent', /systemctl stop ecs/],
    ['clears the ECS agent state', /rm -rf \/var\/lib\/ecs\/data\/\*/],
    ['removes SSH host keys', /rm -f \/etc\/ssh\/ssh_host_\*/],
    ['cleans cloud-init state', /cloud-init clean/],
    ['empties the machine id', /truncate -s 0 \/etc\/machine-id/],
  ])('prepare-for-capture.sh %s', (_what, pattern) => {
    expect(readFileSync(path.join(SCRIPTS, 'prepare-for-capture.sh'), 'utf8')).toMatch(pattern);
  });

  it('requires IMDSv2 on the build instance and on instances launched from the image', () => {
    const text = readFileSync(path.join(TEMPLATE, 'node.pkr.hcl'), 'utf8');
    expect(text).toMatch(/http_tokens\s*=\s*"required"/);
    expect(text).toMatch(/imds_support\s*=\s*"v2.0"/);
  });

  it('gives site.yml what it needs at bake time: the sync source and placeholder env and cluster', () => {
    const text = readFileSync(path.join(TEMPLATE, 'node.pkr.hcl'), 'utf8');
    for (const variable of ['ecs_node_sync_source=', 'ecs_node_environment=', 'ecs_node_cluster=']) {
      expect(text).toContain(variable);
    }
    expect(text).toMatch(/playbook_file\s*=\s*"\$\{path.root\}\/..\/playbooks\/site.yml"/);
  });

  it('has an emulator variant declaring the variables bake-ami passes', () => {
    const declared = (file: string) =>
      [...readFileSync(file, 'utf8').matchAll(/^variable "(\w+)"/gm)].map((match) => match[1]);
    const shipped = declared(path.join(TEMPLATE, 'variables.pkr.hcl'));
    const variant = declared(path.join(TEMPLATE, 'test', 'emulator.pkr.hcl'));
    for (const name of ['base_ami', 'ami_name', 'fingerprint', 'playbooks_pointer', 'region']) {
      expect([name, shipped.includes(name), variant.includes(name)]).toEqual([name, true, true]);
    }
  });
});
