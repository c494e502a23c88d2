export * from './agreement';
export * from './needs-assessment';
export * from './routing';
