import { collectionPurger, matchFilter } from './record.purgers';

const scope = { erasureRequestId: 'r', organisationId: 'org-1', engagementIds: ['e1', 'e2'] };

describe('record purgers', () => {
  it('builds the filter of each kind of match', () => {
    expect(matchFilter({ organisationField: 'organisationId' }, scope)).toEqual({
      organisationId: 'org-1',
    });
    expect(matchFilter({ engagementField: 'engagementId' }, scope)).toEqual({
      engagementId: { $in: ['e1', 'e2'] },
    });
    expect(matchFilter({ engagementField: 'engagementId' }, { ...scope, engagementIds: [] })).toBe(
      undefined,
    );
    expect(
      matchFilter((s) => ({ kind: 'organisation', subjectId: s.organisationId }), scope),
    ).toEqual({
      kind: 'organisation',
      subjectId: 'org-1',
    });
  });

  it('counts and removes nothing without touching the database when nothing can match', async () => {
    const collection = {
      countDocuments: jest.fn(),
      deleteMany: jest.fn(),
    };
    const purger = collectionPurger({
      kind: 'notes',
      model: collection as never,
      match: { engagementField: 'engagementId' },
    });
    const none = { ...scope, engagementIds: [] };
    expect(await purger.count(none)).toBe(0);
    expect(await purger.remove(none)).toBe(0);
    expect(collection.countDocuments).not.toHaveBeenCalled();
    expect(collection.deleteMany).not.toHaveBeenCalled();
  });

  it('rejects a kind that is not kebab-case', () => {
    expect(() =>
      collectionPurger({
        kind: 'Needs_Assessments',
        model: {} as never,
        match: { organisationField: 'o' },
      }),
    ).toThrow();
  });
});
