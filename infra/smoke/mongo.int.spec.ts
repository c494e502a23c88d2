import { Schema, type Connection } from 'mongoose';
import { testMongoose } from '@trellis/testing';

interface SessionDoc {
  engagementId: string;
  level: 'basic' | 'intermediate' | 'advanced';
  participants: number;
  held: boolean;
}

describe('MongoDB wire protocol (FerretDB, real server) through mongoose', () => {
  let db: Awaited<ReturnType<typeof testMongoose>>;
  let connection: Connection;

  beforeAll(async () => {
    db = await testMongoose('smoke');
    connection = db.connection;
  });
  afterAll(async () => {
    await db.dispose();
  });

  const schema = new Schema<SessionDoc>(
    {
      engagementId: { type: String, required: true, index: true },
      level: { type: String, required: true, enum: ['basic', 'intermediate', 'advanced'] },
      participants: { type: Number, required: true, min: 0 },
      held: { type: Boolean, default: false },
    },
    { optimisticConcurrency: true, timestamps: true },
  );
  schema.index({ engagementId: 1, level: 1 }, { unique: true });

  it('creates indexes, inserts, finds, updates and aggregates', async () => {
    const Session = connection.model<SessionDoc>('Session', schema);
    await Session.syncIndexes();
    const indexes = await Session.collection.indexes();
    expect(indexes.map((i) => i.name)).toEqual(
      expect.arrayContaining(['engagementId_1', 'engagementId_1_level_1']),
    );

    await Session.insertMany([
      { engagementId: 'e1', level: 'basic', participants: 12 },
      { engagementId: 'e1', level: 'intermediate', participants: 8 },
      { engagementId: 'e2', level: 'basic', participants: 5 },
    ]);
    // The unique index is enforced by the server.
    await expect(
      Session.create({ engagementId: 'e1', level: 'basic', participants: 1 }),
    ).rejects.toMatchObject({
      code: 11000,
    });

    const e1 = await Session.find({ engagementId: 'e1' }).sort({ participants: -1 }).lean();
    expect(e1.map((s) => s.participants)).toEqual([12, 8]);

    const res = await Session.updateMany(
      { engagementId: 'e1' },
      { $set: { held: true }, $inc: { participants: 1 } },
    );
    expect(res.modifiedCount).toBe(2);

    // FerretDB 1.24 computes only the FIRST accumulator of a $group stage correctly (later
    // ones come back as 0), so Trellis uses one accumulator per $group (docs/adr/0003).
    const participants = await Session.aggregate<{ _id: string; participants: number }>([
      { $match: { held: true } },
      { $group: { _id: '$engagementId', participants: { $sum: '$participants' } } },
    ]);
    expect(participants).toEqual([{ _id: 'e1', participants: 22 }]);
    const sessions = await Session.aggregate<{ _id: string; sessions: number }>([
      { $match: { held: true } },
      { $group: { _id: '$engagementId', sessions: { $sum: 1 } } },
    ]);
    expect(sessions).toEqual([{ _id: 'e1', sessions: 2 }]);
  });

  it('rejects a stale write with optimistic concurrency', async () => {
    const Session = connection.model<SessionDoc>('Session');
    const a = await Session.findOne({ engagementId: 'e2' }).orFail();
    const b = await Session.findOne({ engagementId: 'e2' }).orFail();
    a.participants = 6;
    await a.save();
    b.participants = 7;
    await expect(b.save()).rejects.toThrow(/No matching document found/);
  });
});
