/*
 * The engagement timeline: one chronological view of follow-ups, autonomy reviews and
 * notifications of an engagement, for program managers.
 */

/** What a timeline entry is about. */
export const TIMELINE_SOURCES = ['follow-up', 'autonomy-review', 'notification'] as const;
export type TimelineSource = (typeof TIMELINE_SOURCES)[number];

/** One dated entry; `what` names the step (`planned`, `held`, `recorded`, `escalation`, ...). */
export interface TimelineEntry {
  at: string;
  source: TimelineSource;
  id: string;
  what: string;
  details?: Record<string, string | number | boolean | null>;
}

const SOURCE_ORDER: Record<TimelineSource, number> = {
  'follow-up': 0,
  'autonomy-review': 1,
  notification: 2,
};

/** Entries oldest first; ties by source, then id, then step (a stable, total order). */
export function buildTimeline(entries: readonly TimelineEntry[]): TimelineEntry[] {
  return [...entries].sort(
    (a, b) =>
      Date.parse(a.at) - Date.parse(b.at) ||
      SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] ||
      a.id.localeCompare(b.id) ||
      a.what.localeCompare(b.what),
  );
}
