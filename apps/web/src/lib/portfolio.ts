import type {
  EngagementView,
  FollowUpView,
  NotificationView,
  SecurityPlanView,
  SessionView,
  TrainingPlanView,
} from '../api/types';

/*
 * The program manager's portfolio: per engagement its open obligations as the services show
 * them (planned follow-ups, scheduled or still-due training, unfinished security-plan items),
 * the next one due, which are overdue, and the escalations that reached the manager. Pure.
 *
 * The workflow's own list of open obligations (`status.v1`) is not exposed through the
 * gateway, so this is derived from the records that carry the due dates (apps/web/README.md).
 */

/** What kind of obligation a due date belongs to. */
export type ObligationSource = 'follow-up' | 'training-session' | 'plan-item';

/** One open obligation of an engagement. */
export interface OpenObligation {
  source: ObligationSource;
  /** The record it comes from (follow-up, session, plan item or training-plan item id). */
  id: string;
  /** Follow-up kind, plan item title or module ids (for display). */
  subject: string;
  dueAt: string;
  overdue: boolean;
}

/** What the portfolio knows of one engagement. */
export interface EngagementRecords {
  engagement: EngagementView;
  followUps?: readonly FollowUpView[];
  sessions?: readonly SessionView[];
  trainingPlan?: TrainingPlanView | undefined;
  securityPlan?: SecurityPlanView | undefined;
  /** The manager's notifications about this engagement. */
  notifications?: readonly NotificationView[];
}

/** One row of the portfolio. */
export interface PortfolioRow {
  engagement: EngagementView;
  organisationName: string | undefined;
  obligations: OpenObligation[];
  nextDue: OpenObligation | undefined;
  overdueCount: number;
  /** Unread escalations and missed check-ins addressed to the manager. */
  escalationCount: number;
  /** False while the engagement's records are still loading or could not be read. */
  complete: boolean;
}

/** Phases in which nothing is owed any more. */
const CLOSED_PHASES = new Set(['autonomous', 'terminated']);

/** The end of a calendar day (`YYYY-MM-DD`) in UTC: a plan item due that day is late after it. */
function endOfDay(date: string): string {
  return `${date}T23:59:59.999Z`;
}

/** The open obligations of one engagement at `now`, earliest first. */
export function openObligations(records: EngagementRecords, now: Date): OpenObligation[] {
  if (CLOSED_PHASES.has(records.engagement.phase)) return [];
  const at = now.getTime();
  const list: Array<Omit<OpenObligation, 'overdue'>> = [];
  for (const f of records.followUps ?? []) {
    if (f.state === 'planned') {
      list.push({ source: 'follow-up', id: f.id, subject: f.kind, dueAt: f.dueAt });
    }
  }
  const sessions = records.sessions ?? [];
  const coveredPlanItems = new Set(
    sessions
      .filter((s) => s.status !== 'cancelled' && s.planItemId)
      .map((s) => s.planItemId as string),
  );
  for (const s of sessions) {
    if (s.status === 'scheduled') {
      list.push({
        source: 'training-session',
        id: s.id,
        subject: s.moduleIds.join(', '),
        dueAt: s.startsAt,
      });
    }
  }
  for (const item of records.trainingPlan?.items ?? []) {
    if (!coveredPlanItems.has(item.planItemId)) {
      list.push({
        source: 'training-session',
        id: item.planItemId,
        subject: item.moduleIds.join(', '),
        dueAt: item.dueAt,
      });
    }
  }
  for (const item of records.securityPlan?.currentVersion.items ?? []) {
    if (item.status !== 'implemented') {
      list.push({
        source: 'plan-item',
        id: item.id,
        subject: item.title,
        dueAt: endOfDay(item.dueDate),
      });
    }
  }
  return list
    .map((o) => ({ ...o, overdue: Date.parse(o.dueAt) < at }))
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
}

/** Unread escalations (and missed check-ins) of the engagement. */
export function escalationCount(notifications: readonly NotificationView[] | undefined): number {
  return (notifications ?? []).filter(
    (n) => !n.read && (n.kind === 'escalation' || n.kind === 'check-in-missed'),
  ).length;
}

/** The portfolio row of one engagement. */
export function portfolioRow(
  records: EngagementRecords,
  organisationName: string | undefined,
  now: Date,
  complete = true,
): PortfolioRow {
  const obligations = openObligations(records, now);
  return {
    engagement: records.engagement,
    organisationName,
    obligations,
    nextDue: obligations[0],
    overdueCount: obligations.filter((o) => o.overdue).length,
    // A closed engagement owes nothing: old escalations no longer put it first.
    escalationCount: CLOSED_PHASES.has(records.engagement.phase)
      ? 0
      : escalationCount(records.notifications),
    complete,
  };
}

/**
 * Escalated first, then overdue, then by the next due date (soonest first); engagements with
 * nothing due last, by organisation name.
 */
export function comparePortfolioRows(a: PortfolioRow, b: PortfolioRow): number {
  const rank = (r: PortfolioRow) => (r.escalationCount > 0 ? 0 : r.overdueCount > 0 ? 1 : 2);
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  const due = (r: PortfolioRow) => (r.nextDue ? Date.parse(r.nextDue.dueAt) : Infinity);
  const byDue = due(a) - due(b);
  if (byDue !== 0 && Number.isFinite(byDue)) return byDue;
  if (due(a) !== due(b)) return due(a) === Infinity ? 1 : -1;
  return (a.organisationName ?? a.engagement.id).localeCompare(
    b.organisationName ?? b.engagement.id,
  );
}

/** The filters of the portfolio page. */
export interface PortfolioFilter {
  search: string;
  phase: string;
  unitId: string;
  attention: '' | 'escalated' | 'overdue' | 'on-track';
}

/** The rows that pass the filter (search: organisation name, country, engagement id). */
export function filterPortfolio(
  rows: readonly PortfolioRow[],
  filter: PortfolioFilter,
): PortfolioRow[] {
  const needle = filter.search.trim().toLowerCase();
  return rows.filter((r) => {
    if (filter.phase && r.engagement.phase !== filter.phase) return false;
    if (filter.unitId && r.engagement.unitId !== filter.unitId) return false;
    if (filter.attention === 'escalated' && r.escalationCount === 0) return false;
    if (filter.attention === 'overdue' && r.overdueCount === 0) return false;
    if (filter.attention === 'on-track' && (r.escalationCount > 0 || r.overdueCount > 0)) {
      return false;
    }
    if (!needle) return true;
    return [r.organisationName ?? '', r.engagement.country, r.engagement.id]
      .join(' ')
      .toLowerCase()
      .includes(needle);
  });
}

/** Runs `fn` over `items` with at most `limit` at a time, keeping the order of the results. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
