import { HttpException } from '@nestjs/common';
import type { Principal } from '@trellis/platform-auth';
import { actorOf, dataScopeOf, holdsRole, isDefenderView, OVERRIDERS, STAFF } from './access';

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

describe('training record access', () => {
  it('gives unit staff their unit, defenders their organisation, admins an audited "all"; analysts 403', () => {
    expect(dataScopeOf(principal({ roles: ['protection-officer'], unitId: 'tru' }), 'x')).toEqual({
      kind: 'unit',
      unitId: 'tru',
    });
    expect(dataScopeOf(principal({ roles: ['defender'], organisationId: 'org-1' }), 'x')).toEqual({
      kind: 'organisation',
      organisationId: 'org-1',
    });
    expect(dataScopeOf(principal({ roles: ['admin'] }), 'read session')).toEqual({
      kind: 'all',
      reason: 'user:user-1: read session',
    });
    expect(status(() => dataScopeOf(principal({ roles: ['analyst'] }), 'x'))).toBe(403);
  });

  it('tells defenders from staff, program managers from officers, and names actors', () => {
    expect(isDefenderView(principal({ roles: ['defender'], organisationId: 'o' }))).toBe(true);
    expect(isDefenderView(principal({ roles: ['protection-officer'], unitId: 'tru' }))).toBe(false);
    expect(holdsRole(principal({ roles: ['program-manager'], unitId: 'tru' }), OVERRIDERS)).toBe(
      true,
    );
    expect(holdsRole(principal({ roles: ['protection-officer'], unitId: 'tru' }), OVERRIDERS)).toBe(
      false,
    );
    expect(actorOf(principal({ roles: ['protection-officer'], unitId: 'tru' }), STAFF)).toEqual({
      kind: 'user',
      id: 'user-1',
      role: 'protection-officer',
    });
    expect(actorOf(principal({ id: 'orchestrator', type: 'service' }))).toEqual({
      kind: 'service',
      id: 'orchestrator',
    });
    expect(status(() => actorOf(principal({ id: 'rogue', type: 'service' })))).toBe(403);
  });
});
