export * from './deploy-revision';
export * from './failure-report';
export * from './rollout';
export * from './service-state';
export * from './target-health';
export * from './wait';
