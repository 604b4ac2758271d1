import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { createEc2 } from '../../../src/shared/ami/ec2/create';
import type { Ec2 } from '../../../src/shared/ami/ec2/operations';
import { ClientFactory } from '../../../src/shared/aws/client-factory';
import { runAction } from '../../../src/shared/runtime';
import { bake } from './bake';
import { parseInputs } from './inputs';
import { renderSummary } from './summary';

/** The action: parse inputs, bake (or reuse) the image, roll it out, prune; summary on every run. */
export async function run(): Promise<void> {
  await runAction('Bake AMI', async ({ logger, summary, setOutput }) => {
    const inputs = parseInputs();
    const factory = new ClientFactory({ action: 'bake-ami', region: inputs.region, logger });
    const ssm = factory.create(SSMClient, 'SSM');
    // EC2 is spoken directly (see src/shared/ami/ec2/query-client.ts), with the SDK's credential chain.
    const credentials = () => ssm.config.credentials();
    const regional = new Map<string, Ec2>();
    const result = await bake(inputs, {
      clients: {
        ec2: createEc2(factory, credentials, logger),
        ssm,
        s3: factory.create(S3Client, 'S3'),
        autoscaling: factory.create(AutoScalingClient, 'AUTO_SCALING'),
        ec2In: (region) => {
          if (!regional.has(region))
            regional.set(
              region,
              createEc2(new ClientFactory({ action: 'bake-ami', region, logger }), credentials, logger),
            );
          return regional.get(region)!;
        },
      },
      logger,
      cwd: process.cwd(),
      env: process.env,
      now: () => new Date(),
      output: setOutput,
    });
    summary.raw(renderSummary(result));
  });
}
