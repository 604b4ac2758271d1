import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ClientFactory } from '../../../src/shared/aws/client-factory';
import { runAction } from '../../../src/shared/runtime/run-action';
import { parseInputs, type PromoteInputs } from './inputs';
import { promote } from './promote';
import { newReport, reportOutputs } from './report';
import { renderSummary } from './summary';

/** Entry point: parse inputs, promote, and set outputs and the summary on every path. */
export async function run(): Promise<void> {
  await runAction('Promote', async ({ logger, summary, setOutput }) => {
    const report = newReport();
    let inputs: PromoteInputs | undefined;
    try {
      inputs = parseInputs();
      const factory = new ClientFactory({ action: 'promote', region: inputs.region, logger });
      const clients = {
        ecs: factory.create(ECSClient, 'ECS'),
        elbv2: factory.create(ElasticLoadBalancingV2Client, 'ELASTIC_LOAD_BALANCING_V2'),
        cloudwatch: factory.create(CloudWatchClient, 'CLOUDWATCH'),
        events: factory.create(EventBridgeClient, 'EVENTBRIDGE'),
      };
      await promote(clients, inputs, report, { logger });
    } finally {
      Object.entries(reportOutputs(report)).forEach(([name, value]) => setOutput(name, value));
      summary.raw(renderSummary(report, inputs));
    }
  });
}
