// The erasure library end to end on the real FerretDB and Kafka: an erasure request on the
// identity topic is consumed, the organisation's key shredded and its documents deleted, and
// the report published through the erasure record's outbox by the real relay.
import {
  createEvent,
  OrganisationErasureCompletedV1,
  OrganisationErasureRequestedV1,
  parseEvent,
  TOPICS,
  type AnyEventDefinition,
  type TrellisEvent,
} from '@trellis/contracts';
import {
  FieldCipher,
  generateMasterKey,
  MongooseKeyStore,
  OrganisationErasedError,
  type EncryptedField,
} from '@trellis/platform-crypto';
import { EventProducer, IdempotentConsumer, KafkaEventConsumer } from '@trellis/platform-kafka';
import { createLogger } from '@trellis/platform-logging';
import { KafkaEventPublisher, OutboxRelay } from '@trellis/platform-outbox';
import {
  createTestTopics,
  isolatedTopic,
  testKafka,
  testMongoose,
  uniqueName,
} from '@trellis/testing';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { ErasureEventsConsumer } from './erasure.consumer';
import { erasureRecordModel, MongoErasureLedger } from './mongo-erasure.ledger';
import { OrganisationEraser } from './organisation-eraser';
import { collectionPurger, type RecordPurger } from './record.purgers';

const identityTopic = isolatedTopic(`erasure.${TOPICS.identity}`);
const deadLetterTopic = isolatedTopic(`erasure.${TOPICS.deadLetter}`);

