import { ForbiddenException, type HttpException } from '@nestjs/common';
import type { Principal, Role } from './auth.claims';
import { assertInScope, isInScope, scopeOf } from './request-scope';

function principal(roles: Role[], extra: Partial<Principal> = {}): Principal {
  return {
    id: 'u',
    type: 'user',
    roles,
    tokenId: 'j',
    expiresAt: new Date(Date.now() + 60_000),
    ...extra,
  };
}

function forbiddenBody(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ForbiddenException);
    return (e as HttpException).getResponse();
  }
  throw new Error('expected a ForbiddenException');
}

const deskA = { unitId: 'desk-a', organisationId: 'org-1' };
const deskB = { unitId: 'desk-b', organisationId: 'org-2' };

describe('request scope', () => {
  it('derives the data scope from the role', () => {
    expect(scopeOf(principal(['admin']))).toEqual({ kind: 'all' });
    expect(scopeOf(principal([], { type: 'service' }))).toEqual({ kind: 'all' });
    expect(scopeOf(principal(['program-manager'], { unitId: 'desk-a' }))).toEqual({
      kind: 'unit',
      unitId: 'desk-a',
    });
    expect(scopeOf(principal(['protection-officer'], { unitId: 'tru' }))).toEqual({
      kind: 'unit',
      unitId: 'tru',
    });
    expect(scopeOf(principal(['defender'], { organisationId: 'org-1' }))).toEqual({
      kind: 'organisation',
      organisationId: 'org-1',
    });
    expect(scopeOf(principal(['analyst']))).toEqual({ kind: 'analyst' });
  });

  it('takes the broadest of several roles', () => {
    expect(scopeOf(principal(['analyst', 'admin']))).toEqual({ kind: 'all' });
    expect(scopeOf(principal(['analyst', 'protection-officer'], { unitId: 'desk-a' }))).toEqual({
      kind: 'unit',
      unitId: 'desk-a',
    });
  });

  it('refuses a role without its membership, or no role', () => {
    expect(forbiddenBody(() => scopeOf(principal(['protection-officer'])))).toEqual({
      code: 'FORBIDDEN',
      message: 'your account has no unit',
    });
    expect(forbiddenBody(() => scopeOf(principal(['defender'])))).toEqual({
      code: 'FORBIDDEN',
      message: 'your account has no organisation',
    });
    expect(forbiddenBody(() => scopeOf(principal([])))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('assertInScope lets admins and services reach every record', () => {
    for (const p of [principal(['admin']), principal([], { type: 'service' })]) {
      expect(() => assertInScope(p, deskA)).not.toThrow();
      expect(() => assertInScope(p, {})).not.toThrow();
    }
  });

  it('assertInScope keeps unit staff to their unit', () => {
    const officer = principal(['protection-officer'], { unitId: 'desk-a' });
    expect(() => assertInScope(officer, deskA)).not.toThrow();
    expect(() => assertInScope(officer, { unitId: 'desk-a' })).not.toThrow();
    expect(forbiddenBody(() => assertInScope(officer, deskB))).toEqual({
      code: 'FORBIDDEN',
      message: 'this record belongs to another unit',
    });
    // Deny by default: a record without a unit is not the officer's.
    expect(forbiddenBody(() => assertInScope(officer, { organisationId: 'org-1' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
    expect(forbiddenBody(() => assertInScope(officer, { unitId: null }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('assertInScope keeps defenders to their own organisation', () => {
    const defender = principal(['defender'], { organisationId: 'org-1' });
    expect(() => assertInScope(defender, deskA)).not.toThrow();
    expect(forbiddenBody(() => assertInScope(defender, deskB))).toEqual({
      code: 'FORBIDDEN',
      message: 'this record belongs to another organisation',
    });
    expect(forbiddenBody(() => assertInScope(defender, { unitId: 'desk-a' }))).toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  it('assertInScope never gives analysts identifiable records', () => {
    expect(forbiddenBody(() => assertInScope(principal(['analyst']), deskA))).toEqual({
      code: 'FORBIDDEN',
      message: 'analysts cannot access identifiable records',
    });
    expect(isInScope({ kind: 'analyst' }, deskA)).toBe(false);
  });
});
