import { InvalidScopeError, ScopeViolationError } from './mongo.errors';
import {
  applyScope,
  assertDocumentInScope,
  assertUpdateKeepsScope,
  DataScope,
  scopeFilter,
  type ScopeFields,
} from './mongo.scope';

const both: ScopeFields = { organisation: 'organisationId', unit: 'unitId' };
const org = DataScope.organisation('org-1');
const unit = DataScope.unit('desk-a');
const all = DataScope.all('nightly reminder scan');

describe('scopeFilter', () => {
  it('restricts to the scope field of each kind, and not at all for "all"', () => {
    expect(scopeFilter(org, both, 'Engagement')).toEqual({ organisationId: 'org-1' });
    expect(scopeFilter(unit, both, 'Engagement')).toEqual({ unitId: 'desk-a' });
    expect(scopeFilter(all, both, 'Engagement')).toEqual({});
  });

  it('refuses a scope the collection has no field for', () => {
    expect(() => scopeFilter(unit, { organisation: '_id' }, 'Organisation')).toThrow(
      new InvalidScopeError('Organisation cannot be scoped to a unit'),
    );
    expect(() => scopeFilter(org, { unit: 'unitId' }, 'Desk')).toThrow(InvalidScopeError);
  });

  it('refuses malformed scopes: empty ids, "all" without a reason, unknown kinds', () => {
    expect(() => scopeFilter(DataScope.organisation(''), both, 'x')).toThrow(/organisation id/);
    expect(() => scopeFilter(DataScope.unit('  '), both, 'x')).toThrow(/unit id/);
    expect(() => scopeFilter(DataScope.all(''), both, 'x')).toThrow(/requires a reason/);
    expect(() => scopeFilter({ kind: 'all' } as unknown as DataScope, both, 'x')).toThrow(
      /requires a reason/,
    );
    expect(() => scopeFilter({ kind: 'everyone' } as unknown as DataScope, both, 'x')).toThrow(
      /unknown data scope/,
    );
    expect(() =>
      scopeFilter({ kind: 'organisation', organisationId: 7 } as unknown as DataScope, both, 'x'),
    ).toThrow(InvalidScopeError);
  });
});

describe('applyScope', () => {
  it('adds the scope condition to an unrelated filter', () => {
    expect(applyScope(org, both, { phase: 'training' })).toEqual({
      phase: 'training',
      organisationId: 'org-1',
    });
    expect(applyScope(unit, both)).toEqual({ unitId: 'desk-a' });
  });

  it('keeps both conditions when the filter names the scope field, so a contradiction matches nothing', () => {
    expect(applyScope(org, both, { organisationId: 'org-2' })).toEqual({
      $and: [{ organisationId: 'org-2' }, { organisationId: 'org-1' }],
    });
    expect(applyScope(unit, both, { unitId: { $in: ['desk-a', 'desk-b'] } })).toEqual({
      $and: [{ unitId: { $in: ['desk-a', 'desk-b'] } }, { unitId: 'desk-a' }],
    });
  });

  it('never lets $and, $or or $nor in the filter replace the scope', () => {
    const withAnd = applyScope(org, both, { $and: [{ organisationId: 'org-2' }] });
    expect(withAnd).toEqual({
      $and: [{ $and: [{ organisationId: 'org-2' }] }, { organisationId: 'org-1' }],
    });
    expect(applyScope(org, both, { $or: [{ organisationId: 'org-2' }, { a: 1 }] })).toEqual({
      $or: [{ organisationId: 'org-2' }, { a: 1 }],
      organisationId: 'org-1',
    });
    expect(applyScope(unit, both, { $nor: [{ unitId: 'desk-a' }] })).toEqual({
      $nor: [{ unitId: 'desk-a' }],
      unitId: 'desk-a',
    });
  });

  it('passes the filter through for "all" without touching the caller\'s object', () => {
    const filter = { phase: 'agreement' };
    const scoped = applyScope(all, both, filter);
    expect(scoped).toEqual({ phase: 'agreement' });
    expect(scoped).not.toBe(filter);
    const orgFilter = { phase: 'agreement' };
    applyScope(org, both, orgFilter);
    expect(orgFilter).toEqual({ phase: 'agreement' });
  });

  it('scopes the organisations collection by _id', () => {
    expect(applyScope(org, { organisation: '_id' }, { _id: 'org-2' })).toEqual({
      $and: [{ _id: 'org-2' }, { _id: 'org-1' }],
    });
  });

  it('refuses server-side code in filters and non-object filters', () => {
    expect(() => applyScope(org, both, { $where: 'true' })).toThrow(/\$where/);
    expect(() => applyScope(org, both, { $or: [{ $where: 'true' }] })).toThrow(/\$where/);
    expect(() => applyScope(org, both, { $expr: { $function: {} } })).toThrow(/\$function/);
    expect(() => applyScope(org, both, [] as unknown as Record<string, unknown>)).toThrow(
      /plain object/,
    );
  });
});

describe('assertDocumentInScope', () => {
  it('accepts a document carrying the scope id', () => {
    expect(() =>
      assertDocumentInScope(org, both, { organisationId: 'org-1', unitId: 'desk-z' }),
    ).not.toThrow();
    expect(() => assertDocumentInScope(unit, both, { unitId: 'desk-a' })).not.toThrow();
    expect(() => assertDocumentInScope(all, both, { organisationId: 'any' })).not.toThrow();
  });

  it('refuses a document of another organisation or unit, or without the scope field', () => {
    expect(() =>
      assertDocumentInScope(org, both, { organisationId: 'org-2' }, 'Engagement'),
    ).toThrow(new ScopeViolationError('Engagement', 'organisationId'));
    expect(() => assertDocumentInScope(unit, both, { unitId: 'desk-b' })).toThrow(
      ScopeViolationError,
    );
    expect(() => assertDocumentInScope(unit, both, { organisationId: 'org-1' })).toThrow(
      ScopeViolationError,
    );
  });
});

describe('assertUpdateKeepsScope', () => {
  it('lets updates of other fields through', () => {
    expect(() =>
      assertUpdateKeepsScope(org, both, { $set: { phase: 'training', unitId: 'desk-b' } }),
    ).not.toThrow();
    expect(() =>
      assertUpdateKeepsScope(org, both, { $set: { organisationId: 'org-1' } }),
    ).not.toThrow();
    expect(() => assertUpdateKeepsScope(all, both, { $set: { unitId: 'desk-b' } })).not.toThrow();
  });

  it('refuses an update that moves the document out of the scope', () => {
    const moves: Record<string, unknown>[] = [
      { $set: { organisationId: 'org-2' } },
      { organisationId: 'org-2' },
      { $unset: { organisationId: '' } },
      { $rename: { organisationId: 'former' } },
      { $rename: { other: 'organisationId' } },
      { $set: { 'organisationId.x': 1 } },
    ];
    for (const update of moves) {
      expect(() => assertUpdateKeepsScope(org, both, update)).toThrow(ScopeViolationError);
    }
    expect(() => assertUpdateKeepsScope(unit, both, { $set: { unitId: 'desk-b' } })).toThrow(
      ScopeViolationError,
    );
  });
});
