/**
 * Seeds the demo world in the emulator: dev, stage and prod as a platform team would have
 * them before a release, all running the first revision of the app.
 */
import { CreateBucketCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { DemoClients } from './clients';
import { seedAlarms, seedApp, seedCronRule, seedImages, seedServices, type App } from './seed-app';
import { seedNetwork, type Network } from './seed-network';
import { seedNodes, type Nodes } from './seed-nodes';
import { ENVIRONMENTS, PLAYBOOK_BUCKET } from './world-spec';

export interface World {
  /** The emulator's address. */
  endpoint: string;
  /** Environment for the actions: endpoint, region, dummy credentials. */
  env: Record<string, string>;
  clients: DemoClients;
  network: Network;
  nodes: Nodes;
  app: App;
}

/** Creates everything; returns what the steps need to refer to. */
export async function seedWorld(
  endpoint: string,
  env: Record<string, string>,
  clients: DemoClients,
): Promise<World> {
  const network = await seedNetwork(clients.ec2, clients.elb);
  const images = await seedImages(clients.ecr);
  const app = await seedApp(clients, images);
  const nodes = await seedNodes(clients, network);
  for (const env of ENVIRONMENTS) {
    await seedServices(clients.ecs, env, network, app.initialRevision);
    await seedCronRule(clients.events, env, app.clusterArns[env], app.initialRevision);
    await seedAlarms(clients.cloudWatch, env, network);
  }
  await clients.s3.send(new CreateBucketCommand({ Bucket: PLAYBOOK_BUCKET }));
  await clients.s3.send(
    new PutBucketVersioningCommand({
      Bucket: PLAYBOOK_BUCKET,
      VersioningConfiguration: { Status: 'Enabled' },
    }),
  );
  return { endpoint, env, clients, network, nodes, app };
}

/** A few lines describing the seeded world, for the terminal. */
export function describeWorld(world: World): string[] {
  const count = (env: (typeof ENVIRONMENTS)[number]) => world.nodes.instances[env].length;
  return [
    `clusters shop-dev, shop-stage, shop-prod: ${ENVIRONMENTS.map(count).join('/')} EC2 container instances from Auto Scaling groups shop-<env>-nodes`,
    `services web (2 tasks, ALB target group, bridge networking, dynamic host ports) and worker (1 task); circuit breaker with rollback`,
    `every service runs ${shortArn(world.app.initialRevision)} (image ${shortImage(world.app.images['1.0.0'])})`,
    `EventBridge rules shop-<env>-nightly-report run ${shortArn(world.app.initialRevision)} in each cluster`,
    `CloudWatch alarms <env>-web-5xx, <env>-web-latency-p99, <env>-worker-errors (new alarms: INSUFFICIENT_DATA)`,
    `playbook bucket s3://${PLAYBOOK_BUCKET}; launch template shop-ecs-node on ${world.nodes.baseAmi.id} (${world.nodes.baseAmi.name})`,
  ];
}

/** `arn:…:task-definition/shop:3` → `shop:3`; other ARNs → their last path segment. */
export function shortArn(arn: string | undefined): string {
  if (!arn) return '';
  return arn.replace(/^arn:[^:]+:[^:]+:[^:]*:[^:]*:/, '').replace(/^[a-z-]+\//, '');
}

/** `…/shop@sha256:abcdef…` → `shop@sha256:abcdef12`. */
export function shortImage(image: string | undefined): string {
  if (!image) return '';
  const name = image.split('/').pop() ?? image;
  return name.replace(/(@sha256:[0-9a-f]{8})[0-9a-f]+/, '$1…');
}
