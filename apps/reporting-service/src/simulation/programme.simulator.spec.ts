import { parseEvent } from '@trellis/contracts';
import { simulateProgramme } from './programme.simulator';

describe('programme simulation', () => {
  it('produces valid events in time order, the same for a seed', () => {
    const options = { engagements: 20, start: '2024-01-01T00:00:00.000Z', months: 24, seed: 7 };
    const events = simulateProgramme(options);
    expect(events.length).toBeGreaterThan(20 * 40);
    for (const e of events) expect(parseEvent(JSON.parse(JSON.stringify(e)))).toEqual(e);
    const times = events.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort());
    expect(simulateProgramme(options).map((e) => e.id)).toEqual(events.map((e) => e.id));
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      'training.cascade.verified',
      'reminders.escalation.raised',
      'risk.incident.reported',
    ]) {
      expect(types).toContain(type);
    }
  });
});
