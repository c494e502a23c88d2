import { z } from 'zod';
import {
  AgreementActivatedV1,
  AgreementSignedV1,
  ContractViolationError,
  DeskCreatedV1,
  EngagementCreatedV1,
  EventRegistry,
  IncidentReportedV1,
  OrganisationRegisteredV1,
  SessionHeldV1,
  TOPICS,
  allEventDefinitions,
  createEvent,
  decodeEvent,
  defineEvent,
  encodeEvent,
  eventDefinition,
  eventKey,
  eventRegistry,
  isContractViolationError,
  isEvent,
  parseEvent,
  safeParseEvent,
  type EventEnvelope,
} from './index';
import { EVENT_FIXTURES, eventFixture } from './fixtures/events.fixtures';

/** Runs `fn`, expecting a ContractViolationError, and returns it. */
function violation(fn: () => unknown): ContractViolationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
  throw new Error('expected a ContractViolationError');
}

/** A deep copy of a fixture as a mutable plain object. */
function raw(key: string): Record<string, unknown> & { payload: Record<string, unknown> } {
  return structuredClone(EVENT_FIXTURES[key]) as Record<string, unknown> & {
    payload: Record<string, unknown>;
  };
}

describe('event fixtures (contract test)', () => {
  const keys = allEventDefinitions.map((d) => d.key);

  it('has a fixture for every registered type@version, and none without a definition', () => {
    expect(Object.keys(EVENT_FIXTURES).sort()).toEqual([...keys].sort());
  });

  it.each(keys)('%s: the fixture parses and round-trips through JSON', (key) => {
    const fixture = EVENT_FIXTURES[key];
    const event = decodeEvent(Buffer.from(encodeEvent(fixture as EventEnvelope)));
    expect(event).toEqual(fixture);
    expect(`${event.type}@${event.version}`).toBe(key);
  });

  it('defines every type@version once, with unique fixture ids', () => {
    expect(new Set(keys).size).toBe(keys.length);
    const ids = Object.values(EVENT_FIXTURES).map((f) => (f as EventEnvelope).id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('puts every event on the topic of its context', () => {
    for (const d of allEventDefinitions) {
      const context = d.type.split('.')[0] as keyof typeof TOPICS;
      expect(d.topic).toBe(TOPICS[context]);
      expect(d.description.length).toBeGreaterThan(20);
    }
  });

  it('covers every context with events', () => {
    const topics = new Set(allEventDefinitions.map((d) => d.topic));
    expect([...topics].sort()).toEqual(
      Object.values(TOPICS)
        .filter((t) => t !== TOPICS.deadLetter)
        .sort(),
    );
  });
});

describe('parseEvent rejects what breaks the contract', () => {
  it('an unknown type (UNKNOWN_EVENT_TYPE)', () => {
    const event = raw(AgreementSignedV1.key);
    event['type'] = 'engagement.agreement.torn-up';
    const error = violation(() => parseEvent(event));
    expect(error.reason).toBe('UNKNOWN_EVENT_TYPE');
    expect(error.issues[0]?.path).toBe('type');
  });

  it('a known type in an unknown version (UNKNOWN_EVENT_VERSION)', () => {
    const event = raw(AgreementSignedV1.key);
    event['version'] = 2;
    const error = violation(() => parseEvent(event));
    expect(error.reason).toBe('UNKNOWN_EVENT_VERSION');
    expect(error.issues).toEqual([
      expect.objectContaining({ path: 'version', message: expect.stringContaining('known: 1') }),
    ]);
    expect(error.context).toMatchObject({ eventType: AgreementSignedV1.type, eventVersion: 2 });
  });

  it('a missing payload field, with its path', () => {
    const event = raw(AgreementSignedV1.key);
    delete event.payload['signerId'];
    const error = violation(() => parseEvent(event));
    expect(error.reason).toBe('INVALID_EVENT');
    expect(error.issues.map((i) => i.path)).toEqual(['payload.signerId']);
    expect(error.message).toContain('engagement.agreement.signed@1');
    expect(error.message).toContain('payload.signerId');
  });

  it('an extra sensitive field anywhere in the payload, without echoing its value', () => {
    const incident = raw(IncidentReportedV1.key);
    incident.payload['narrative'] = 'SECRET narrative of the raid';
    const e1 = violation(() => parseEvent(incident));
    expect(e1.reason).toBe('INVALID_EVENT');
    expect(e1.issues.map((i) => i.path)).toEqual(['payload.narrative']);
    expect(e1.message).not.toContain('SECRET');
    expect(JSON.stringify(e1.issues)).not.toContain('SECRET');

    const organisation = raw(OrganisationRegisteredV1.key);
    organisation.payload['name'] = 'SECRET name';
    organisation.payload['contactEmail'] = 'someone@example.org';
    expect(violation(() => parseEvent(organisation)).issues.map((i) => i.path)).toEqual([
      'payload.name',
      'payload.contactEmail',
    ]);

    const activated = raw(AgreementActivatedV1.key);
    const terms = activated.payload['terms'] as { interventions: Record<string, unknown>[] };
    terms.interventions[0]['rationale'] = 'SECRET rationale';
    expect(violation(() => parseEvent(activated)).issues.map((i) => i.path)).toEqual([
      'payload.terms.interventions.0.rationale',
    ]);
  });

  it('free text where an id is expected', () => {
    const event = raw(AgreementSignedV1.key);
    event.payload['signerId'] = 'Maria Pérez, director';
    expect(violation(() => parseEvent(event)).issues.map((i) => i.path)).toEqual([
      'payload.signerId',
    ]);
  });

  it('an invalid or extended envelope (INVALID_ENVELOPE)', () => {
    const notUuid = raw(AgreementSignedV1.key);
    notUuid['id'] = 'event-1';
    expect(violation(() => parseEvent(notUuid)).reason).toBe('INVALID_ENVELOPE');

    const extended = raw(AgreementSignedV1.key);
    extended['organisationName'] = 'SECRET';
    const error = violation(() => parseEvent(extended));
    expect(error.reason).toBe('INVALID_ENVELOPE');
    expect(error.issues.map((i) => i.path)).toEqual(['organisationName']);

    const localTime = raw(AgreementSignedV1.key);
    localTime['occurredAt'] = '2026-01-30T10:00:00+02:00';
    expect(violation(() => parseEvent(localTime)).issues.map((i) => i.path)).toEqual([
      'occurredAt',
    ]);

    expect(violation(() => parseEvent('not an object')).reason).toBe('INVALID_ENVELOPE');
  });

  it('an engagement event without its scope fields', () => {
    const event = raw(SessionHeldV1.key);
    delete event['unitId'];
    delete event['organisationId'];
    const error = violation(() => parseEvent(event));
    expect(error.reason).toBe('INVALID_EVENT');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['organisationId', 'unitId']);
  });

  it('a payload id that contradicts the envelope', () => {
    const event = raw(EngagementCreatedV1.key);
    event.payload['engagementId'] = 'eng-9999';
    expect(violation(() => parseEvent(event)).issues.map((i) => i.path)).toEqual([
      'payload.engagementId',
    ]);
    const desk = raw(DeskCreatedV1.key);
    desk['unitId'] = 'desk-other';
    expect(violation(() => parseEvent(desk)).issues.map((i) => i.path)).toEqual(['payload.deskId']);
  });

  it('cross-field rules of payloads', () => {
    const held = raw(SessionHeldV1.key);
    held.payload['attendanceCount'] = 20;
    expect(violation(() => parseEvent(held)).issues.map((i) => i.path)).toContain(
      'payload.attendanceCount',
    );

    const created = raw(EngagementCreatedV1.key);
    created.payload['region'] = 'PE-LIM';
    expect(violation(() => parseEvent(created)).issues.map((i) => i.path)).toEqual([
      'payload.region',
    ]);

    const activated = raw(AgreementActivatedV1.key);
    (activated.payload['terms'] as Record<string, unknown>)['coachingCadence'] = 'P1Y';
    expect(violation(() => parseEvent(activated)).issues.map((i) => i.path)).toEqual([
      'payload.terms.coachingCadenceBounds',
    ]);

    const zeroCadence = raw(AgreementActivatedV1.key);
    (zeroCadence.payload['terms'] as Record<string, unknown>)['reminderLeadTime'] = 'PT0S';
    expect(violation(() => parseEvent(zeroCadence)).issues.map((i) => i.path)).toEqual([
      'payload.terms.reminderLeadTime',
    ]);
  });

  it('malformed and empty messages (MALFORMED_JSON)', () => {
    expect(violation(() => decodeEvent('{"id":')).reason).toBe('MALFORMED_JSON');
    expect(violation(() => decodeEvent(null)).reason).toBe('MALFORMED_JSON');
    expect(violation(() => decodeEvent(Buffer.alloc(0))).reason).toBe('MALFORMED_JSON');
  });

  it('safeParseEvent returns the violation instead of throwing', () => {
    const bad = raw(AgreementSignedV1.key);
    bad['version'] = 7;
    const result = safeParseEvent(bad);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.reason).toBe('UNKNOWN_EVENT_VERSION');
      expect(isContractViolationError(result.error)).toBe(true);
    }
    const good = safeParseEvent(EVENT_FIXTURES[AgreementSignedV1.key]);
    expect(good.success && good.event.type).toBe(AgreementSignedV1.type);
  });
});

