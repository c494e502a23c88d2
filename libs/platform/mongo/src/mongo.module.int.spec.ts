import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { mongoUrlForDatabase, resolveEndpoints, uniqueName } from '@trellis/testing';
import { createMongoConnection, pingMongo } from './mongo.connection';
import { optimisticConcurrency, versionedSchemaOptions } from './mongo.concurrency';
import {
  InjectConnection,
  InjectModel,
  MONGO_CONNECTION,
  MongoHealth,
  MongoModule,
} from './mongo.module';

interface Desk {
  name: string;
  countries: string[];
}
const deskSchema = new Schema<Desk>(
  { name: { type: String, required: true }, countries: [String] },
  versionedSchemaOptions,
);
deskSchema.plugin(optimisticConcurrency);

@Injectable()
class DeskStore {
  constructor(
    @InjectModel('Desk') readonly desks: Model<Desk>,
    @InjectConnection() readonly connection: Connection,
  ) {}
}

@Module({
  imports: [MongoModule.forFeature([{ name: 'Desk', schema: deskSchema }])],
  providers: [DeskStore],
})
class DesksModule {}

describe('MongoModule on the real server', () => {
  const database = uniqueName('mongo_module');
  const url = mongoUrlForDatabase(resolveEndpoints().mongoUrl, database);

  afterAll(async () => {
    const c = await mongoose.createConnection(url).asPromise();
    await c.dropDatabase();
    await c.close();
  });

  it('provides the connection, models and a health check, and closes the connection on shutdown', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        MongoModule.forRootAsync({
          useFactory: () => ({
            url: resolveEndpoints().mongoUrl,
            dbName: database,
            appName: 'test',
          }),
        }),
        DesksModule,
      ],
    }).compile();
    const app = await moduleRef.init();

    const connection = app.get<Connection>(MONGO_CONNECTION);
    expect(connection.name).toBe(database);
    const store = app.get(DeskStore);
    expect(store.connection).toBe(connection);
    const desk = await store.desks.create({ name: 'Desk A', countries: ['CO'] });
    expect(await store.desks.countDocuments()).toBe(1);

    // save() is version-checked: a stale copy cannot overwrite a newer one.
    const stale = await store.desks.findById(desk._id).orFail();
    desk.countries = ['CO', 'PE'];
    await desk.save();
    stale.countries = ['MX'];
    await expect(stale.save()).rejects.toThrow(/No matching document found/);

    const health = app.get(MongoHealth);
    await expect(health.check()).resolves.toBeUndefined();
    expect(await health.ping()).toBeGreaterThanOrEqual(0);

    await app.close();
    expect(connection.readyState).toBe(mongoose.ConnectionStates.disconnected);
    await expect(health.check()).rejects.toThrow('MongoDB is not connected');
  });

  it('fails fast with a clear error when the server is unreachable', async () => {
    const started = Date.now();
    await expect(
      createMongoConnection({
        url: 'mongodb://127.0.0.1:9/unreachable',
        appName: 'test',
        serverSelectionTimeoutMS: 300,
      }),
    ).rejects.toThrow(/ECONNREFUSED|Server selection timed out/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('pings through a plain connection', async () => {
    const connection = await createMongoConnection({ url, appName: 'test' });
    try {
      expect(await pingMongo(connection)).toBeGreaterThanOrEqual(0);
    } finally {
      await connection.close();
    }
    await expect(pingMongo(connection)).rejects.toThrow('MongoDB is not connected');
  });
});
