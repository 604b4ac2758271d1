/**
 * Gate evaluation for many alarms against the patched emulator: our `checkGate` (DescribeAlarms
 * by prefix or by 100 names a request, history only where timestamps cannot decide) beside what
 * a user would otherwise script: `aws cloudwatch describe-alarms` once per alarm, or once per
 * prefix, then jq to find alarms not OK for the soak. Both must name the same blocking alarms.
 */
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ClientFactory } from '../../src/shared/aws/client-factory';
import { checkGate } from '../../src/shared/alarms/check-gate';
import type { AlarmSelector } from '../../src/shared/alarms/fetch';
import { MemoryLogger } from '../../src/shared/runtime/logger';
import { median, ratio } from '../report';

export interface GateBenchOptions {
  endpoint: string;
  /** Alarms in all (default 200), spread over `prefixes` prefixes (default 4). */
  alarms?: number;
  prefixes?: number;
  /** Runs of our gate per row (median reported); the CLI rows run once (they are slow). */
  runs?: number;
}

interface Row {
  how: string;
  ms: number;
  requests: number | string;
  blocked: string[];
}

const SOAK_MS = 15 * 60_000;

function credentials(endpoint: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: 'AKIABENCH',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/** Creates the alarms: all OK for 2 h, except a few in ALARM and a few OK for only 5 minutes. */
async function seed(endpoint: string, names: string[]): Promise<string[]> {
  const cloudwatch = new ClientFactory({
    action: 'bench',
    region: 'us-east-1',
    env: credentials(endpoint),
  }).create(CloudWatchClient, 'CLOUDWATCH');
  const blocked: string[] = [];
  for (const [i, name] of names.entries()) {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: name,
        Namespace: 'Bench',
        MetricName: 'Errors',
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    const state = i % 40 === 7 ? 'ALARM' : 'OK';
    const minutesAgo = i % 40 === 13 ? 5 : 120;
    if (state === 'ALARM' || minutesAgo === 5) blocked.push(name);
    const response = await fetch(`${endpoint}/emulator-api/alarm-state`, {
      method: 'POST',
      body: JSON.stringify({
        region: 'us-east-1',
        alarmName: name,
        state,
        timestamp: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      }),
    });
    if (!response.ok) throw new Error(`alarm-state ${name}: HTTP ${response.status}`);
  }
  return blocked.sort();
}

async function ours(endpoint: string, selectors: AlarmSelector[], how: string, runs: number): Promise<Row> {
  const times: number[] = [];
  let requests = 0;
  let blocked: string[] = [];
  for (let run = 0; run < runs; run++) {
    // A fresh factory per run, as each action run has: request counts are per run.
    const factory = new ClientFactory({ action: 'bench', region: 'us-east-1', env: credentials(endpoint) });
    const cloudwatch = factory.create(CloudWatchClient, 'CLOUDWATCH');
    const started = performance.now();
    const result = await checkGate(
      cloudwatch,
      selectors,
      { soakMs: SOAK_MS, insufficientData: 'block' },
      { now: Date.now, logger: new MemoryLogger() },
    );
    times.push(performance.now() - started);
    requests = factory.requestCount;
    blocked = [...result.blockedBy].sort();
  }
  return { how, ms: median(times), requests, blocked };
}

/**
 * jq: names of alarms not OK, or OK for less than the soak. The CLI prints timestamps as ISO text
 * or, depending on its version and cli_timestamp_format, as epoch seconds; accept both.
 */
const JQ_FILTER = `[.[] | .MetricAlarms[] | select(.StateValue != "OK" or
  ((.StateTransitionedTimestamp | if type == "number" then . else
    (sub("\\\\.[0-9]+"; "") | sub("\\\\+00:00$"; "Z") | fromdate) end) > $cutoff))
  | .AlarmName] | sort | .[]`;

function cli(endpoint: string, calls: string[][], how: string): Row {
  const cutoff = Math.floor((Date.now() - SOAK_MS) / 1000);
  const script = [
    'set -euo pipefail',
    '{',
    ...calls.map(
      (args) =>
        `aws cloudwatch describe-alarms --endpoint-url "$ENDPOINT" --output json ${args.map((a) => `'${a}'`).join(' ')}`,
    ),
    `} | jq -s -r --argjson cutoff ${cutoff} '${JQ_FILTER}'`,
  ].join('\n');
  const started = performance.now();
  const result = spawnSync('bash', ['-c', script], {
    env: { ...credentials(endpoint), ENDPOINT: endpoint },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  if (result.status !== 0) throw new Error(`${how} failed: ${result.stderr}`);
  return {
    how,
    ms,
    requests: calls.length,
    blocked: result.stdout.trim().split('\n').filter(Boolean).sort(),
  };
}

function hasCli(): boolean {
  return spawnSync('sh', ['-c', 'command -v aws && command -v jq'], { encoding: 'utf8' }).status === 0;
}

/** Seeds the alarms, measures every way, and returns the report as a markdown table. */
export async function benchGate(options: GateBenchOptions): Promise<string> {
  const count = options.alarms ?? 200;
  const prefixCount = options.prefixes ?? 4;
  const runs = options.runs ?? 5;
  const prefixes = Array.from({ length: prefixCount }, (_, p) => `bench-svc${p}-`);
  const names = Array.from(
    { length: count },
    (_, i) => `${prefixes[i % prefixCount]}${String(i).padStart(4, '0')}`,
  );
  const expected = await seed(options.endpoint, names);
  const rows: Row[] = [
    await ours(
      options.endpoint,
      prefixes.map((prefix) => ({ kind: 'prefix', prefix })),
      `ours: ${prefixCount} \`prefix:\` selectors`,
      runs,
    ),
    await ours(
      options.endpoint,
      names.map((name) => ({ kind: 'name', name })),
      `ours: ${count} alarm names`,
      runs,
    ),
  ];
  if (hasCli()) {
    rows.push(
      cli(
        options.endpoint,
        prefixes.map((p) => ['--alarm-name-prefix', p]),
        `aws CLI + jq: one call per prefix (${prefixCount})`,
      ),
    );
    rows.push(
      cli(
        options.endpoint,
        names.map((n) => ['--alarm-names', n]),
        `aws CLI + jq: one call per alarm (${count})`,
      ),
    );
  }
  const baseline = rows[0].ms;
  const lines = [
    `Gate evaluation of ${count} alarms (${expected.length} blocking: some in ALARM, some OK for only 5m of a 15m soak) against the patched emulator. Ours: median of ${runs} runs, in process; CLI rows: one run, each call a new \`aws\` process (what a shell step pays).`,
    '',
    '| How | Time (ms) | Requests | Same blockers as expected | × ours (prefixes) |',
    '| --- | ---: | ---: | --- | ---: |',
    ...rows.map(
      (row) =>
        `| ${row.how} | ${row.ms.toFixed(0)} | ${row.requests} | ${row.blocked.join() === expected.join() ? `yes (${row.blocked.length})` : `NO (${row.blocked.length})`} | ${ratio(row.ms, baseline)} |`,
    ),
  ];
  if (!hasCli()) lines.push('', '_aws CLI or jq not found: the CLI rows were skipped._');
  return lines.join('\n');
}
