/**
 * iam/<action>.json against the code that runs under it: every AWS call reachable from the
 * action's entry point (following its imports through src/shared) has an Allow in the policy, and
 * every action the policy allows is called by that code or named in the policy's documented
 * extras (calls made by Packer, or permissions AWS checks implicitly, such as iam:PassRole).
 * So a new SDK call without a policy change, or a stale permission, fails here. Needs no emulator.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../support/emulator';

/** IAM service prefix of each SDK client package. */
const SERVICE_PREFIX: Record<string, string> = {
  '@aws-sdk/client-auto-scaling': 'autoscaling',
  '@aws-sdk/client-cloudwatch': 'cloudwatch',
  '@aws-sdk/client-cloudwatch-logs': 'logs',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-ecr': 'ecr',
  '@aws-sdk/client-ecs': 'ecs',
  '@aws-sdk/client-elastic-load-balancing-v2': 'elasticloadbalancing',
  '@aws-sdk/client-eventbridge': 'events',
  '@aws-sdk/client-s3': 's3',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
};

/** Operations whose IAM action is not `<prefix>:<Operation>`. */
const ACTION_OF_OPERATION: Record<string, string | null> = {
  's3:ListObjectsV2': 's3:ListBucket',
  's3:ListObjects': 's3:ListBucket',
  's3:DeleteObjects': 's3:DeleteObject',
  's3:HeadObject': 's3:GetObject',
  's3:HeadBucket': 's3:ListBucket',
  // Needs no permission: AWS answers it for any valid credentials.
  'sts:GetCallerIdentity': null,
};

/** Permissions a policy may grant that no SDK call in our code names. */
const EXTRAS_PREFIXES = ['Implicit', 'Packer'];

/** Source files reachable from actions/<name>/src/index.ts through relative imports. */
function reachableSources(action: string): string[] {
  const seen = new Set<string>();
  const queue = [path.join(ROOT, 'actions', action, 'src', 'index.ts')];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      const base = path.resolve(path.dirname(file), match[1]);
      const resolved = [`${base}.ts`, path.join(base, 'index.ts')].find((candidate) => existsSync(candidate));
      if (resolved && !resolved.endsWith('.test.ts')) queue.push(resolved);
    }
  }
  return [...seen];
}

/** IAM actions of the SDK commands the action's code constructs (`new XCommand(`). */
function calledActions(action: string): Set<string> {
  const actions = new Set<string>();
  for (const file of reachableSources(action)) {
    const text = readFileSync(file, 'utf8');
    // Which client package each imported command name comes from.
    const origin = new Map<string, string>();
    for (const match of text.matchAll(
      /import\s*(?:type\s*)?\{([^}]+)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g,
    ))
      for (const name of match[1].split(',').map((part) => part.trim().split(/\s+as\s+/)[0]))
        origin.set(name, match[2]);
    // bake-ami's own EC2 Query client (src/shared/ami/ec2) names operations as strings: call('CopyImage', …).
    if (file.includes(`${path.sep}ami${path.sep}ec2${path.sep}`))
      for (const match of text.matchAll(/\bcall\(\s*'([A-Z][A-Za-z0-9]+)'/g)) actions.add(`ec2:${match[1]}`);
    for (const match of text.matchAll(/new\s+([A-Za-z0-9]+)Command\s*\(/g)) {
      const pkg = origin.get(`${match[1]}Command`);
      if (!pkg)
        throw new Error(
          `${path.relative(ROOT, file)}: ${match[1]}Command is not imported from an SDK client`,
        );
      const prefix = SERVICE_PREFIX[pkg];
      if (!prefix) throw new Error(`${pkg}: add its IAM service prefix to SERVICE_PREFIX`);
      const operation = `${prefix}:${match[1]}`;
      const iamAction = operation in ACTION_OF_OPERATION ? ACTION_OF_OPERATION[operation] : operation;
      if (iamAction) actions.add(iamAction);
    }
  }
  return actions;
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface PolicyFile {
  Version: string;
  Statement: Statement[];
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function readPolicy(action: string): PolicyFile {
  return JSON.parse(readFileSync(path.join(ROOT, 'iam', `${action}.json`), 'utf8')) as PolicyFile;
}

/** Actions allowed by the policy; `Sid`s starting with Implicit (permissions AWS checks implicitly) or Packer (calls Packer makes) list what no SDK call in our code names. */
function allowed(policy: PolicyFile): { all: Set<string>; extras: Set<string> } {
  const all = new Set<string>();
  const extras = new Set<string>();
  for (const statement of policy.Statement) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of list(statement.Action)) {
      all.add(action);
      if (EXTRAS_PREFIXES.some((prefix) => statement.Sid?.startsWith(prefix))) extras.add(action);
    }
  }
  return { all, extras };
}

const ACTIONS = ['deploy', 'promote', 'bake-ami', 'sync-playbooks'];
const present = ACTIONS.filter((action) => existsSync(path.join(ROOT, 'actions', action, 'src', 'index.ts')));

describe.each(ACTIONS)('iam/%s.json', (action) => {
  const policy = readPolicy(action);

  it('is a valid, placeholder-templated identity policy without wildcard actions', () => {
    expect(policy.Version).toBe('2012-10-17');
    const sids = policy.Statement.map((statement) => statement.Sid);
    expect(new Set(sids).size).toBe(sids.length);
    for (const statement of policy.Statement) {
      expect(statement.Sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(statement.Effect).toBe('Allow');
      for (const name of list(statement.Action)) expect(name).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(list(statement.Resource).length).toBeGreaterThan(0);
      // Placeholders are ${Name}; IAM's own policy variables (${aws:...}) are not used.
      for (const resource of list(statement.Resource))
        for (const [, name] of resource.matchAll(/\$\{([^}]*)\}/g)) expect(name).toMatch(/^[A-Z][A-Za-z]+$/);
    }
  });

  (present.includes(action) ? it : it.skip)(
    'allows every AWS call the action makes, and nothing it does not',
    () => {
      const called = calledActions(action);
      const { all, extras } = allowed(policy);
      const missing = [...called].filter((name) => !all.has(name)).sort();
      const unused = [...all].filter((name) => !called.has(name) && !extras.has(name)).sort();
      expect({ missing, unused }).toEqual({ missing: [], unused: [] });
    },
  );
});

it('every action has a policy', () => {
  for (const action of present) expect(existsSync(path.join(ROOT, 'iam', `${action}.json`))).toBe(true);
});
