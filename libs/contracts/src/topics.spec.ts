import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, EVENT_HEADERS, EVENT_TOPICS, TOPICS } from './topics';
import { CORRELATION_ID_HEADER } from './http';

interface TopicsFile {
  topics: { name: string; partitions?: number }[];
}

describe('topics', () => {
  const file = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'infra', 'kafka', 'topics.json'), 'utf8'),
  ) as TopicsFile;

  it('are exactly the topics infra/kafka/topics.json creates', () => {
    const infra = new Set(file.topics.map((t) => t.name));
    expect(infra.size).toBe(file.topics.length);
    expect([...new Set(Object.values(TOPICS))].sort()).toEqual([...infra].sort());
  });

  it('list every event topic once, plus the dead-letter topic', () => {
    expect(new Set(ALL_TOPICS).size).toBe(Object.keys(TOPICS).length);
    expect(EVENT_TOPICS).not.toContain(TOPICS.deadLetter);
    expect(ALL_TOPICS).toContain(TOPICS.deadLetter);
  });

  it('follow the naming scheme trellis.<context>.v<n>', () => {
    for (const topic of ALL_TOPICS) expect(topic).toMatch(/^trellis\.[a-z-]+\.v\d+$/);
  });

  it('carry the same correlation header as HTTP', () => {
    expect(EVENT_HEADERS.correlationId).toBe(CORRELATION_ID_HEADER);
  });
});
