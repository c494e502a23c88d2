export * from './agreement';
export * from './routing';