describe('createEvent', () => {
  const actor = { kind: 'user', id: 'user-officer-0001', role: 'protection-officer' } as const;
  const scope = { engagementId: 'eng-0001', organisationId: 'org-0001', unitId: 'desk-andes' };

  it('fills a random UUID id and the current time, and validates', () => {
    const before = Date.now();
    const event = createEvent(IncidentReportedV1, {
      ...scope,
      actor,
      correlationId: 'req-1',
      payload: eventFixture(IncidentReportedV1).payload,
    });
    expect(event.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Date.parse(event.occurredAt)).toBeGreaterThanOrEqual(before);
    expect(event).toMatchObject({ type: 'risk.incident.reported', version: 1, ...scope, actor });
    expect(parseEvent(JSON.parse(encodeEvent(event)))).toEqual(event);
  });

  it('takes an injected id and occurredAt (for workflow code)', () => {
    const event = createEvent(DeskCreatedV1, {
      id: '5b1f6c2e-2d7a-4c1e-9f3b-0a1b2c3d4e5f',
      occurredAt: new Date('2026-05-01T12:00:00Z'),
      unitId: 'desk-1',
      actor: { kind: 'service', id: 'engagement-service' },
      payload: { deskId: 'desk-1', countries: ['KE'] },
    });
    expect(event.id).toBe('5b1f6c2e-2d7a-4c1e-9f3b-0a1b2c3d4e5f');
    expect(event.occurredAt).toBe('2026-05-01T12:00:00.000Z');
    expect(event).not.toHaveProperty('correlationId');
  });

  it('throws a ContractViolationError for an invalid payload', () => {
    const error = violation(() =>
      createEvent(DeskCreatedV1, {
        unitId: 'desk-1',
        actor: { kind: 'service', id: 'engagement-service' },
        payload: { deskId: 'desk-1', countries: ['KE', 'XX' as 'KE'] },
      }),
    );
    expect(error.reason).toBe('INVALID_EVENT');
    expect(error.issues.map((i) => i.path)).toEqual(['payload.countries.1']);
  });

  it('asks for an explicit id where globalThis.crypto is missing (Temporal sandbox)', () => {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
    Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true });
    try {
      expect(() =>
        createEvent(DeskCreatedV1, {
          unitId: 'desk-1',
          actor: { kind: 'service', id: 'engagement-service' },
          payload: { deskId: 'desk-1', countries: [] },
        }),
      ).toThrow(/pass `id`/);
    } finally {
      if (descriptor) Object.defineProperty(globalThis, 'crypto', descriptor);
    }
  });
});

