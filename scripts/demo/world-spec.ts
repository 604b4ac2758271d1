/**
 * The names of everything the demo creates: one app ("shop") released through three
 * environments. Kept in one place so the steps, the checks and `--keep`'s hints agree.
 */
import path from 'node:path';

export const REGION = 'us-east-1';
/** moto's fixed account. */
export const ACCOUNT = '123456789012';
export const APP = 'shop';
export const ENVIRONMENTS = ['dev', 'stage', 'prod'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The two services every environment runs; `web` sits behind the ALB target group. */
export const SERVICES = ['web', 'worker'] as const;
export const CONTAINER = 'app';
export const CONTAINER_PORT = 8080;
export const NODES_PER_CLUSTER = 2;

/** Versions of the app image: the running one, the release, and one that crashes on start. */
export const VERSIONS = { running: '1.0.0', release: '1.1.0', broken: '1.2.0' } as const;

export const ROOT = path.resolve(__dirname, '..', '..');
export const TASK_DEFINITION_TEMPLATE = path.join(ROOT, 'demo', 'task-definition.json');
export const PLAYBOOKS = path.join(ROOT, 'ecs-node', 'playbooks');
export const PLAYBOOK_BUCKET = `${APP}-ecs-node-${ACCOUNT}`;
export const PLAYBOOK_PREFIX = 'ecs-node';
export const ECR_REPOSITORY = APP;
export const LOG_GROUP = `/ecs/${APP}`;
export const LAUNCH_TEMPLATE = `${APP}-ecs-node`;
export const AMI_PREFIX = `${APP}-ecs-node`;
/** Where moto serves the ECS-optimized AMI id, as AWS does. */
export const BASE_AMI_PARAMETER = '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id';

export const names = {
  cluster: (env: Environment) => `${APP}-${env}`,
  loadBalancer: (env: Environment) => `${APP}-${env}`,
  targetGroup: (env: Environment) => `${APP}-${env}-web`,
  autoScalingGroup: (env: Environment) => `${APP}-${env}-nodes`,
  /** The nightly report job, run by EventBridge as an ECS task of the app's family. */
  cronRule: (env: Environment) => `${APP}-${env}-nightly-report`,
  alarmPrefix: (env: Environment) => `${env}-`,
  alarms: (env: Environment) => [`${env}-web-5xx`, `${env}-web-latency-p99`, `${env}-worker-errors`],
};

/** The alarm the demo fires in stage to block the promotion to prod. */
export const BLOCKING_ALARM = 'stage-web-5xx';
