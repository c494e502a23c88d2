import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { testKafka, testMongoose } from '@trellis/testing';
import { Kafka, logLevel } from 'kafkajs';
import { createHttpApp, HealthModule, type HealthCheck } from './index';

/** Readiness against the real servers: MongoDB ping and a Kafka cluster description. */
function checks(mongo: Awaited<ReturnType<typeof testMongoose>>, kafka: Kafka): HealthCheck[] {
  return [
    { name: 'mongo', check: async () => void (await mongo.connection.db!.admin().ping()) },
    {
      name: 'kafka',
      check: async () => {
        const admin = kafka.admin();
        await admin.connect();
        try {
          await admin.describeCluster();
        } finally {
          await admin.disconnect();
        }
      },
    },
  ];
}

async function appWith(list: HealthCheck[]): Promise<NestFastifyApplication> {
  @Module({ imports: [HealthModule.forRoot({ useFactory: () => list })] })
  class M {}
  const app = await createHttpApp(M, { service: 'health-test', logLevel: 'silent' });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('readiness against real MongoDB and Kafka', () => {
  it('is ready when both answer and names the one that does not', async () => {
    const mongo = await testMongoose('health');
    const up = await appWith(checks(mongo, testKafka()));
    const ready = await up.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: { mongo: { status: 'up' }, kafka: { status: 'up' } },
    });
    await up.close();

    const deadKafka = new Kafka({
      clientId: 'dead',
      brokers: ['127.0.0.1:1'],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 300,
    });
    const down = await appWith(checks(mongo, deadKafka));
    const notReady = await down.inject({ method: 'GET', url: '/health/ready' });
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json().checks).toMatchObject({
      mongo: { status: 'up' },
      kafka: { status: 'down' },
    });
    await down.close();
    await mongo.dispose();
  });
});
