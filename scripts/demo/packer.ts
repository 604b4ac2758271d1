/**
 * Finds a Packer that can build against the emulator, installing Debian's package when the
 * demo runs as root on a Debian-like system. A Packer with the amazon-ebs builder is needed:
 * built in up to 1.9 (Debian ships 1.6.6), a plugin from 1.10 on (which `packer init` would
 * download from GitHub, so it must already be installed).
 */
import { spawnSync } from 'node:child_process';

export type PackerAvailability = { path: string; version: string } | { reason: string };

function probe(command: string): { path: string; version: string } | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const path = which.stdout.trim();
  if (which.status !== 0 || !path) return undefined;
  const version = spawnSync(path, ['version'], { encoding: 'utf8' });
  const match = /Packer v?(\d+\.\d+\.\d+)/.exec(`${version.stdout}${version.stderr}`);
  return match ? { path, version: match[1] } : undefined;
}

/** Whether this Packer can run amazon-ebs builds without downloading anything. */
function hasAmazonBuilder(packer: { path: string; version: string }): boolean {
  const [major, minor] = packer.version.split('.').map(Number);
  if (major === 1 && minor < 10) return true;
  const plugins = spawnSync(packer.path, ['plugins', 'installed'], { encoding: 'utf8' });
  return plugins.status === 0 && /amazon/.test(plugins.stdout);
}

function installDebianPacker(log: (text: string) => void): boolean {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (!isRoot || apt.status !== 0) return false;
  log("installing Debian's packer package (apt-get install packer)");
  const quiet = { stdio: 'ignore' as const, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  if (spawnSync('apt-get', ['install', '-y', '-q', 'packer'], quiet).status === 0) return true;
  spawnSync('apt-get', ['update', '-q'], quiet);
  return spawnSync('apt-get', ['install', '-y', '-q', 'packer'], quiet).status === 0;
}

/** A usable Packer, or why there is none. */
export function ensurePacker(log: (text: string) => void): PackerAvailability {
  let packer = probe('packer');
  if (!packer && installDebianPacker(log)) packer = probe('packer');
  if (!packer)
    return {
      reason:
        "no Packer on PATH, and it could not be installed (needs root and apt-get for Debian's packer package); " +
        'install Packer 1.6–1.9, or a newer one with the amazon plugin, to run this step',
    };
  if (!hasAmazonBuilder(packer))
    return {
      reason: `Packer ${packer.version} at ${packer.path} has no amazon plugin installed, and the demo cannot download one`,
    };
  return packer;
}
