import type {
  AgreementView,
  AutonomyReviewView,
  CascadeView,
  FollowUpView,
  IncidentView,
  RiskAssessmentView,
  SecurityPlanView,
  SessionView,
  TimelineEntry,
  WheelRoundView,
} from '../api/types';

/*
 * The process timeline of one engagement: the coaching service's timeline (follow-ups,
 * reviews, reminders, escalations) merged with the dated records of the other services
 * (agreement versions, training sessions, risk assessments, security plan, incidents, security
 * wheel, cascades). Pure; ids, kinds and dates only — no narratives.
 */

/** The lanes of the timeline (one per kind of record). */
export const TIMELINE_KINDS = [
  'agreement',
  'training',
  'risk',
  'plan',
  'incident',
  'wheel',
  'follow-up',
  'review',
  'reminder',
  'escalation',
  'cascade',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One dated step of the process. */
export interface ProcessEvent {
  at: string;
  kind: TimelineKind;
  /** What happened, as a message key suffix (`timeline.what.<what>`). */
  what: string;
  /** Short, non-sensitive details (kind, level, version, counts). */
  detail?: string;
  id: string;
}

/** What the timeline is made of (every part optional). */
export interface TimelineSources {
  coaching?: readonly TimelineEntry[];
  followUps?: readonly FollowUpView[];
  reviews?: readonly AutonomyReviewView[];
  agreement?: AgreementView;
  sessions?: readonly SessionView[];
  assessments?: readonly RiskAssessmentView[];
  plan?: SecurityPlanView;
  incidents?: readonly IncidentView[];
  rounds?: readonly WheelRoundView[];
  cascades?: readonly CascadeView[];
}

function fromCoaching(entry: TimelineEntry): ProcessEvent {
  const details = entry.details ?? {};
  const text = (key: string) => (typeof details[key] === 'string' ? details[key] : undefined);
  if (entry.source === 'notification') {
    const kind: TimelineKind = entry.what === 'reminder' ? 'reminder' : 'escalation';
    return { at: entry.at, kind, what: entry.what, id: entry.id, detail: text('obligationKind') };
  }
  if (entry.source === 'autonomy-review') {
    const level = details['level'];
    return {
      at: entry.at,
      kind: 'review',
      what: `review-${entry.what}`,
      id: entry.id,
      ...(typeof level === 'number' ? { detail: String(level) } : {}),
    };
  }
  return {
    at: entry.at,
    kind: 'follow-up',
    what: `follow-up-${entry.what}`,
    id: entry.id,
    detail: text('kind'),
  };
}

/** The merged timeline, newest first. */
export function buildProcessTimeline(sources: TimelineSources): ProcessEvent[] {
  const events: ProcessEvent[] = [];
  if (sources.coaching) {
    events.push(...sources.coaching.map(fromCoaching));
  } else {
    for (const f of sources.followUps ?? []) {
      events.push({
        at: f.createdAt,
        kind: 'follow-up',
        what: 'follow-up-planned',
        id: f.id,
        detail: f.kind,
      });
      if (f.state !== 'planned' && f.heldAt) {
        events.push({
          at: f.heldAt,
          kind: 'follow-up',
          what: `follow-up-${f.state}`,
          id: f.id,
          detail: f.kind,
        });
      }
    }
    for (const r of sources.reviews ?? []) {
      events.push({
        at: r.reviewedAt,
        kind: 'review',
        what: `review-${r.state}`,
        id: r.id,
        ...(r.level !== undefined ? { detail: String(r.level) } : {}),
      });
    }
  }
  for (const v of sources.agreement?.versions ?? []) {
    const detail = `v${v.version}`;
    const id = `agreement-${v.version}`;
    events.push({ at: v.createdAt, kind: 'agreement', what: 'agreement-drafted', id, detail });
    if (v.proposedAt) {
      events.push({ at: v.proposedAt, kind: 'agreement', what: 'agreement-proposed', id, detail });
    }
    for (const s of v.signatures) {
      events.push({
        at: s.signedAt,
        kind: 'agreement',
        what: `agreement-signed-${s.party}`,
        id,
        detail,
      });
    }
    if (v.activatedAt) {
      events.push({
        at: v.activatedAt,
        kind: 'agreement',
        what: 'agreement-activated',
        id,
        detail,
      });
    }
  }
  for (const s of sources.sessions ?? []) {
    events.push({
      at: s.heldAt ?? s.startsAt,
      kind: 'training',
      what: `session-${s.status}`,
      id: s.id,
      detail: s.level,
    });
  }
  for (const a of sources.assessments ?? []) {
    events.push({
      at: a.assessedAt,
      kind: 'risk',
      what: 'risk-assessed',
      id: a.id,
      detail: a.overallLevel,
    });
  }
  if (sources.plan) {
    for (const v of sources.plan.versions) {
      const id = `plan-${v.planVersion}`;
      events.push({
        at: v.createdAt,
        kind: 'plan',
        what: 'plan-version',
        id,
        detail: `v${v.planVersion}`,
      });
      if (v.adoptedAt) {
        events.push({
          at: v.adoptedAt,
          kind: 'plan',
          what: 'plan-adopted',
          id,
          detail: `v${v.planVersion}`,
        });
      }
    }
  }
  for (const i of sources.incidents ?? []) {
    events.push({
      at: i.occurredAt,
      kind: 'incident',
      what: i.serious ? 'incident-serious' : 'incident',
      id: i.id,
      detail: i.incidentType,
    });
  }
  for (const r of sources.rounds ?? []) {
    if (r.completedAt) {
      events.push({
        at: r.completedAt,
        kind: 'wheel',
        what: 'wheel-completed',
        id: r.id,
        detail: `#${r.roundNumber}`,
      });
    }
  }
  for (const c of sources.cascades ?? []) {
    events.push({
      at: c.deliveredAt,
      kind: 'cascade',
      what: 'cascade-recorded',
      id: c.id,
      detail: String(c.reachCount),
    });
    if (c.verifiedAt) {
      events.push({ at: c.verifiedAt, kind: 'cascade', what: 'cascade-verified', id: c.id });
    }
  }
  return events.sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || a.id.localeCompare(b.id));
}
