import { databaseName, mongoConnectOptions } from './mongo.connection';

describe('connection options', () => {
  it('take the database from dbName or the URL, never force a replica set', () => {
    expect(databaseName({ url: 'mongodb://h:1/engagement' })).toBe('engagement');
    expect(databaseName({ url: 'mongodb://h:1/', dbName: 'risk' })).toBe('risk');
    const opts = mongoConnectOptions({
      url: 'mongodb://user:secret@h:1/engagement?replicaSet=rs0',
      appName: 'engagement-service',
    });
    expect(opts).toMatchObject({
      dbName: 'engagement',
      appName: 'engagement-service',
      serverSelectionTimeoutMS: 5000,
    });
    expect(opts).not.toHaveProperty('replicaSet');
  });

  it('say what is missing without echoing the URL (it may hold credentials)', () => {
    expect(() => databaseName({ url: 'mongodb://user:secret@h:1/' })).toThrow(
      /database name missing/,
    );
    let message = '';
    try {
      databaseName({ url: 'not a url user:secret' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/not a valid mongodb:\/\/ URL/);
    expect(message).not.toContain('secret');
  });
});
