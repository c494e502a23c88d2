// The demo kit: a gateway client, the demo data set, the whole-process scenario and the
// harness that starts the whole system for end-to-end tests. Used by `npm start`'s demo
// (tools/demo), the end-to-end, browser, fault and benchmark runs.
export * from './demo-data';
export * from './gateway.client';
export * from './progress';
export * from './scenario';
export * from './scenario.actions';
export * from './scenario.monitor';
export * from './testing/event-log';
export * from './testing/system.fixture';
