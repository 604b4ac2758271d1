/**
 * Reading a Packer template from disk: which files Packer loads, what they declare, and every
 * file whose content goes into the image (for the build fingerprint).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { FileError } from '../runtime/errors';
import { manifestOutput } from './manifest';

/** A file that shapes the image, by its path relative to the template directory. */
export interface TemplateFile {
  path: string;
  sha256: string;
}

export interface PackerTemplate {
  /** The path Packer is given (a file or a directory). */
  path: string;
  /** The directory Packer calls `path.root`. */
  dir: string;
  /** The configuration files Packer loads, concatenated (for declarations). */
  configText: string;
  /** Every file of the template directory and every file it references via `${path.root}`. */
  files: TemplateFile[];
  /** Where its `manifest` post-processor writes, when it has one and the path is static. */
  manifest?: string;
}

const CONFIG_FILE = /(\.pkr\.hcl|\.pkr\.json|\.pkrvars\.hcl)$/;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', 'packer_cache', '.packer.d']);
const MAX_FILES = 2000;

/** True when the template declares `required_plugins`, so `packer init` must run first. */
export function declaresRequiredPlugins(configText: string): boolean {
  return /\brequired_plugins\s*\{/.test(configText);
}

/**
 * Paths a template reaches through `${path.root}` (`"${path.root}/../playbooks"`), relative
 * to the template directory, without duplicates and in order of appearance.
 */
export function rootReferences(configText: string): string[] {
  const found = [...configText.matchAll(/\$\{path\.root\}\/([^"'\s}$]+)/g)].map((match) =>
    path.posix.normalize(match[1].replace(/\/+$/, '')),
  );
  return [...new Set(found)];
}

/**
 * Reads the template at `templatePath` (a `.pkr.hcl`/`.pkr.json` file or a directory). `cwd` is
 * where Packer will run, for resolving the manifest path; the manifest itself (rewritten by
 * every run) and crash logs are left out of `files`.
 */
export function loadTemplate(templatePath: string, cwd: string): PackerTemplate {
  if (!existsSync(templatePath)) throw new FileError(templatePath, 'does not exist');
  const isDir = statSync(templatePath).isDirectory();
  const dir = isDir ? templatePath : path.dirname(templatePath);
  const configFiles = isDir
    ? readdirSync(dir)
        .filter((name) => CONFIG_FILE.test(name))
        .sort()
        .map((name) => path.join(dir, name))
    : [templatePath];
  if (configFiles.length === 0)
    throw new FileError(templatePath, 'has no Packer configuration (*.pkr.hcl or *.pkr.json files)');
  const configText = configFiles.map((file) => readFileSync(file, 'utf8')).join('\n');
  const own = isDir ? walk(dir) : [templatePath];
  const referenced = rootReferences(configText)
    .map((relative) => path.resolve(dir, relative))
    .filter((target) => existsSync(target))
    .flatMap((target) => (statSync(target).isDirectory() ? walk(target) : [target]));
  const manifest = manifestOutput(configText, path.resolve(dir), cwd)?.file;
  const unique = [...new Set([...own, ...referenced])].filter(
    (file) => path.resolve(file) !== manifest && path.basename(file) !== 'crash.log',
  );
  const files = unique
    .map((file) => ({ path: toPosix(path.relative(dir, file)), sha256: sha256File(file) }))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { path: templatePath, dir, configText, files, manifest };
}

function walk(root: string): string[] {
  const out: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) visit(full);
      } else if (entry.isFile()) {
        out.push(full);
        if (out.length > MAX_FILES)
          throw new FileError(
            root,
            `holds more than ${MAX_FILES} files; point the template at a smaller folder`,
          );
      }
    }
  };
  visit(root);
  return out;
}

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
