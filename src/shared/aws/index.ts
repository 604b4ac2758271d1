export * from './client-factory';
export * from './endpoint';
export * from './poll';
export * from './region';
