/**
 * Finds (or installs) the Packer binaries the bake-ami tests use:
 *
 * - `debianPacker()`: a Packer with the amazon-ebs builder built in (Debian's `packer` 1.6.6),
 *   which builds the emulator variant of the node template end to end against moto. Taken from
 *   PATH, else installed with apt-get when running as root.
 * - `hclPacker()`: Packer 1.9.4 with the amazon and ansible plugins, built from the Go module
 *   proxy into `.emulator/packer-hcl/` (gitignored), for `packer validate` of the shipped HCL2
 *   template. 1.9.4 is the last Packer release under the MPL (later ones are BUSL). A warm Go
 *   cache rebuilds it in seconds; a cold one takes several minutes on two cores.
 *
 * Each returns `{ reason }` instead when the binary cannot be had, so only the tests that need
 * it are skipped, saying why.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { ROOT } from './emulator';

export type Found<T> = ({ ok: true } & T) | { ok: false; reason: string };

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return spawnSync(command, args, {
    encoding: 'utf8',
    cwd: options.cwd,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
}

function log(message: string): void {
  process.stderr.write(`[packer] ${message}\n`);
}

/** `1.6.6` from `packer version` output (`Packer v1.6.6`), or undefined. */
export function packerVersion(binary: string): string | undefined {
  const result = run(binary, ['version']);
  return result.status === 0 ? /Packer v(\d+\.\d+\.\d+)/.exec(result.stdout)?.[1] : undefined;
}

/** Packer before 1.10 still bundles the amazon builders (they were split out later). */
function bundlesAmazon(version: string): boolean {
  const [major, minor] = version.split('.').map(Number);
  return major === 1 && minor < 10;
}

let debian: Found<{ packer: string; version: string }> | undefined;

/** Packer with amazon-ebs built in: from PATH, else `apt-get install packer` as root. */
export function debianPacker(): Found<{ packer: string; version: string }> {
  if (debian) return debian;
  const candidates = ['packer', '/usr/bin/packer'];
  for (const candidate of candidates) {
    const version = packerVersion(candidate);
    if (version && bundlesAmazon(version)) return (debian = { ok: true, packer: candidate, version });
  }
  if (process.getuid?.() !== 0)
    return (debian = {
      ok: false,
      reason: 'packer (< 1.10) is not on PATH and installing it needs root (apt-get install packer)',
    });
  if (run('sh', ['-c', 'command -v apt-get']).status !== 0)
    return (debian = { ok: false, reason: 'packer is not on PATH and there is no apt-get to install it' });
  log('installing Debian packer with apt-get (once per machine)');
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const update = run('apt-get', ['update', '-qq'], { env });
  const install = update.status === 0 ? run('apt-get', ['install', '-y', '-qq', 'packer'], { env }) : update;
  const version = packerVersion('/usr/bin/packer');
  if (install.status !== 0 || !version)
    return (debian = {
      ok: false,
      reason: `apt-get install packer failed: ${(install.stderr || install.stdout).trim().split('\n').slice(-3).join(' ')}`,
    });
  return (debian = { ok: true, packer: '/usr/bin/packer', version });
}

/** Modules built for `hclPacker`: path, version, binary name. */
const HCL_MODULES = [
  { module: 'github.com/hashicorp/packer', version: 'v1.9.4', binary: 'packer' },
  { module: 'github.com/hashicorp/packer-plugin-amazon', version: 'v1.2.9', binary: 'packer-plugin-amazon' },
  // The ansible plugin version Packer 1.9.4 itself bundles (newer tags are not served here).
  {
    module: 'github.com/hashicorp/packer-plugin-ansible',
    version: 'v1.0.3',
    binary: 'packer-plugin-ansible',
  },
];
export const HCL_PACKER_DIR = path.join(ROOT, '.emulator', 'packer-hcl');

function goBuild(entry: (typeof HCL_MODULES)[number], out: string): string | undefined {
  // `go install module@version` refuses: the proxy does not list Packer's versions (needed for
  // deprecation checks), but serves the exact version, so download it and build in place.
  const env = { GOFLAGS: '-mod=mod' };
  const download = run('go', ['mod', 'download', '-json', `${entry.module}@${entry.version}`], { env });
  if (download.status !== 0)
    return `go mod download ${entry.module}@${entry.version} failed: ${download.stdout}${download.stderr}`.trim();
  const dir = (JSON.parse(download.stdout) as { Dir?: string }).Dir;
  if (!dir) return `go mod download ${entry.module}@${entry.version} returned no directory`;
  log(`building ${entry.binary} ${entry.version} with Go (minutes on a cold cache)`);
  const build = run('go', ['build', '-o', out, '.'], { cwd: dir, env });
  return build.status === 0
    ? undefined
    : `go build ${entry.module}@${entry.version} failed: ${build.stderr.trim().split('\n').slice(-5).join(' ')}`;
}

/** Installs a plugin binary where Packer 1.9 looks for required plugins (with its SHA256SUM). */
function installPlugin(binary: string, pluginDir: string): string | undefined {
  const described = run(binary, ['describe']);
  if (described.status !== 0) return `${binary} describe failed`;
  const info = JSON.parse(described.stdout) as { version: string; api_version: string };
  const name = path.basename(binary).replace(/^packer-plugin-/, '');
  // A plugin built from a module reports e.g. 1.0.3-dev; install it as the release it is.
  const version = info.version.replace(/-dev$/, '');
  const target = path.join(pluginDir, 'github.com', 'hashicorp', name);
  mkdirSync(target, { recursive: true });
  const file = path.join(target, `packer-plugin-${name}_v${version}_${info.api_version}_linux_amd64`);
  copyFileSync(binary, file);
  writeFileSync(`${file}_SHA256SUM`, createHash('sha256').update(readFileSync(file)).digest('hex'));
  return undefined;
}

let hcl: Found<{ packer: string; pluginPath: string }> | undefined;

/**
 * Packer 1.9.4 with the amazon and ansible plugins installed in `pluginPath` (for
 * PACKER_PLUGIN_PATH): cached binaries, else built with Go when Go is available.
 * `BAKE_AMI_HCL_PACKER=skip` skips the build (and the tests that need it).
 */
export function hclPacker(): Found<{ packer: string; pluginPath: string }> {
  if (hcl) return hcl;
  if (process.env.BAKE_AMI_HCL_PACKER === 'skip')
    return (hcl = { ok: false, reason: 'BAKE_AMI_HCL_PACKER=skip' });
  const bin = path.join(HCL_PACKER_DIR, 'bin');
  const missing = HCL_MODULES.filter((entry) => !existsSync(path.join(bin, entry.binary)));
  if (missing.length > 0 && run('go', ['version']).status !== 0)
    return (hcl = {
      ok: false,
      reason: `Go is not installed, and ${missing.map((m) => m.binary).join(', ')} are not cached in ${bin}`,
    });
  for (const entry of missing) {
    const failure = goBuild(entry, path.join(bin, entry.binary));
    if (failure) return (hcl = { ok: false, reason: failure });
  }
  const pluginPath = path.join(HCL_PACKER_DIR, 'plugins');
  for (const entry of HCL_MODULES.slice(1)) {
    const failure = installPlugin(path.join(bin, entry.binary), pluginPath);
    if (failure) return (hcl = { ok: false, reason: failure });
  }
  return (hcl = { ok: true, packer: path.join(bin, 'packer'), pluginPath });
}
