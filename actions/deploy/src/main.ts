import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ClientFactory } from '../../../src/shared/aws/client-factory';
import { runAction } from '../../../src/shared/runtime/run-action';
import { deploy, newReport, type DeployClients, type DeployReport } from './deploy';
import { OUTPUTS, parseInputs, type DeployInputs } from './inputs';
import { renderSummary } from './summary';

/** Entry point: parse inputs, deploy, and set outputs and the summary on every path. */
export async function run(): Promise<void> {
  await runAction('Deploy to ECS', async ({ logger, summary, setOutput }) => {
    const report = newReport();
    let inputs: DeployInputs | undefined;
    try {
      inputs = parseInputs();
      const region = inputs.region;
      const factory = new ClientFactory({ action: 'deploy', region, logger });
      const ecr = new Map<string, ECRClient>();
      const clients: DeployClients = {
        ecs: factory.create(ECSClient, 'ECS'),
        elbv2: factory.create(ElasticLoadBalancingV2Client, 'ELASTIC_LOAD_BALANCING_V2'),
        logs: factory.create(CloudWatchLogsClient, 'CLOUDWATCH_LOGS'),
        cloudwatch: factory.create(CloudWatchClient, 'CLOUDWATCH'),
        events: factory.create(EventBridgeClient, 'EVENTBRIDGE'),
        ecrFor: (imageRegion) => {
          if (!ecr.has(imageRegion))
            ecr.set(
              imageRegion,
              new ClientFactory({ action: 'deploy', region: imageRegion, logger }).create(ECRClient, 'ECR'),
            );
          return ecr.get(imageRegion) as ECRClient;
        },
      };
      await deploy(clients, inputs, report, {
        logger,
        workspace: process.env.GITHUB_WORKSPACE ?? process.cwd(),
      });
      logger.debug(
        `AWS requests: ${factory.requestCount} (${[...factory.requests].map(([op, n]) => `${op} ${n}`).join(', ')})`,
      );
    } finally {
      if (inputs) setOutputs(report, setOutput);
      summary.raw(renderSummary(report, inputs));
    }
  });
}

function setOutputs(
  report: DeployReport,
  setOutput: (name: string, value: string | boolean | object) => void,
): void {
  if (report.taskDefinitionArn) setOutput(OUTPUTS.taskDefinitionArn, report.taskDefinitionArn);
  setOutput(OUTPUTS.registered, report.registered);
  setOutput(OUTPUTS.previousTaskDefinitionArns, report.previous);
  const ids = Object.fromEntries(
    (report.rollout?.services ?? [])
      .filter((s) => s.deploymentId)
      .map((s) => [s.service, s.deploymentId as string]),
  );
  setOutput(OUTPUTS.deploymentIds, ids);
  if (report.result) setOutput(OUTPUTS.result, report.result);
}
