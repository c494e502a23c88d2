/**
 * `@trellis/contracts/core`: the part of the contracts free of zod at run time — the names of
 * the workflow's messages, duration arithmetic and the domain values workflow code computes
 * with. The Temporal workflow bundle imports this statically: Temporal evaluates a bundle's
 * modules once per workflow (module state is per workflow), and evaluating every zod schema of
 * the contracts cost each workflow ~2 MB and milliseconds of CPU — 1,000 deadline workflows
 * overran the worker's heap. The schemas are loaded only where a workflow validates messages.
 * Everything here is also exported by `@trellis/contracts`.
 */
export {
  DURATION_UNIT_MS,
  ISO_DURATION_PATTERN,
  formatIsoDuration,
  isIsoDuration,
  parseIsoDuration,
} from './durations';
export { InvalidDurationError } from './errors';

/** Risk levels, lowest first. */
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

/** Names of the signals of `capacityBuildingWorkflow` (their schemas: `WORKFLOW_SIGNALS`). */
export const WORKFLOW_SIGNAL_NAMES = {
  agreementActivated: 'agreementActivated.v1',
  agreementAmended: 'agreementAmended.v1',
  assigneesChanged: 'assigneesChanged.v1',
  trainingSessionHeld: 'trainingSessionHeld.v1',
  riskAssessmentCompleted: 'riskAssessmentCompleted.v1',
  securityPlanAdopted: 'securityPlanAdopted.v1',
  emergencyProtocolRehearsed: 'emergencyProtocolRehearsed.v1',
  followUpHeld: 'followUpHeld.v1',
  incidentReported: 'incidentReported.v1',
  autonomyReviewRecorded: 'autonomyReviewRecorded.v1',
  cascadeTrainingVerified: 'cascadeTrainingVerified.v1',
  siteVisitCheckInDue: 'siteVisitCheckInDue.v1',
  siteVisitCheckInConfirmed: 'siteVisitCheckInConfirmed.v1',
  pause: 'pause.v1',
  resume: 'resume.v1',
  terminate: 'terminate.v1',
} as const;

/** Names of its queries (`WORKFLOW_QUERIES`). */
export const WORKFLOW_QUERY_NAMES = { status: 'status.v1' } as const;

/** Names of its updates (`WORKFLOW_UPDATES`). */
export const WORKFLOW_UPDATE_NAMES = { rescheduleObligation: 'rescheduleObligation.v1' } as const;
