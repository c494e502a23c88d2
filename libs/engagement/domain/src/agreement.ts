/**
 * The agreement (DESIGN.md §1.1, §2): versioned; a version goes
 *
 *   draft ──propose──▶ proposed ──sign × 2 parties──▶ signed ──activate──▶ active ──▶ superseded
 *     ▲                   │
 *     └────withdraw───────┘
 *
 * Only a draft's terms can be edited. An active version is amended by creating a new draft
 * version (N+1) with the terms copied; versions never change once proposed, so what both
 * parties signed stays readable forever. Activating version N+1 supersedes version N.
 */
export const AGREEMENT_STATUSES = ['draft', 'proposed', 'signed', 'active', 'superseded'] as const;
export type AgreementStatus = (typeof AGREEMENT_STATUSES)[number];

export const AGREEMENT_PARTIES = ['protection-organisation', 'defender-organisation'] as const;
export type AgreementParty = (typeof AGREEMENT_PARTIES)[number];

export interface Signature {
  party: AgreementParty;
  signerId: string;
  signedAt: string;
}

export interface AgreementVersionState<Terms> {
  version: number;
  status: AgreementStatus;
  terms: Terms;
  signatures: Signature[];
  amendsVersion?: number;
  proposedAt?: string;
  activatedAt?: string;
  supersededAt?: string;
}

/** A transition the current status does not allow (HTTP 409). */
export class InvalidTransitionError extends Error {
  readonly code = 'INVALID_STATE_TRANSITION';
  constructor(
    readonly action: string,
    readonly status: AgreementStatus,
    detail?: string,
  ) {
    super(`Cannot ${action} an agreement version that is ${status}${detail ? `: ${detail}` : ''}.`);
    this.name = 'InvalidTransitionError';
  }
}

function allow(
  action: string,
  v: AgreementVersionState<unknown>,
  allowed: AgreementStatus[],
  detail?: string,
): void {
  if (!allowed.includes(v.status)) throw new InvalidTransitionError(action, v.status, detail);
}

export function newDraft<T>(
  terms: T,
  version = 1,
  amendsVersion?: number,
): AgreementVersionState<T> {
  return {
    version,
    status: 'draft',
    terms,
    signatures: [],
    ...(amendsVersion ? { amendsVersion } : {}),
  };
}

export function editTerms<T>(v: AgreementVersionState<T>, terms: T): AgreementVersionState<T> {
  allow('edit', v, ['draft'], 'only drafts can be edited; amend an active agreement instead');
  return { ...v, terms };
}

export function propose<T>(v: AgreementVersionState<T>, at: string): AgreementVersionState<T> {
  allow('propose', v, ['draft']);
  return { ...v, status: 'proposed', proposedAt: at };
}

export function withdraw<T>(v: AgreementVersionState<T>): AgreementVersionState<T> {
  allow('withdraw', v, ['proposed']);
  const { proposedAt: _dropped, ...rest } = v;
  return { ...rest, status: 'draft', signatures: [] };
}

export function sign<T>(
  v: AgreementVersionState<T>,
  party: AgreementParty,
  signerId: string,
  at: string,
): AgreementVersionState<T> {
  allow('sign', v, ['proposed']);
  if (v.signatures.some((s) => s.party === party)) {
    throw new InvalidTransitionError(
      'sign',
      v.status,
      `the ${party} has already signed this version`,
    );
  }
  const signatures = [...v.signatures, { party, signerId, signedAt: at }];
  const complete = AGREEMENT_PARTIES.every((p) => signatures.some((s) => s.party === p));
  return { ...v, signatures, status: complete ? 'signed' : 'proposed' };
}

export function activate<T>(v: AgreementVersionState<T>, at: string): AgreementVersionState<T> {
  allow('activate', v, ['signed'], 'both parties must sign first');
  return { ...v, status: 'active', activatedAt: at };
}

export function supersede<T>(v: AgreementVersionState<T>, at: string): AgreementVersionState<T> {
  allow('supersede', v, ['active']);
  return { ...v, status: 'superseded', supersededAt: at };
}

/** Starts amendment N+1 of the active version `v`, with its terms copied (or replaced). */
export function amend<T>(
  v: AgreementVersionState<T>,
  latestVersion: number,
  terms?: T,
): AgreementVersionState<T> {
  allow('amend', v, ['active'], 'only the active agreement can be amended');
  return newDraft(terms ?? structuredClone(v.terms), latestVersion + 1, v.version);
}

/** One difference between two versions' terms, by JSON path. */
export interface TermChange {
  path: string;
  before?: unknown;
  after?: unknown;
}

const isPlain = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Field-level diff of two terms objects. Arrays of objects with an `id` or `catalogueRef` are
 * matched by that key (so reordering is not a change); other arrays by position.
 */
export function diffTerms(before: unknown, after: unknown, path = ''): TermChange[] {
  if (Object.is(before, after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const keyOf = (x: unknown): string | undefined =>
      isPlain(x) ? ((x['id'] ?? x['catalogueRef'] ?? x['ref']) as string | undefined) : undefined;
    if (before.concat(after).every((x) => keyOf(x) !== undefined)) {
      const b = new Map(before.map((x) => [keyOf(x)!, x]));
      const a = new Map(after.map((x) => [keyOf(x)!, x]));
      const keys = [...new Set([...b.keys(), ...a.keys()])].sort();
      return keys.flatMap((k) => diffTerms(b.get(k), a.get(k), `${path}[${k}]`));
    }
    const n = Math.max(before.length, after.length);
    return Array.from({ length: n }, (_, i) =>
      diffTerms(before[i], after[i], `${path}[${i}]`),
    ).flat();
  }
  if (isPlain(before) && isPlain(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffTerms(before[k], after[k], path ? `${path}.${k}` : k));
  }
  const change: TermChange = { path: path || '(root)' };
  if (before !== undefined) change.before = before;
  if (after !== undefined) change.after = after;
  return [change];
}