describe('eventKey and lookup', () => {
  it('keys events by their aggregate id', () => {
    expect(eventKey(eventFixture(SessionHeldV1))).toBe('eng-0001');
    expect(eventKey(eventFixture(OrganisationRegisteredV1))).toBe('org-0001');
    expect(eventKey(eventFixture(DeskCreatedV1))).toBe('desk-andes');
  });

  it('refuses to key an unknown event', () => {
    const event = { ...eventFixture(DeskCreatedV1), version: 9 } as EventEnvelope;
    expect(violation(() => eventKey(event)).reason).toBe('UNKNOWN_EVENT_TYPE');
  });

  it('finds definitions by type and version and narrows with isEvent', () => {
    expect(eventDefinition('engagement.agreement.signed', 1)).toBe(AgreementSignedV1);
    expect(eventDefinition('engagement.agreement.signed', 2)).toBeUndefined();
    expect(eventRegistry.latest('engagement.agreement.signed')).toBe(AgreementSignedV1);
    expect(eventRegistry.forTopic(TOPICS.identity).map((d) => d.type)).toEqual([
      'identity.organisation.erasure-requested',
      'identity.organisation.purged',
      'identity.organisation.erasure-completed',
    ]);
    const event = parseEvent(EVENT_FIXTURES[AgreementSignedV1.key]);
    expect(isEvent(event, AgreementSignedV1) && event.payload.party).toBe('defender-organisation');
    expect(isEvent(event, SessionHeldV1)).toBe(false);
  });
});

