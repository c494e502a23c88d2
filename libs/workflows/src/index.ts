/*
 * @trellis/workflows — the deterministic Temporal workflow code of the orchestrator.
 *
 * This file is the worker's `workflowsPath` entry: everything it exports is bundled into the
 * workflow sandbox, so it exports workflows, their message definitions and types only (the
 * activity interfaces are types; ACTIVITY_NAMES is a plain constant).
 */
export {
  capacityBuildingWorkflow,
  capacityBuildingSignals,
  statusQuery,
  rescheduleObligationUpdate,
  DEFAULT_HISTORY_LENGTH_LIMIT,
  type CapacityBuildingCarry,
  type CarriedMessage,
  type CapacityBuildingResult,
} from './capacity-building.workflow';
export {
  obligationDeadlineWorkflow,
  scheduleChangedSignal,
  obligationClosedSignal,
  deadlineQuery,
  DEADLINE_PATCHES,
  type DeadlineStage,
  type DeadlineChangeReason,
  type DeadlineState,
  type ObligationDeadlineInput,
  type ObligationDeadlineResult,
  type ObligationClosedArgs,
  type ScheduleChangedArgs,
} from './obligation-deadline.workflow';
export {
  AGREEMENT_SIGNATURE_DEFAULTS,
  APPLIED_ID_LIMIT,
  AUTONOMY_TREND_LIMIT,
  type EngagementState,
  type ObligationState,
  type AutonomyPoint,
  type ResumablePhase,
} from './capacity-building.state';
export { deterministicUuid } from './ids';
export {
  ACTIVITY_NAMES,
  type ActivityName,
  type AllActivitiesListed,
  type WorkflowActivities,
  type ReminderEventInput,
  type PublishReminderInput,
  type PublishEscalationInput,
  type PublishObligationEventInput,
  type SetEngagementPhaseInput,
} from './activities';
