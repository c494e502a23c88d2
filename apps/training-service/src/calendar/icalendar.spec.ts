import ICAL from 'ical.js';
import { escapeText, foldLine, formatUtc, serializeCalendar } from './icalendar';

describe('iCalendar writer (RFC 5545)', () => {
  it('escapes text, formats UTC instants and folds long lines at 75 octets', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
    expect(formatUtc(new Date('2026-03-01T09:05:07.123Z'))).toBe('20260301T090507Z');
    const long = `SUMMARY:${'é'.repeat(100)}`;
    const folded = foldLine(long).split('\r\n');
    expect(folded.length).toBeGreaterThan(1);
    for (const line of folded) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    expect(folded.map((l, i) => (i === 0 ? l : l.slice(1))).join('')).toBe(long);
  });

  it('writes a calendar that ical.js parses back to the same values', () => {
    const summary = `Risk analysis, threat assessment; level "advanced" — ${'x'.repeat(80)}`;
    const text = serializeCalendar({
      productId: '-//Trellis//Training//EN',
      name: 'Sessions',
      events: [
        {
          uid: 'session-1@trellis',
          stamp: new Date('2026-02-01T00:00:00Z'),
          start: new Date('2026-03-01T09:00:00Z'),
          end: new Date('2026-03-01T12:30:00Z'),
          summary,
          description: 'Line one\nLine two, with comma',
          sequence: 2,
          status: 'CONFIRMED',
        },
      ],
    });
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
    const component = new ICAL.Component(ICAL.parse(text));
    const [vevent] = component.getAllSubcomponents('vevent');
    const event = new ICAL.Event(vevent);
    expect(event.uid).toBe('session-1@trellis');
    expect(event.summary).toBe(summary);
    expect(event.description).toBe('Line one\nLine two, with comma');
    expect(event.startDate.toJSDate().toISOString()).toBe('2026-03-01T09:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2026-03-01T12:30:00.000Z');
    expect(event.sequence).toBe(2);
    expect(component.getFirstPropertyValue('prodid')).toBe('-//Trellis//Training//EN');
  });
});
