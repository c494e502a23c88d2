import type { AgreementParty, TermsProblem } from '@trellis/engagement-domain';
import { ApiError } from '@trellis/platform-http';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { NotFoundError } from '@trellis/platform-mongo';

/** Who the agreement belongs to (its engagement's unit and organisation). */
export interface AgreementOwner {
  unitId: string;
  organisationId: string;
}

/**
 * The party a caller signs for: a program manager or protection officer of the agreement's
 * unit signs for the protection organisation, a defender user of its organisation for the
 * defender organisation. A defender of another organisation gets 403; staff of another unit
 * 404 (as everywhere, the record is not revealed to them); anyone else (admins, services) 403.
 */
export function partyOf(principal: Principal, owner: AgreementOwner): AgreementParty {
  if (principal.type !== 'user') throw forbidden('only people sign agreements');
  const staff =
    principal.roles.includes('program-manager') || principal.roles.includes('protection-officer');
  if (staff && principal.unitId === owner.unitId) return 'protection-organisation';
  if (principal.roles.includes('defender')) {
    if (principal.organisationId === owner.organisationId) return 'defender-organisation';
    throw forbidden("defenders sign only their own organisation's agreements");
  }
  if (staff) throw new NotFoundError('Agreement');
  throw forbidden('only the protection organisation and the defender organisation sign');
}

const PROBLEM_MESSAGES: Readonly<Record<TermsProblem['code'], string>> = {
  INVALID_DURATION: 'A duration of the terms is not an ISO-8601 duration.',
  UNKNOWN_CATALOGUE_ITEM: 'The terms name an unknown catalogue item (or one of the wrong kind).',
  DURATION_TOO_SHORT: 'A duration of the terms is below the configured minimum.',
};

/** Which problem answers the request when several kinds are found, most basic first. */
const PROBLEM_PRECEDENCE: readonly TermsProblem['code'][] = [
  'INVALID_DURATION',
  'UNKNOWN_CATALOGUE_ITEM',
  'DURATION_TOO_SHORT',
];

/**
 * The 400 answer to the problems `checkAgreementTerms` found: the code of the most basic kind
 * found, with each of its fields (paths relative to the request body, under `terms.`).
 */
export function termsProblemsError(problems: readonly TermsProblem[]): ApiError {
  const code = PROBLEM_PRECEDENCE.find((c) => problems.some((p) => p.code === c));
  if (!code) throw new RangeError('termsProblemsError needs at least one problem');
  return new ApiError(
    code,
    PROBLEM_MESSAGES[code],
    problems
      .filter((p) => p.code === code)
      .map((p) => ({ path: `terms.${p.path}`, message: p.message })),
  );
}
