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

describe('risk record access', () => {
  it('gives unit staff their unit, defenders their organisation, admins an audited "all"', () => {
    expect(dataScopeOf(principal({ roles: ['protection-officer'], unitId: 'tru' }), 'x')).toEqual({
      kind: 'unit',
      unitId: 'tru',
    });
    expect(dataScopeOf(principal({ roles: ['defender'], organisationId: 'org-1' }), 'x')).toEqual({
      kind: 'organisation',
      organisationId: 'org-1',
    });
    expect(dataScopeOf(principal({ roles: ['admin'] }), 'read threat')).toEqual({
      kind: 'all',
      reason: 'user:user-1: read threat',
    });
  });

  it('refuses analysts with 403: every risk record is identifiable', () => {
    expect(status(() => dataScopeOf(principal({ roles: ['analyst'] }), 'x'))).toBe(403);
  });

  it('names the role an event actor acted in, and services by id', () => {
    expect(actorOf(principal({ roles: ['defender'], organisationId: 'o' }))).toEqual({
      kind: 'user',
      id: 'user-1',
      role: 'defender',
    });
    expect(actorOf(principal({ id: 'orchestrator', type: 'service' }))).toEqual({
      kind: 'service',
      id: 'orchestrator',
    });
    expect(status(() => actorOf(principal({ id: 'rogue', type: 'service' })))).toBe(403);
  });
});
