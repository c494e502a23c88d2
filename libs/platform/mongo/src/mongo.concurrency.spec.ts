import { versionedUpdate } from './mongo.concurrency';

describe('versionedUpdate', () => {
  it('conditions on the expected version and increments it', () => {
    expect(versionedUpdate({ _id: 'e1' }, { $set: { phase: 'training' } }, 4)).toEqual({
      filter: { _id: 'e1', __v: 4 },
      update: { $set: { phase: 'training' }, $inc: { __v: 1 } },
    });
    expect(versionedUpdate({}, { $inc: { count: 2 } }, 0, 'version')).toEqual({
      filter: { version: 0 },
      update: { $inc: { count: 2, version: 1 } },
    });
  });

  it('refuses bad versions, pipelines and updates that write the version', () => {
    expect(() => versionedUpdate({}, {}, -1)).toThrow(/non-negative integer/);
    expect(() => versionedUpdate({}, {}, 1.5)).toThrow(/non-negative integer/);
    expect(() => versionedUpdate({}, [] as unknown as Record<string, unknown>, 1)).toThrow(
      /pipeline/,
    );
    expect(() => versionedUpdate({}, { $set: { __v: 9 } }, 1)).toThrow(/must not write "__v"/);
    expect(() => versionedUpdate({}, { __v: 9 }, 1)).toThrow(/must not write "__v"/);
  });
});