describe('versioning', () => {
  const payloadV1 = z.strictObject({ deskId: z.string().regex(/^d/) });
  const V1 = defineEvent({
    type: 'engagement.desk.renamed',
    version: 1,
    topic: TOPICS.engagement,
    aggregate: 'unitId',
    producer: 'engagement-service',
    description: 'test event, first version of the payload',
    payload: payloadV1,
  });
  const V2 = defineEvent({
    type: 'engagement.desk.renamed',
    version: 2,
    topic: TOPICS.engagement,
    aggregate: 'unitId',
    producer: 'engagement-service',
    description: 'test event, second version with a required field',
    payload: payloadV1.extend({ revision: z.int() }),
  });
  const base = {
    id: '5b1f6c2e-2d7a-4c1e-9f3b-0a1b2c3d4e5f',
    type: 'engagement.desk.renamed',
    occurredAt: '2026-05-01T12:00:00.000Z',
    unitId: 'd1',
    actor: { kind: 'service', id: 'engagement-service' },
  };

  it('validates each version against its own payload schema', () => {
    const registry = new EventRegistry([V1, V2]);
    expect(registry.versionsOf('engagement.desk.renamed')).toEqual([1, 2]);
    expect(registry.latest('engagement.desk.renamed')).toBe(V2);
    expect(registry.parse({ ...base, version: 1, payload: { deskId: 'd1' } }).version).toBe(1);
    expect(
      registry.parse({ ...base, version: 2, payload: { deskId: 'd1', revision: 2 } }).version,
    ).toBe(2);
    const error = violation(() =>
      registry.parse({ ...base, version: 2, payload: { deskId: 'd1' } }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['payload.revision']);
  });

  it('refuses inconsistent definitions', () => {
    expect(() => new EventRegistry([V1, V1])).toThrow(/defined twice/);
    expect(() =>
      defineEvent({
        type: 'engagement.desk.renamed',
        version: 3,
        topic: TOPICS.engagement,
        aggregate: 'unitId',
        producer: 'engagement-service',
        description: 'a payload that lets unknown keys through',
        payload: z.looseObject({ deskId: z.string() }),
      }),
    ).toThrow(/strict/);
    expect(() =>
      defineEvent({
        type: 'engagement.desk.renamed',
        version: 3,
        topic: TOPICS.risk,
        aggregate: 'unitId',
        producer: 'engagement-service',
        description: 'published on the topic of another context',
        payload: payloadV1,
      }),
    ).toThrow(/topic/);
  });
});

describe('violation reports', () => {
  it('name the event only when its type and id look like a type and an id', () => {
    const event = raw(AgreementSignedV1.key);
    event['type'] = 'Maria Pérez was threatened at her home';
    event['id'] = 'call +57 300 000 0000';
    const error = violation(() => parseEvent(event));
    expect(error.context).toEqual({ eventVersion: 1 });
    expect(error.message).not.toContain('Maria');
    expect(error.message).not.toContain('+57');
  });
});
