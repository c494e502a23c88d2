import type { ScenarioEvent, ScenarioSummary } from './scenario';

/*
 * One line per thing that happened, for the console of `npm start` and the e2e test's
 * report: ids, kinds, levels and usernames of the demo's fictitious people only.
 */

const PHASE_TITLES: Readonly<Record<string, string>> = {
  agreement: 'agreement (negotiating and signing)',
  implementation: 'implementation (training, risk assessment, security plan)',
  'follow-up': 'follow-up (coaching and autonomy reviews)',
  'knowledge-transfer': 'knowledge transfer (cascade trainings)',
  autonomous: 'autonomous (graduated)',
  paused: 'paused',
  terminated: 'terminated',
};

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`.padStart(7);
}

/** The line printed for one scenario event. */
export function formatScenarioEvent(event: ScenarioEvent): string {
  const at = seconds(event.elapsedMs);
  switch (event.type) {
    case 'phase':
      return `${at}  PHASE       ${event.from ? `${event.from} → ` : ''}${PHASE_TITLES[event.phase] ?? event.phase}`;
    case 'step':
      return `${at}  ${event.actor.padEnd(22)}${event.action}`;
    case 'notification': {
      const what = `${event.obligationKind ?? 'obligation'} ${event.obligationId ?? ''}`.trim();
      if (event.kind === 'escalation') {
        return `${at}  ESCALATION  to ${event.recipient}: ${what} is overdue`;
      }
      if (event.kind === 'reminder') {
        return `${at}  REMINDER    to ${event.recipient}: ${what} (${event.stage ?? 'due'})`;
      }
      return `${at}  NOTICE      to ${event.recipient}: ${event.kind} ${what}`;
    }
    case 'waiting':
      return `${at}  …           waiting for ${event.what}`;
    case 'closed':
      return `${at}  CLOSED      engagement ${event.engagementId}: graduated, post-closure check-in held, nothing left open`;
  }
}

/** A short account of a finished run. */
export function formatSummary(summary: ScenarioSummary): string[] {
  const reminders = summary.notifications.filter((n) => n.kind === 'reminder').length;
  const escalations = summary.notifications.filter((n) => n.kind === 'escalation').length;
  return [
    `engagement ${summary.engagementId} (unit ${summary.unitId}) went through ` +
      `${summary.phases.map((p) => p.phase).join(' → ')} in ${seconds(summary.durationMs).trim()}`,
    `${summary.trainingSessions.length} training sessions, ${summary.riskAssessments.length} risk ` +
      `assessments, ${summary.followUps.length} follow-ups (1 late), ${reminders} reminders, ` +
      `${escalations} escalation(s), autonomy levels ${summary.autonomyReviews.map((r) => r.level).join(', ')}, ` +
      `1 verified cascade reaching ${summary.cascade.reachCount}`,
  ];
}
