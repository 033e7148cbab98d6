export * from './commands';
export * from './events';
export * from './errors';
export * from './wire';
