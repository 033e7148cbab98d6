export * from './commands';
export * from './events';
export * from './api-error';
export * from './wire';
