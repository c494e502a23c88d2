import { HttpException } from '@nestjs/common';
import type { Principal } from '@trellis/platform-auth';
import { actorOf, dataScopeOf } from './access';

function principal(overrides: Partial<Principal>): Principal {
  return {
    id: 'user-1',
    type: 'user',
    roles: [],
    tokenId: 'jti-1',
    expiresAt: new Date(Date.now() + 60_000),
    ...overrides,
  };
}

function status(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpException) return err.getStatus();
    throw err;
  }
  return undefined;
}

describe('dataScopeOf', () => {
  it('maps admins and services to an audited "all" scope', () => {
    expect(dataScopeOf(principal({ roles: ['admin'] }), 'list desks')).toEqual({
      kind: 'all',
      reason: 'user:user-1: list desks',
    });
    expect(dataScopeOf(principal({ id: 'orchestrator', type: 'service' }), 'x')).toEqual({
      kind: 'all',
      reason: 'service:orchestrator: x',
    });
  });

  it('maps unit staff to their unit and defenders to their organisation', () => {
    expect(dataScopeOf(principal({ roles: ['protection-officer'], unitId: 'tru' }), 'x')).toEqual({
      kind: 'unit',
      unitId: 'tru',
    });
    expect(dataScopeOf(principal({ roles: ['defender'], organisationId: 'org-1' }), 'x')).toEqual({
      kind: 'organisation',
      organisationId: 'org-1',
    });
  });

  it('refuses analysts with 403: this service holds identifiable data only', () => {
    expect(status(() => dataScopeOf(principal({ roles: ['analyst'] }), 'x'))).toBe(403);
  });
});

describe('actorOf', () => {
  it('names the role the caller acted in', () => {
    const both = principal({ roles: ['protection-officer', 'program-manager'], unitId: 'd' });
    expect(actorOf(both, ['admin', 'program-manager'])).toEqual({
      kind: 'user',
      id: 'user-1',
      role: 'program-manager',
    });
  });

  it('names known services and refuses unknown ones', () => {
    expect(actorOf(principal({ id: 'orchestrator', type: 'service' }), ['admin'])).toEqual({
      kind: 'service',
      id: 'orchestrator',
    });
    expect(status(() => actorOf(principal({ id: 'mallory', type: 'service' }), ['admin']))).toBe(
      403,
    );
  });
});
