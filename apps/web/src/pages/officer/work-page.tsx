import { Link } from 'react-router-dom';
import type { EngagementView, FollowUpView, SessionView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { mapLimit } from '../../lib/portfolio';
import { PageTitle } from '../../ui/layout';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** What the officer has to do, across the engagements of their unit. */
export interface OfficerAgenda {
  engagements: EngagementView[];
  names: ReadonlyMap<string, string>;
  sessions: SessionView[];
  followUps: FollowUpView[];
  unread: number;
}

/** The officer's scheduled sessions and planned follow-ups, soonest first. Pure. */
export function agendaOf(
  userId: string,
  perEngagement: ReadonlyArray<{
    sessions: readonly SessionView[];
    followUps: readonly FollowUpView[];
  }>,
): { sessions: SessionView[]; followUps: FollowUpView[] } {
  const sessions = perEngagement
    .flatMap((e) => e.sessions)
    .filter((s) => s.status === 'scheduled' && s.facilitatorId === userId)
    .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
  const followUps = perEngagement
    .flatMap((e) => e.followUps)
    .filter((f) => f.state === 'planned' && f.assigneeId === userId)
    .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  return { sessions, followUps };
}

/** The protection officer's home: upcoming sessions and follow-ups, inbox, engagements. */
export function OfficerWorkPage() {
  const { t, label, dateTime } = useI18n();
  const { api, user } = useSession();
  const agenda = useResource<OfficerAgenda>(
    async (signal) => {
      const [engagements, organisations, unread] = await Promise.all([
        api.engagements(signal),
        api.organisations(signal),
        api.unreadCount(signal),
      ]);
      const perEngagement = await mapLimit(engagements, 4, async (e) => {
        const [sessions, followUps] = await Promise.all([
          api.sessions(e.id, signal),
          api.followUps(e.id, signal),
        ]);
        return { sessions, followUps };
      });
      return {
        engagements,
        names: new Map(organisations.map((o) => [o.id, o.name])),
        ...agendaOf(user?.id ?? '', perEngagement),
        unread: unread.unread,
      };
    },
    [api, user?.id],
  );
  const now = Date.now();
  return (
    <>
      <PageTitle>{t('work.title')}</PageTitle>
      <Loaded resource={agenda} what={t('work.title')}>
        {(data) => {
          const nameOf = (engagementId: string) => {
            const e = data.engagements.find((x) => x.id === engagementId);
            return (e && data.names.get(e.organisationId)) ?? engagementId;
          };
          return (
            <>
              <p className="callout">
                <Link to="/inbox" data-testid="inbox-link">
                  {t('work.inbox', { count: data.unread })}
                </Link>
              </p>
              <section aria-labelledby="sessions-title" className="section">
                <h2 id="sessions-title">{t('work.sessions')}</h2>
                {data.sessions.length === 0 ? (
                  <Empty>{t('work.noSessions')}</Empty>
                ) : (
                  <ul className="cards" data-testid="my-sessions">
                    {data.sessions.map((s) => (
                      <li key={s.id} className="card">
                        <time dateTime={s.startsAt}>{dateTime(s.startsAt)}</time>
                        <Link to={`/work/engagements/${s.engagementId}#sessions`}>
                          {nameOf(s.engagementId)}
                        </Link>
                        <span className="muted">
                          {label('trainingLevel', s.level)} · {label('sessionMode', s.mode)} ·{' '}
                          {s.moduleIds.join(', ')}
                        </span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section aria-labelledby="follow-ups-title" className="section">
                <h2 id="follow-ups-title">{t('work.followUps')}</h2>
                {data.followUps.length === 0 ? (
                  <Empty>{t('work.noFollowUps')}</Empty>
                ) : (
                  <ul className="cards" data-testid="my-follow-ups">
                    {data.followUps.map((f) => (
                      <li key={f.id} className="card">
                        <time dateTime={f.dueAt}>{dateTime(f.dueAt)}</time>
                        {Date.parse(f.dueAt) < now && (
                          <span className="badge warn">{t('work.overdue')}</span>
                        )}
                        <Link to={`/work/engagements/${f.engagementId}#follow-ups`}>
                          {nameOf(f.engagementId)}
                        </Link>
                        <span className="muted">{label('followUpKind', f.kind)}</span>
                      </li>
                    ))}
                  </ul>
                )}
              </section>
              <section aria-labelledby="engagements-title" className="section">
                <h2 id="engagements-title">{t('work.engagements')}</h2>
                {data.engagements.length === 0 ? (
                  <Empty>{t('work.noEngagements')}</Empty>
                ) : (
                  <ul className="cards" data-testid="my-engagements">
                    {data.engagements.map((e) => (
                      <li key={e.id} className="card">
                        <Link to={`/work/engagements/${e.id}`}>{nameOf(e.id)}</Link>
                        <span className={`badge phase-${e.phase}`}>{label('phase', e.phase)}</span>
                        {e.leadOfficerId === user?.id && (
                          <span className="muted">{t('work.lead')}</span>
                        )}
                      </li>
                    ))}
                  </ul>
                )}
              </section>
            </>
          );
        }}
      </Loaded>
    </>
  );
}
