/**
 * Runs Packer: `packer init` when the template declares required plugins, then
 * `packer build -machine-readable`, streaming what Packer says into the log and collecting the
 * AMIs it reports. On failure the error carries the last lines Packer printed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ActionError } from '../runtime/errors';
import type { Logger } from '../runtime/logger';
import {
  artifactsFromRecords,
  buildErrors,
  parseRecord,
  uiMessage,
  type AmiArtifact,
  type PackerRecord,
} from './machine-readable';
import { artifactsFromManifest } from './manifest';
import { declaresRequiredPlugins, type PackerTemplate } from './template';

/** Packer exited non-zero or could not be started. */
export class PackerFailedError extends ActionError {
  constructor(message: string, details?: string) {
    super(message, { title: 'Packer build failed', details });
  }
}

export interface PackerRunOptions {
  /** The Packer executable (a path, or a name looked up on PATH). */
  packer: string;
  template: PackerTemplate;
  /** Passed as `-var name=value`, in this order. */
  variables: [string, string][];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
}

export interface PackerBuildResult {
  /** AMIs from the machine-readable `artifact` records of this run. */
  artifacts: AmiArtifact[];
  /** AMIs of this run from the manifest, when the template writes one. */
  manifestArtifacts?: AmiArtifact[];
  durationMs: number;
}

const TAIL_LINES = 40;

/** `packer init` (when needed) and `packer build`; resolves with this run's AMIs. */
export async function runPackerBuild(options: PackerRunOptions): Promise<PackerBuildResult> {
  const started = Date.now();
  if (declaresRequiredPlugins(options.template.configText)) {
    await options.logger.group('packer init', () => runPacker(options, ['init', options.template.path]));
  }
  const args = [
    'build',
    '-machine-readable',
    '-color=false',
    ...options.variables.flatMap(([name, value]) => ['-var', `${name}=${value}`]),
    options.template.path,
  ];
  const records = await options.logger.group('packer build', () => runPacker(options, args));
  const manifestArtifacts = readManifest(options);
  return {
    artifacts: artifactsFromRecords(records),
    manifestArtifacts,
    durationMs: Date.now() - started,
  };
}

function readManifest(options: PackerRunOptions): AmiArtifact[] | undefined {
  const file = options.template.manifest;
  if (!file || !existsSync(file)) return undefined;
  try {
    return artifactsFromManifest(readFileSync(file, 'utf8'));
  } catch (error) {
    options.logger.warning(`Ignoring the Packer manifest ${file}: ${(error as Error).message}`);
    return undefined;
  }
}

/** Runs one Packer command, logging each line; resolves with its machine-readable records. */
function runPacker(options: PackerRunOptions, args: string[]): Promise<PackerRecord[]> {
  const { logger } = options;
  const records: PackerRecord[] = [];
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  };
  return new Promise((resolve, reject) => {
    const child = spawn(options.packer, args, {
      cwd: options.cwd,
      // CHECKPOINT_DISABLE stops Packer from calling HashiCorp's version-check service.
      env: { ...(options.env ?? process.env), CHECKPOINT_DISABLE: '1', PACKER_NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const record = parseRecord(line);
      if (record) records.push(record);
      const ui = record ? uiMessage(record) : undefined;
      const text = record ? ui?.text : line;
      if (text === undefined || text.trim() === '') return;
      text.split('\n').forEach((part) => {
        remember(part);
        if (ui?.level === 'error') logger.error(part);
        else logger.info(part);
      });
    });
    createInterface({ input: child.stderr! }).on('line', (line) => {
      remember(line);
      logger.info(line);
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        new PackerFailedError(
          error.code === 'ENOENT'
            ? `Packer was not found ('${options.packer}'): install Packer on the runner or set the packer input to its path`
            : `Could not start Packer ('${options.packer}'): ${error.message}`,
        ),
      );
    });
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(records);
      const errors = buildErrors(records);
      const uiErrors = records
        .map(uiMessage)
        .filter((ui) => ui?.level === 'error')
        .flatMap((ui) => ui!.text.split('\n'))
        .map((line) => line.replace(/^[\s*]*(Error: )?/, '').trim())
        .filter((line) => line !== '' && !/^\d+ error\(s\) occurred:?$/.test(line));
      const reason = errors.length > 0 ? errors[errors.length - 1].split('\n')[0] : uiErrors[0];
      reject(
        new PackerFailedError(
          `packer ${args[0]} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}${reason ? `: ${reason}` : ''}`,
          `Last lines of Packer's output:\n\n\`\`\`\n${tail.join('\n')}\n\`\`\``,
        ),
      );
    });
  });
}
