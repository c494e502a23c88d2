import { HttpException } from '@nestjs/common';
import type { Principal } from '@trellis/platform-auth';
import { ApiError } from '@trellis/platform-http';
import { NotFoundError } from '@trellis/platform-mongo';
import { partyOf, termsProblemsError } from './agreements.policy';

const owner = { unitId: 'desk-andes', organisationId: 'org-1' };

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

function refusal(fn: () => unknown): number | string {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpException) return err.getStatus();
    if (err instanceof NotFoundError) return err.code;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('partyOf', () => {
  it('signs unit staff for the protection organisation', () => {
    for (const role of ['program-manager', 'protection-officer'] as const) {
      expect(partyOf(principal({ roles: [role], unitId: 'desk-andes' }), owner)).toBe(
        'protection-organisation',
      );
    }
  });

  it('signs a defender of the organisation for the defender organisation', () => {
    expect(partyOf(principal({ roles: ['defender'], organisationId: 'org-1' }), owner)).toBe(
      'defender-organisation',
    );
  });

  it('refuses defenders of another organisation with 403, staff of another unit with 404', () => {
    expect(
      refusal(() => partyOf(principal({ roles: ['defender'], organisationId: 'org-2' }), owner)),
    ).toBe(403);
    expect(
      refusal(() => partyOf(principal({ roles: ['protection-officer'], unitId: 'tru' }), owner)),
    ).toBe('NOT_FOUND');
  });

  it('refuses admins, analysts and services: they are no party', () => {
    expect(refusal(() => partyOf(principal({ roles: ['admin'] }), owner))).toBe(403);
    expect(refusal(() => partyOf(principal({ roles: ['analyst'] }), owner))).toBe(403);
    expect(
      refusal(() =>
        partyOf(
          principal({ type: 'service', id: 'orchestrator', roles: [], unitId: 'desk-andes' }),
          owner,
        ),
      ),
    ).toBe(403);
  });
});

describe('termsProblemsError', () => {
  it('answers the most basic kind of problem with its fields under terms.', () => {
    const err = termsProblemsError([
      { code: 'DURATION_TOO_SHORT', path: 'reminderLeadTime', message: 'must be at least P1D' },
      { code: 'UNKNOWN_CATALOGUE_ITEM', path: 'interventions.0.catalogueRef', message: 'no x' },
      { code: 'UNKNOWN_CATALOGUE_ITEM', path: 'trainingPlan.items.0.moduleIds.0', message: 'y' },
    ]);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('UNKNOWN_CATALOGUE_ITEM');
    expect(err.getStatus()).toBe(400);
    expect(err.fields).toEqual([
      { path: 'terms.interventions.0.catalogueRef', message: 'no x' },
      { path: 'terms.trainingPlan.items.0.moduleIds.0', message: 'y' },
    ]);
    expect(
      termsProblemsError([
        { code: 'DURATION_TOO_SHORT', path: 'plannedDuration', message: 'short' },
        { code: 'INVALID_DURATION', path: 'coachingCadence', message: 'bad' },
      ]).code,
    ).toBe('INVALID_DURATION');
  });

  it('is a programming error without problems', () => {
    expect(() => termsProblemsError([])).toThrow(RangeError);
  });
});
