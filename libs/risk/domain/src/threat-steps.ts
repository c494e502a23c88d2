/*
 * The New Protection Manual's five steps of a threat assessment, in order:
 * 1. facts — what happened;
 * 2. pattern — whether there is a series of threats over time (earlier incidents may be
 *    linked as evidence);
 * 3. objective — what the threat seems to aim at;
 * 4. author — who is making the threat (by type of actor), only once 1–3 are recorded;
 * 5. conclusion — whether the threat can be carried out.
 *
 * A step may be recorded (or recorded again) only when every earlier step is recorded.
 */

/** The five steps in their order. */
export const THREAT_STEPS = ['facts', 'pattern', 'objective', 'author', 'conclusion'] as const;
export type ThreatStep = (typeof THREAT_STEPS)[number];

/** A step recorded before the steps it depends on. */
export class StepOutOfOrderError extends Error {
  constructor(
    readonly step: ThreatStep,
    readonly missing: readonly ThreatStep[],
  ) {
    super(
      `the ${step} step needs the ${missing.join(', ')} step${missing.length > 1 ? 's' : ''} recorded first`,
    );
    this.name = 'StepOutOfOrderError';
  }
}

/** The steps that must be recorded before `step`. */
export function stepsBefore(step: ThreatStep): ThreatStep[] {
  return THREAT_STEPS.slice(0, THREAT_STEPS.indexOf(step));
}

/** The earlier steps `step` still waits for (empty when it may be recorded now). */
export function missingStepsFor(step: ThreatStep, recorded: Iterable<ThreatStep>): ThreatStep[] {
  const done = new Set(recorded);
  return stepsBefore(step).filter((s) => !done.has(s));
}

/** Throws {@link StepOutOfOrderError} unless every step before `step` is recorded. */
export function assertStepAllowed(step: ThreatStep, recorded: Iterable<ThreatStep>): void {
  const missing = missingStepsFor(step, recorded);
  if (missing.length > 0) throw new StepOutOfOrderError(step, missing);
}

/** The first step not yet recorded, or `undefined` when all five are. */
export function nextStep(recorded: Iterable<ThreatStep>): ThreatStep | undefined {
  const done = new Set(recorded);
  return THREAT_STEPS.find((s) => !done.has(s));
}

/** Whether all five steps are recorded (the assessment is concluded). */
export function isConcluded(recorded: Iterable<ThreatStep>): boolean {
  return nextStep(recorded) === undefined;
}
