/**
 * examples/entrypoint.sh: sources node.config, picks arguments per environment, and finds a
 * container port's dynamic host port in the ECS container metadata file once it is READY.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ENTRYPOINT = path.resolve(__dirname, '..', '..', 'examples', 'entrypoint.sh');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'entrypoint-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What the command sees: a few variables, then its arguments, `|`-separated. */
const PRINT = [
  'sh',
  '-c',
  'printf "%s|" "$ENVIRONMENT" "${CLUSTER:-}" "${LOG_LEVEL:-}" "${JMX_HOST_PORT:-}" "${HOST_IP:-}" "$@"',
  'app',
];

function run(
  env: Record<string, string>,
  command = PRINT,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(ENTRYPOINT, command, { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function nodeConfig(environment: string): string {
  const file = path.join(dir, 'node.config');
  writeFileSync(file, `ENVIRONMENT=${environment}\nCLUSTER='web-${environment}'\nLOG_LEVEL='warn level'\n`);
  return file;
}

/** An ECS container metadata file as the agent writes it (pretty-printed, like the real one). */
function metadata(status: 'READY' | 'PENDING', mappings: object[]): string {
  return JSON.stringify(
    {
      Cluster: 'web-production',
      ContainerInstanceARN: 'arn:aws:ecs:eu-west-1:123456789012:container-instance/web/abc',
      TaskARN: 'arn:aws:ecs:eu-west-1:123456789012:task/web/def',
      ContainerName: 'app',
      ...(status === 'READY' ? { PortMappings: mappings, HostPrivateIPv4Address: '10.1.2.3' } : {}),
      MetadataFileStatus: status,
    },
    null,
    4,
  );
}

describe('examples/entrypoint.sh', () => {
  it.each([
    ['production', '--log-level=info|--max-threads=64|'],
    ['staging', '--log-level=debug|--max-threads=16|'],
    ['dev', '--log-level=debug|--max-threads=4|'],
  ])('sources node.config and picks the %s arguments', async (environment, args) => {
    const result = await run({ NODE_CONFIG: nodeConfig(environment) });
    expect(result).toMatchObject({
      code: 0,
      stdout: `${environment}|web-${environment}|warn level|||${args}`,
    });
  });

  it('runs as development, with a warning, without node.config', async () => {
    const result = await run({ NODE_CONFIG: path.join(dir, 'missing') });
    expect(result.stdout).toBe('development|||||--log-level=debug|--max-threads=4|');
    expect(result.stderr).toContain('is not readable');
  });

  it('waits for the metadata file to be READY and finds the host port of a container port', async () => {
    const file = path.join(dir, 'metadata.json');
    writeFileSync(file, metadata('PENDING', []));
    const pending = run({
      NODE_CONFIG: nodeConfig('production'),
      ECS_CONTAINER_METADATA_FILE: file,
      JMX_PORT: '9010',
    });
    setTimeout(
      () =>
        writeFileSync(
          file,
          metadata('READY', [
            { ContainerPort: 8080, HostPort: 32768, BindIp: '0.0.0.0', Protocol: 'tcp' },
            { ContainerPort: 9010, HostPort: 32999, BindIp: '0.0.0.0', Protocol: 'udp' },
            { ContainerPort: 9010, HostPort: 32771, BindIp: '0.0.0.0', Protocol: 'tcp' },
          ]),
        ),
      1200,
    );
    const result = await pending;
    expect(result).toMatchObject({
      code: 0,
      stdout: 'production|web-production|warn level|32771|10.1.2.3|--log-level=info|--max-threads=64|',
    });
    expect(result.stderr).toContain('container port 9010 is reachable at 10.1.2.3:32771');
  });

  it('fails when no host port is mapped to the container port', async () => {
    const file = path.join(dir, 'metadata.json');
    writeFileSync(file, metadata('READY', [{ ContainerPort: 8080, HostPort: 32768, Protocol: 'tcp' }]));
    const result = await run({
      ECS_CONTAINER_METADATA_FILE: file,
      JMX_PORT: '9010',
      NODE_CONFIG: nodeConfig('dev'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('no host port is mapped to container port 9010');
  });

  it('gives up when the metadata file never becomes READY', async () => {
    const file = path.join(dir, 'metadata.json');
    writeFileSync(file, metadata('PENDING', []));
    const result = await run({
      ECS_CONTAINER_METADATA_FILE: file,
      JMX_PORT: '9010',
      METADATA_WAIT: '1',
      NODE_CONFIG: nodeConfig('dev'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('was not READY after 1s');
  });
});
