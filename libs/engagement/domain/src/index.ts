export * from './agreement';
export * from './agreement-terms';
export * from './needs-assessment';
export * from './routing';
