import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { getCatalogueItem } from '@trellis/catalogue';
import { forbidden, scopeOf, type Principal } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { InjectModel, NotFoundError } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import type { TrainingConfig } from '../config';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import { SESSION_MODEL, type SessionDocument } from '../sessions/sessions.schema';
import {
  CALENDAR_FEED_MODEL,
  type CalendarFeedDocument,
  type CreateFeed,
  type FeedCreatedView,
} from './calendar.schema';
import { serializeCalendar, type CalendarEvent } from './icalendar';

/** Tokens: 32 random bytes, base64url (43 characters). */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** At most this many sessions in a feed. */
const FEED_LIMIT = 500;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * iCalendar feeds of upcoming sessions per officer (the sessions they facilitate) and per
 * organisation, behind unguessable tokens (only their hashes are stored). Events carry
 * modules, level and mode — never participants or notes.
 */
@Injectable()
export class CalendarService {
  constructor(
    @InjectModel(CALENDAR_FEED_MODEL) private readonly feeds: Model<CalendarFeedDocument>,
    @InjectModel(SESSION_MODEL) private readonly sessions: Model<SessionDocument>,
    private readonly engagements: KnownEngagementsService,
    @Inject(CONFIG) private readonly config: TrainingConfig,
  ) {}

  /** Creates or rotates a feed; the token is returned once. */
  async createOrRotate(input: CreateFeed, principal: Principal): Promise<FeedCreatedView> {
    let subjectId: string;
    if (input.kind === 'officer') {
      const scope = scopeOf(principal);
      if (principal.type !== 'user' || scope.kind === 'organisation' || scope.kind === 'analyst') {
        throw forbidden('only staff have an officer calendar');
      }
      subjectId = principal.id;
    } else {
      subjectId = (await this.engagements.resolve(principal, input.engagementId)).organisationId;
    }
    const token = randomBytes(32).toString('base64url');
    await this.feeds.updateOne(
      { _id: `${input.kind}:${subjectId}` },
      {
        $set: {
          kind: input.kind,
          subjectId,
          tokenHash: hashToken(token),
          createdBy: principal.id,
          rotatedAt: new Date(),
        },
      },
      { upsert: true },
    );
    const path = `/calendar/feeds/${token}.ics`;
    const base = this.config.CALENDAR_BASE_URL?.replace(/\/+$/, '');
    return { kind: input.kind, subjectId, token, url: base ? `${base}${path}` : path };
  }

  /** The feed of `file` (`<token>.ics`) as iCalendar text; 404 for unknown tokens. */
  async feed(file: string): Promise<string> {
    const token = file.endsWith('.ics') ? file.slice(0, -4) : file;
    const feed = TOKEN_PATTERN.test(token)
      ? await this.feeds.findOne({ tokenHash: hashToken(token) }).lean<CalendarFeedDocument>()
      : null;
    if (!feed) throw new NotFoundError('CalendarFeed');
    const filter =
      feed.kind === 'officer'
        ? { facilitatorId: feed.subjectId }
        : { organisationId: feed.subjectId };
    const upcoming = await this.sessions
      .find({ ...filter, status: 'scheduled', endsAt: { $gte: new Date() } })
      .sort({ startsAt: 1 })
      .limit(FEED_LIMIT)
      .lean<SessionDocument[]>();
    const stamp = new Date();
    return serializeCalendar({
      productId: '-//Trellis//Training sessions//EN',
      name:
        feed.kind === 'officer' ? 'Trellis: my training sessions' : 'Trellis: training sessions',
      events: upcoming.map((s) => toCalendarEvent(s, stamp)),
    });
  }
}

function titleOf(moduleId: string): string {
  try {
    return getCatalogueItem(moduleId).title;
  } catch {
    return moduleId;
  }
}

function toCalendarEvent(s: SessionDocument, stamp: Date): CalendarEvent {
  const titles = s.moduleIds.map(titleOf);
  return {
    uid: `${s._id}@training.trellis`,
    stamp,
    start: s.startsAt,
    end: s.endsAt,
    summary: `Training: ${titles.join(', ')} (${s.level})`,
    description: [`Modules: ${titles.join('; ')}`, `Level: ${s.level}`, `Mode: ${s.mode}`].join(
      '\n',
    ),
    sequence: s.__v,
    status: 'CONFIRMED',
    categories: ['Training', s.mode],
  };
}
