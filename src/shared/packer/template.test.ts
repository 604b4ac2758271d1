import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileError } from '../runtime/errors';
import { declaresRequiredPlugins, loadTemplate, rootReferences } from './template';

describe('rootReferences', () => {
  it.each([
    ['script = "${path.root}/scripts/a.sh"', ['scripts/a.sh']],
    [
      'source = "${path.root}/../bin/"\nplaybook_dir = "${path.root}/../playbooks"',
      ['../bin', '../playbooks'],
    ],
    ['a = "${path.root}/x"\nb = "${path.root}/x"', ['x']],
    ['a = "${path.root}/./y//z"', ['y/z']],
    ['inline = ["ls ${path.root}/../scripts | wc"]', ['../scripts']],
    ['a = "${path.cwd}/x"', []],
  ])('%j', (text, expected) => {
    expect(rootReferences(text)).toEqual(expected);
  });
});

describe('declaresRequiredPlugins', () => {
  it.each([
    ['packer {\n  required_plugins {\n    amazon = {}\n  }\n}', true],
    ['packer { required_plugins{ } }', true],
    ['# no required_plugins here\nsource "amazon-ebs" "x" {}', false],
  ])('%j → %s', (text, expected) => {
    expect(declaresRequiredPlugins(text)).toBe(expected);
  });
});

describe('loadTemplate', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'template-'));
    mkdirSync(path.join(root, 'packer', 'scripts'), { recursive: true });
    mkdirSync(path.join(root, 'playbooks', 'roles'), { recursive: true });
    writeFileSync(
      path.join(root, 'packer', 'node.pkr.hcl'),
      'build {\n  playbook_dir = "${path.root}/../playbooks"\n  post-processor "manifest" { output = "${path.root}/packer-manifest.json" }\n}\n',
    );
    writeFileSync(path.join(root, 'packer', 'scripts', 'a.sh'), 'echo a\n');
    writeFileSync(path.join(root, 'packer', 'packer-manifest.json'), '{"builds": []}');
    writeFileSync(path.join(root, 'playbooks', 'site.yml'), '- hosts: all\n');
    writeFileSync(path.join(root, 'playbooks', 'roles', 'x.yml'), 'x\n');
    writeFileSync(path.join(root, 'unrelated.txt'), 'not part of the template\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists its own files and the ones it references, without the manifest it writes', () => {
    const template = loadTemplate(path.join(root, 'packer'), root);
    expect(template.files.map((file) => file.path)).toEqual([
      '../playbooks/roles/x.yml',
      '../playbooks/site.yml',
      'node.pkr.hcl',
      'scripts/a.sh',
    ]);
    expect(template.files[1].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(template.manifest).toBe(path.join(root, 'packer', 'packer-manifest.json'));
    expect(template.configText).toContain('playbook_dir');
  });

  it('gives the same file list from another working directory', () => {
    const a = loadTemplate(path.join(root, 'packer'), root).files;
    const b = loadTemplate(path.join(root, 'packer'), tmpdir()).files;
    expect(b).toEqual(a);
  });

  it('accepts a single template file', () => {
    const template = loadTemplate(path.join(root, 'packer', 'node.pkr.hcl'), root);
    expect(template.dir).toBe(path.join(root, 'packer'));
    expect(template.files.map((file) => file.path)).toContain('node.pkr.hcl');
  });

  it.each([
    ['a missing path', 'missing', 'does not exist'],
    ['a directory without Packer files', 'playbooks', 'has no Packer configuration'],
  ])('rejects %s', (_case, relative, problem) => {
    expect(() => loadTemplate(path.join(root, relative), root)).toThrow(FileError);
    expect(() => loadTemplate(path.join(root, relative), root)).toThrow(problem);
  });
});
