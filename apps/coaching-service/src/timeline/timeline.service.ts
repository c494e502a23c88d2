import { Injectable } from '@nestjs/common';
import { buildTimeline, type TimelineEntry } from '@trellis/coaching-domain';
import { forbidden, scopeOf, type Principal } from '@trellis/platform-auth';
import { AutonomyService } from '../autonomy/autonomy.service';
import { EngagementsService } from '../engagements/engagements.service';
import { FollowUpsService } from '../follow-ups/follow-ups.service';
import { NotificationsService } from '../notifications/notifications.service';

/**
 * One chronological view per engagement of its follow-ups (planned, held, missed, cancelled,
 * check-ins), autonomy reviews and notifications — for program managers of the engagement's
 * unit and admins. Kinds, ids, dates and levels only: no notes, no evidence.
 */
@Injectable()
export class TimelineService {
  constructor(
    private readonly engagements: EngagementsService,
    private readonly followUps: FollowUpsService,
    private readonly reviews: AutonomyService,
    private readonly notifications: NotificationsService,
  ) {}

  async timeline(engagementId: string, principal: Principal): Promise<TimelineEntry[]> {
    if (scopeOf(principal).kind !== 'all' && !principal.roles.includes('program-manager')) {
      throw forbidden('the engagement timeline is for program managers');
    }
    const engagement = await this.engagements.accessible(principal, engagementId);
    const reason = `${principal.type}:${principal.id}: engagement timeline`;
    const [followUps, reviews, notifications] = await Promise.all([
      this.followUps.ofEngagement(engagement, reason),
      this.reviews.ofEngagement(engagement, reason),
      this.notifications.ofEngagement(engagementId),
    ]);
    const entries: TimelineEntry[] = [];
    for (const f of followUps) {
      const details = { kind: f.kind, assigneeId: f.assigneeId, dueAt: f.dueAt.toISOString() };
      entries.push({
        at: f.createdAt.toISOString(),
        source: 'follow-up',
        id: f._id,
        what: 'planned',
        details,
      });
      if (f.state !== 'planned' && f.closedAt) {
        entries.push({
          at: (f.heldAt ?? f.closedAt).toISOString(),
          source: 'follow-up',
          id: f._id,
          what: f.state,
          details: {
            kind: f.kind,
            ...(f.behaviourChange ? { behaviourChange: f.behaviourChange } : {}),
            ...(f.state === 'held' ? { nextActionCount: f.nextActions.length } : {}),
            ...(f.cancellationReason ? { reason: f.cancellationReason } : {}),
          },
        });
      }
      const c = f.checkIn;
      if (c) {
        entries.push({
          at: c.dueAt.toISOString(),
          source: 'follow-up',
          id: f._id,
          what: `check-in-${c.state === 'open' ? 'due' : c.state}`,
          details: {
            checkInId: c.checkInId,
            officerId: c.officerId,
            ...(c.confirmedAt ? { confirmedAt: c.confirmedAt.toISOString() } : {}),
          },
        });
      }
    }
    for (const r of reviews) {
      entries.push({
        at: r.reviewedAt.toISOString(),
        source: 'autonomy-review',
        id: r._id,
        what: r.state === 'recorded' ? 'recorded' : 'draft',
        details: r.level === undefined ? {} : { level: r.level },
      });
    }
    for (const n of notifications) {
      entries.push({
        at: n.createdAt.toISOString(),
        source: 'notification',
        id: n._id,
        what: n.kind,
        details: {
          recipientId: n.recipientId,
          read: n.read,
          ...(n.obligationKind ? { obligationKind: n.obligationKind } : {}),
        },
      });
    }
    return buildTimeline(entries);
  }
}
