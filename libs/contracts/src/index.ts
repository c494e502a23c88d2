/**
 * @trellis/contracts — everything that crosses a process boundary in Trellis: the event
 * envelope, topics, every context's versioned events and their registry, the messages of the
 * capacity-building workflow, HTTP error contracts and the domain values all of them share.
 * zod only: safe for services, the Temporal workflow sandbox and the browser.
 */
export * from './country-codes';
export * from './domain-values';
export * from './core';
export * from './durations';
export * from './durations.schema';
export * from './envelope';
export * from './errors';
export * from './event-definition';
export * from './events/autonomy.events';
export * from './events/coaching.events';
export * from './events/engagement.events';
export * from './events/identity.events';
export * from './events/reminders.events';
export * from './events/risk.events';
export * from './events/training.events';
export * from './http';
export * from './registry';
export * from './topics';
export * from './workflow.messages';
export { EVENT_FIXTURES, eventFixture } from './fixtures/events.fixtures';
