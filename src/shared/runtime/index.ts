export * from './errors';
export * from './duration';
export * from './inputs';
export * from './logger';
export * from './markdown';
export * from './run-action';
export * from './workflow-commands';
