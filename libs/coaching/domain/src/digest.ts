/*
 * The daily digest: a user who chose it gets one e-mail a day listing links to the
 * notifications that arrived since the last digest, instead of one e-mail per notification.
 */

/** The kinds of notification (reminders and escalations from the reminders topic, alerts). */
export const NOTIFICATION_KINDS = ['reminder', 'escalation', 'check-in-missed'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** A notification waiting for the digest. */
export interface DigestItem {
  notificationId: string;
  recipientId: string;
  kind: NotificationKind;
  engagementId: string;
  createdAt: Date;
}

/** One digest e-mail: everything one recipient has waiting. */
export interface Digest {
  recipientId: string;
  /** Oldest first. */
  notificationIds: string[];
  counts: Record<NotificationKind, number>;
  engagementCount: number;
  oldest: Date;
}

/** Hour of the day (UTC, 0–23) the digest goes out, validated. */
function checkHour(hourUtc: number): void {
  if (!Number.isInteger(hourUtc) || hourUtc < 0 || hourUtc > 23) {
    throw new RangeError('The digest hour is an integer from 0 to 23 (UTC)');
  }
}

/**
 * When the digest covering a notification created at `createdAt` goes out: the next
 * `hourUtc`:00 UTC strictly after it (so a notification at 07:00 with an 07:00 digest waits
 * for the next day's).
 */
export function nextDigestAt(createdAt: Date, hourUtc: number): Date {
  checkHour(hourUtc);
  const at = new Date(
    Date.UTC(
      createdAt.getUTCFullYear(),
      createdAt.getUTCMonth(),
      createdAt.getUTCDate(),
      hourUtc,
      0,
      0,
      0,
    ),
  );
  if (at.getTime() <= createdAt.getTime()) at.setUTCDate(at.getUTCDate() + 1);
  return at;
}

/**
 * Groups waiting notifications into one digest per recipient (recipients in a stable order,
 * items oldest first; a notification listed twice counts once).
 */
export function groupDigests(items: readonly DigestItem[]): Digest[] {
  const byRecipient = new Map<string, Map<string, DigestItem>>();
  for (const item of items) {
    const own = byRecipient.get(item.recipientId) ?? new Map<string, DigestItem>();
    own.set(item.notificationId, item);
    byRecipient.set(item.recipientId, own);
  }
  return [...byRecipient.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([recipientId, own]) => {
      const sorted = [...own.values()].sort(
        (a, b) =>
          a.createdAt.getTime() - b.createdAt.getTime() ||
          a.notificationId.localeCompare(b.notificationId),
      );
      const counts: Record<NotificationKind, number> = {
        reminder: 0,
        escalation: 0,
        'check-in-missed': 0,
      };
      for (const item of sorted) counts[item.kind] += 1;
      const first = sorted[0];
      if (!first) throw new Error('unreachable: a recipient group is never empty');
      return {
        recipientId,
        notificationIds: sorted.map((i) => i.notificationId),
        counts,
        engagementCount: new Set(sorted.map((i) => i.engagementId)).size,
        oldest: first.createdAt,
      };
    });
}