async function waitUntil<T>(check: () => Promise<T | undefined | null | false> | T, what: string) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('organisation erasure on the real FerretDB and Kafka', () => {
  let kafka: Kafka;
  let topics: { deleteAll(): Promise<void> };
  let mongo: Awaited<ReturnType<typeof testMongoose>>;
  let keysDb: Connection;
  let cipher: FieldCipher;
  let relay: OutboxRelay;
  let erasures: ErasureEventsConsumer;
  let deadLetters: EventProducer;
  let publisher: KafkaEventPublisher;
  let producer: Producer;
  let watcher: Consumer;
  const received: TrellisEvent[] = [];
  /** Makes the next removal of notes fail after deleting (a crash mid-way). */
  let crashAfterDeletingNotes = false;

  const masterKeys = { activeKeyId: 'k1', keys: { k1: generateMasterKey() } };

  beforeAll(async () => {
    kafka = testKafka();
    topics = await createTestTopics(kafka, [
      { topic: identityTopic, numPartitions: 2 },
      { topic: deadLetterTopic, numPartitions: 1 },
    ]);
    mongo = await testMongoose('erasure');
    keysDb = mongo.connection.useDb(uniqueName('erasure_keys'));
    const store = new MongooseKeyStore(keysDb);
    cipher = new FieldCipher(store, { masterKeys });
    const db = mongo.connection;
    const notes = collectionPurger({
      kind: 'notes',
      model: db.collection('notes'),
      match: { engagementField: 'engagementId' },
    });
    const crashingNotes: RecordPurger = {
      kind: notes.kind,
      count: (scope) => notes.count(scope),
      async remove(scope) {
        const removed = await notes.remove(scope);
        if (crashAfterDeletingNotes) {
          crashAfterDeletingNotes = false;
          throw new Error('simulated crash after deleting');
        }
        return removed;
      },
    };
    const records = erasureRecordModel(db);
    const eraser = new OrganisationEraser({
      service: 'risk-service',
      ledger: new MongoErasureLedger(records),
      keys: { cipher, store },
      engagementIdsOf: async (organisationId) =>
        (await db.collection('known_engagements').find({ organisationId }).toArray()).map(
          (d) => d._id as unknown as string,
        ),
      purgers: [
        collectionPurger({
          kind: 'threats',
          model: db.collection('threats'),
          match: { organisationField: 'organisationId' },
        }),
        crashingNotes,
        collectionPurger({
          kind: 'known-engagements',
          model: db.collection('known_engagements'),
          match: { organisationField: 'organisationId' },
        }),
      ],
      reportTopic: identityTopic,
    });
    relay = new OutboxRelay({
      sources: [records],
      publisher: (publisher = new KafkaEventPublisher(kafka)),
      pollIntervalMs: 50,
      autoStart: false,
    });
    relay.start();
    deadLetters = new EventProducer(kafka);
    const kafkaEvents = new KafkaEventConsumer(
      deadLetters,
      { clientId: 'erasure-int', deadLetterTopic, maxAttempts: 5 },
      new IdempotentConsumer(db),
      createLogger({ service: 'erasure-int', level: 'silent' }),
    );
    erasures = new ErasureEventsConsumer(
      { kafka, events: kafkaEvents, eraser, idempotency: new IdempotentConsumer(db) },
      { groupId: uniqueName('erasure-group'), topic: identityTopic },
    );
    await erasures.onApplicationBootstrap();

    watcher = kafka.consumer({ groupId: uniqueName('erasure-watch'), maxWaitTimeInMs: 100 });
    await watcher.connect();
    await watcher.subscribe({ topics: [identityTopic], fromBeginning: true });
    await watcher.run({
      eachMessage: ({ message }) => {
        received.push(parseEvent(JSON.parse(message.value?.toString() ?? '')));
        return Promise.resolve();
      },
    });
    producer = kafka.producer();
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await watcher?.disconnect();
    await erasures?.onApplicationShutdown();
    await relay?.stop();
    await deadLetters?.disconnect();
    await publisher?.disconnect();
    await keysDb?.dropDatabase().catch(() => undefined);
    await mongo?.dispose();
    await topics?.deleteAll();
  });

  async function send(
    definition: AnyEventDefinition,
    erasureRequestId: string,
    organisationId: string,
    id: string = randomUUID(),
  ) {
    const event = createEvent(definition, {
      id,
      actor: { kind: 'service', id: 'gateway' },
      organisationId,
      payload: { erasureRequestId, organisationId },
    } as never);
    await producer.send({
      topic: identityTopic,
      messages: [{ key: organisationId, value: JSON.stringify(event) }],
    });
    return event;
  }

  const purgedFor = (erasureRequestId: string) =>
    received.filter(
      (e) =>
        e.type === 'identity.organisation.purged' &&
        e.payload.erasureRequestId === erasureRequestId,
    );

  const firstPurged = (erasureRequestId: string) =>
    waitUntil(() => purgedFor(erasureRequestId)[0], `the report on ${erasureRequestId}`);

  async function seed(organisationId: string) {
    const db = mongo.connection;
    const engagementId = randomUUID();
    await db
      .collection('known_engagements')
      .insertOne({ _id: engagementId as never, organisationId });
    const facts: EncryptedField = await cipher.encrypt(organisationId, 'they followed us', 'facts');
    await db.collection('threats').insertMany([
      { _id: randomUUID() as never, organisationId, facts },
      { _id: randomUUID() as never, organisationId, facts },
    ]);
    await db.collection('notes').insertMany([
      { _id: randomUUID() as never, engagementId, text: 'n1' },
      { _id: randomUUID() as never, engagementId, text: 'n2' },
      { _id: randomUUID() as never, engagementId, text: 'n3' },
    ]);
    return { engagementId, facts };
  }

  it('shreds, deletes and reports once, surviving a crash mid-way and redeliveries', async () => {
    const orgA = uniqueName('org-a');
    const orgB = uniqueName('org-b');
    const a = await seed(orgA);
    const b = await seed(orgB);
    const requestId = randomUUID();
    crashAfterDeletingNotes = true;

    const request = await send(OrganisationErasureRequestedV1, requestId, orgA);
    const purged = await firstPurged(requestId);

    expect(crashAfterDeletingNotes).toBe(false); // the first attempt did crash
    expect(purged.organisationId).toBe(orgA);
    expect(purged.payload).toEqual({
      erasureRequestId: requestId,
      organisationId: orgA,
      service: 'risk-service',
      keyErased: true,
      removed: [
        { kind: 'threats', count: 2 },
        { kind: 'notes', count: 3 },
        { kind: 'known-engagements', count: 1 },
      ],
    });
    const db = mongo.connection;
    expect(await db.collection('threats').countDocuments({ organisationId: orgA })).toBe(0);
    expect(await db.collection('notes').countDocuments({ engagementId: a.engagementId })).toBe(0);
    expect(await db.collection('known_engagements').countDocuments({ organisationId: orgA })).toBe(
      0,
    );
    expect(await db.collection('threats').countDocuments({ organisationId: orgB })).toBe(2);
    expect(await db.collection('notes').countDocuments({ engagementId: b.engagementId })).toBe(3);

    // The key is gone for good: a copy of the ciphertext (a backup) no longer decrypts, even in
    // a process that never cached the key; organisation B's still does.
    const fresh = new FieldCipher(new MongooseKeyStore(keysDb), { masterKeys });
    await expect(fresh.decrypt(orgA, a.facts, 'facts')).rejects.toBeInstanceOf(
      OrganisationErasedError,
    );
    await expect(fresh.decrypt(orgB, b.facts, 'facts')).resolves.toBe('they followed us');
    const rawKey = await keysDb.collection('organisation_keys').findOne({ _id: orgA as never });
    expect(rawKey).not.toHaveProperty('wrappedKey');

    // Redelivery of the same event, then the gateway's completion (a new event id) for the
    // same request: nothing is deleted or reported again.
    await send(OrganisationErasureRequestedV1, requestId, orgA, request.id);
    const completed = await send(OrganisationErasureCompletedV1, requestId, orgA);
    await waitUntil(
      () => db.collection('processed_events').findOne({ eventId: completed.id, state: 'done' }),
      'the completion handled',
    );
    await new Promise((r) => setTimeout(r, 500)); // give a wrong second report time to show
    expect(purgedFor(requestId).map((e) => e.id)).toEqual([purged.id]);
    const record = await db
      .collection('organisation_erasures')
      .findOne({ _id: requestId as never });
    expect(record).toMatchObject({ organisationId: orgA, outbox: [] });
    expect(record?.['counts']).toEqual({ threats: 2, notes: 3, 'known-engagements': 1 });

    // A second request for the same organisation: nothing left, key still erased.
    const secondId = randomUUID();
    await send(OrganisationErasureRequestedV1, secondId, orgA);
    const second = await firstPurged(secondId);
    expect(second.payload).toMatchObject({
      keyErased: true,
      removed: [
        { kind: 'threats', count: 0 },
        { kind: 'notes', count: 0 },
        { kind: 'known-engagements', count: 0 },
      ],
    });
    expect(second.id).not.toBe(purged.id);
  });
});
