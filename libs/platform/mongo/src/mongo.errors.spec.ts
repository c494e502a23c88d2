import {
  DuplicateKeyError,
  duplicateKeyIndex,
  isDuplicateKeyError,
  mapDuplicateKeyError,
  NotFoundError,
  VersionConflictError,
} from './mongo.errors';

// Shapes as the drivers report them (recorded from MongoDB 7 and FerretDB 1.24).
const mongoInsert = Object.assign(
  new Error('E11000 duplicate key error collection: db.desks index: name_1 dup key: { name: "X" }'),
  { code: 11000, keyPattern: { name: 1 } },
);
const ferretUpdate = Object.assign(
  new Error(
    "[msg_update.go:133 handler.(*Handler).updateDocument] constraint failed: UNIQUE constraint failed: index 'desks_fd0c5087_name_1' (2067)",
  ),
  { code: 1, codeName: 'InternalError' },
);
const bulk = Object.assign(new Error('bulk write failed'), {
  code: undefined,
  writeErrors: [{ code: 11000, index: 1, errmsg: 'E11000 duplicate key error' }],
});

describe('isDuplicateKeyError', () => {
  it('recognises MongoDB 11000, FerretDB code 1 "UNIQUE constraint failed" and bulk write errors', () => {
    expect(isDuplicateKeyError(mongoInsert)).toBe(true);
    expect(isDuplicateKeyError({ code: 11001 })).toBe(true);
    expect(isDuplicateKeyError(ferretUpdate)).toBe(true);
    expect(isDuplicateKeyError(bulk)).toBe(true);
    expect(isDuplicateKeyError({ errorResponse: { code: 11000 } })).toBe(true);
  });

  it('does not mistake other errors for duplicates', () => {
    expect(isDuplicateKeyError(new Error('boom'))).toBe(false);
    expect(isDuplicateKeyError({ code: 1, message: 'some other internal error' })).toBe(false);
    expect(isDuplicateKeyError({ code: 112, message: 'WriteConflict' })).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('E11000')).toBe(false);
  });
});

describe('duplicate key mapping', () => {
  it('names the index but never the duplicated value', () => {
    expect(duplicateKeyIndex(mongoInsert)).toBe('name_1');
    expect(duplicateKeyIndex(ferretUpdate)).toBe('desks_fd0c5087_name_1');
    const mapped = mapDuplicateKeyError(mongoInsert, 'Desk');
    expect(mapped).toBeInstanceOf(DuplicateKeyError);
    expect(mapped).toMatchObject({ code: 'DUPLICATE', entity: 'Desk', index: 'name_1' });
    expect((mapped as Error).message).toBe('Desk already exists (unique index name_1)');
    expect((mapped as Error).message).not.toContain('"X"');
    expect((mapped as Error).cause).toBeUndefined();
  });

  it('returns other errors unchanged', () => {
    const other = new Error('network');
    expect(mapDuplicateKeyError(other, 'Desk')).toBe(other);
  });

  it('gives stable codes', () => {
    expect(new NotFoundError('Engagement')).toMatchObject({
      code: 'NOT_FOUND',
      name: 'NotFoundError',
    });
    expect(new VersionConflictError('Engagement', 3)).toMatchObject({
      code: 'VERSION_CONFLICT',
      expectedVersion: 3,
    });
  });
});
