import type { FollowUpKind } from '@trellis/contracts';

/*
 * Follow-ups (DESIGN.md §1.4): planned, then held, missed or cancelled — once, and never back.
 * Site visits carry a check-in: the officer confirms safe return by a set time; a check-in
 * still open after its deadline is missed and the program manager is alerted.
 */

/** States of a follow-up. */
export const FOLLOW_UP_STATES = ['planned', 'held', 'missed', 'cancelled'] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

/** The outcome a planned follow-up can reach. */
export type FollowUpOutcome = Exclude<FollowUpState, 'planned'>;

/** A step the follow-up state machine does not allow. */
export class FollowUpTransitionError extends Error {
  override readonly name = 'FollowUpTransitionError';
  constructor(
    readonly from: FollowUpState,
    readonly to: FollowUpState,
  ) {
    super(`A follow-up that is ${from} cannot become ${to}; only planned follow-ups change.`);
  }
}

/** Whether a follow-up in state `from` may become `to` (planned → held | missed | cancelled). */
export function canTransition(from: FollowUpState, to: FollowUpState): boolean {
  return from === 'planned' && to !== 'planned';
}

/** Throws {@link FollowUpTransitionError} unless `from → to` is allowed. */
export function assertTransition(from: FollowUpState, to: FollowUpOutcome): void {
  if (!canTransition(from, to)) throw new FollowUpTransitionError(from, to);
}

/** An input that breaks a follow-up rule (the field and why). */
export class FollowUpRuleError extends Error {
  override readonly name = 'FollowUpRuleError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Only site visits carry a safe-return check-in. */
export function assertCheckInAllowed(kind: FollowUpKind, state: FollowUpState): void {
  if (kind !== 'site-visit') {
    throw new FollowUpRuleError('kind', 'Only a site visit carries a safe-return check-in.');
  }
  if (state !== 'planned') {
    throw new FollowUpRuleError('state', 'A check-in is opened before the site visit is closed.');
  }
}

/** A held follow-up cannot be dated in the future; a missed one only after its due date. */
export function assertOutcomeDate(
  outcome: FollowUpOutcome,
  dueAt: Date,
  at: Date,
  now: Date,
): void {
  if (outcome === 'held' && at.getTime() > now.getTime()) {
    throw new FollowUpRuleError('heldAt', 'A follow-up cannot be held in the future.');
  }
  if (outcome === 'missed' && now.getTime() < dueAt.getTime()) {
    throw new FollowUpRuleError('dueAt', 'A follow-up can be missed only once it is due.');
  }
}

/** States of a site-visit check-in. */
export const CHECK_IN_STATES = ['open', 'confirmed', 'missed'] as const;
export type CheckInState = (typeof CHECK_IN_STATES)[number];

/** A site-visit check-in: the officer must confirm safe return by `dueAt`. */
export interface CheckIn {
  state: CheckInState;
  dueAt: Date;
  confirmedAt?: Date;
}

/** Whether an open check-in has passed its deadline without confirmation (now > dueAt). */
export function isCheckInOverdue(checkIn: CheckIn, now: Date): boolean {
  return checkIn.state === 'open' && now.getTime() > checkIn.dueAt.getTime();
}

/**
 * Confirms safe return: allowed while the check-in is open, and also after it was reported
 * missed (the officer is back: the alert is followed by a confirmation). `late` when after the
 * deadline. A confirmed check-in cannot be confirmed again.
 */
export function confirmCheckIn(checkIn: CheckIn, at: Date): { late: boolean } {
  if (checkIn.state === 'confirmed') {
    throw new FollowUpRuleError('checkIn', 'Safe return was already confirmed.');
  }
  return { late: at.getTime() > checkIn.dueAt.getTime() };
}
