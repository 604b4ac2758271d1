/**
 * AWS CLI commands to look around the emulator after `npm run demo -- --keep`. They pass
 * `--endpoint-url` explicitly: AWS CLI v1 ignores AWS_ENDPOINT_URL.
 */
import {
  BLOCKING_ALARM,
  LAUNCH_TEMPLATE,
  names,
  PLAYBOOK_BUCKET,
  PLAYBOOK_PREFIX,
  REGION,
} from './world-spec';

/** Shell lines: comments say what each command shows. */
export function explorationCommands(endpoint: string): string[] {
  const aws = 'aws --endpoint-url "$E"';
  return [
    `export E=${endpoint} AWS_ACCESS_KEY_ID=AKIAEMULATOR AWS_SECRET_ACCESS_KEY=emulator-secret AWS_DEFAULT_REGION=${REGION}`,
    '',
    '# which revision each environment runs, and the state of its last deployment',
    ...(['dev', 'stage', 'prod'] as const).map(
      (env) =>
        `${aws} ecs describe-services --cluster ${names.cluster(env)} --services web worker --query 'services[].[serviceName,taskDefinition,deployments[0].rolloutState]' --output table`,
    ),
    '# the revisions registered, and the rolled-back deployment in dev with its service events',
    `${aws} ecs list-task-definitions --family-prefix shop`,
    `${aws} ecs list-service-deployments --cluster ${names.cluster('dev')} --service web`,
    `${aws} ecs describe-services --cluster ${names.cluster('dev')} --services web --query 'services[0].events[:12].message'`,
    '# web tasks as ALB targets: instance id + dynamic host port',
    `${aws} elbv2 describe-target-health --target-group-arn $(${aws} elbv2 describe-target-groups --names ${names.targetGroup('prod')} --query 'TargetGroups[0].TargetGroupArn' --output text)`,
    '# the nightly cron rule, retargeted to the released revision',
    `${aws} events list-targets-by-rule --rule ${names.cronRule('dev')} --query 'Targets[].EcsParameters'`,
    '# the promotion gate: alarm states and the history of the alarm that blocked prod',
    `${aws} cloudwatch describe-alarms --query 'MetricAlarms[].[AlarmName,StateValue,StateUpdatedTimestamp]' --output table`,
    `${aws} cloudwatch describe-alarm-history --alarm-name ${BLOCKING_ALARM} --query 'AlarmHistoryItems[].[Timestamp,HistorySummary]' --output table`,
    '# the playbook release the nodes pull',
    `${aws} s3 cp s3://${PLAYBOOK_BUCKET}/${PLAYBOOK_PREFIX}/current.json -`,
    `${aws} s3 ls --recursive s3://${PLAYBOOK_BUCKET}/${PLAYBOOK_PREFIX}/releases/`,
    '# the baked node image, the launch template version that uses it, and the instance refresh',
    `${aws} ec2 describe-images --owners self --query 'Images[].[ImageId,Name,Tags]'`,
    `${aws} ec2 describe-launch-template-versions --launch-template-name ${LAUNCH_TEMPLATE} --query 'LaunchTemplateVersions[].[VersionNumber,DefaultVersion,LaunchTemplateData.ImageId]' --output table`,
    `${aws} autoscaling describe-instance-refreshes --auto-scaling-group-name ${names.autoScalingGroup('dev')}`,
  ];
}
