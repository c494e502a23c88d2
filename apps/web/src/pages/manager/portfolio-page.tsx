import { PHASES } from '@trellis/contracts';
import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { optional } from '../../api/problem';
import type { TrellisApi } from '../../api/trellis-api';
import type { EngagementView, NotificationView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  comparePortfolioRows,
  filterPortfolio,
  mapLimit,
  portfolioRow,
  type EngagementRecords,
  type PortfolioFilter,
  type PortfolioRow,
} from '../../lib/portfolio';
import { SelectField, TextField } from '../../ui/form';
import { PageTitle } from '../../ui/layout';
import { Empty, LoadProblem, Loading } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** Everything the portfolio needs of one engagement (four reads, in parallel). */
export async function loadRecords(
  api: TrellisApi,
  engagement: EngagementView,
  notifications: readonly NotificationView[],
  signal: AbortSignal,
): Promise<EngagementRecords> {
  const [followUps, sessions, trainingPlan, securityPlans] = await Promise.all([
    api.followUps(engagement.id, signal),
    api.sessions(engagement.id, signal),
    optional(api.trainingPlan(engagement.id, signal)),
    api.securityPlans(engagement.id, signal),
  ]);
  return {
    engagement,
    followUps,
    sessions,
    trainingPlan,
    securityPlan: securityPlans[0],
    notifications: notifications.filter((n) => n.engagementId === engagement.id),
  };
}

/** The program manager's engagements: next due obligation, overdue and escalated first. */
export function PortfolioPage() {
  const { t, label, dateTime } = useI18n();
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const filter: PortfolioFilter = {
    search: params.get('q') ?? '',
    phase: params.get('phase') ?? '',
    unitId: params.get('unit') ?? '',
    attention: (params.get('attention') as PortfolioFilter['attention'] | null) ?? '',
  };
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const base = useResource(
    async (signal) => {
      const [engagements, organisations, inbox] = await Promise.all([
        api.engagements(signal),
        api.organisations(signal),
        api.inbox(signal),
      ]);
      return { engagements, organisations, inbox };
    },
    [api],
  );
  const [records, setRecords] = useState<Record<string, EngagementRecords | 'failed'>>({});
  useEffect(() => {
    if (!base.data) return;
    const controller = new AbortController();
    const { engagements, inbox } = base.data;
    void mapLimit(engagements, 4, async (engagement) => {
      try {
        const loaded = await loadRecords(api, engagement, inbox, controller.signal);
        if (!controller.signal.aborted) {
          setRecords((current) => ({ ...current, [engagement.id]: loaded }));
        }
      } catch {
        if (!controller.signal.aborted) {
          setRecords((current) => ({ ...current, [engagement.id]: 'failed' }));
        }
      }
    });
    return () => controller.abort();
  }, [base.data, api]);

  const rows = useMemo<PortfolioRow[]>(() => {
    if (!base.data) return [];
    const names = new Map(base.data.organisations.map((o) => [o.id, o.name]));
    const now = new Date();
    return base.data.engagements
      .map((engagement) => {
        const loaded = records[engagement.id];
        const name = names.get(engagement.organisationId);
        return loaded && loaded !== 'failed'
          ? portfolioRow(loaded, name, now)
          : portfolioRow(
              {
                engagement,
                notifications: base.data?.inbox.filter((n) => n.engagementId === engagement.id),
              },
              name,
              now,
              false,
            );
      })
      .sort(comparePortfolioRows);
  }, [base.data, records]);

  const shown = filterPortfolio(rows, filter);
  const units = [...new Set(rows.map((r) => r.engagement.unitId))].sort();
  const escalated = rows.filter((r) => r.escalationCount > 0).length;
  const overdue = rows.filter((r) => r.overdueCount > 0).length;

  return (
    <>
      <PageTitle>{t('portfolio.title')}</PageTitle>
      {base.error !== undefined ? (
        <LoadProblem error={base.error} retry={base.reload} />
      ) : !base.data ? (
        <Loading what={t('portfolio.title')} />
      ) : (
        <>
          <ul className="stats" aria-label={t('portfolio.summary')}>
            <li>
              <strong>{rows.length}</strong> {t('portfolio.engagements')}
            </li>
            <li className={escalated > 0 ? 'stat-alert' : ''}>
              <strong>{escalated}</strong> {t('portfolio.escalated')}
            </li>
            <li className={overdue > 0 ? 'stat-warn' : ''}>
              <strong>{overdue}</strong> {t('portfolio.overdue')}
            </li>
          </ul>
          <div role="search" className="filters" aria-label={t('portfolio.filters')}>
            <TextField
              name="q"
              label={t('portfolio.search')}
              value={filter.search}
              onChange={(v) => setFilter('q', v)}
              hint={t('portfolio.searchHint')}
            />
            <SelectField
              name="phase"
              label={t('portfolio.phase')}
              value={filter.phase}
              onChange={(v) => setFilter('phase', v)}
              options={[
                { value: '', label: t('filter.all') },
                ...PHASES.map((p) => ({ value: p, label: label('phase', p) })),
              ]}
            />
            <SelectField
              name="unit"
              label={t('portfolio.unit')}
              value={filter.unitId}
              onChange={(v) => setFilter('unit', v)}
              options={[
                { value: '', label: t('filter.all') },
                ...units.map((u) => ({ value: u, label: u })),
              ]}
            />
            <SelectField
              name="attention"
              label={t('portfolio.attention')}
              value={filter.attention}
              onChange={(v) => setFilter('attention', v)}
              options={[
                { value: '', label: t('filter.all') },
                { value: 'escalated', label: t('portfolio.onlyEscalated') },
                { value: 'overdue', label: t('portfolio.onlyOverdue') },
                { value: 'on-track', label: t('portfolio.onlyOnTrack') },
              ]}
            />
          </div>
          <p className="visually-hidden" role="status" aria-live="polite">
            {t('portfolio.shown', { count: shown.length })}
          </p>
          {rows.length === 0 ? (
            <Empty>{t('portfolio.empty')}</Empty>
          ) : shown.length === 0 ? (
            <Empty>{t('portfolio.noMatch')}</Empty>
          ) : (
            <table className="table responsive" data-testid="portfolio">
              <caption className="visually-hidden">{t('portfolio.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('portfolio.organisation')}</th>
                  <th scope="col">{t('portfolio.phase')}</th>
                  <th scope="col">{t('portfolio.unit')}</th>
                  <th scope="col">{t('portfolio.nextDue')}</th>
                  <th scope="col">{t('portfolio.attention')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((row) => (
                  <tr key={row.engagement.id} data-testid="portfolio-row">
                    <th scope="row" data-label={t('portfolio.organisation')}>
                      <Link to={`/engagements/${row.engagement.id}`}>
                        {row.organisationName ?? row.engagement.id}
                      </Link>
                      <span className="muted"> · {row.engagement.country}</span>
                    </th>
                    <td data-label={t('portfolio.phase')}>
                      <span className={`badge phase-${row.engagement.phase}`}>
                        {label('phase', row.engagement.phase)}
                      </span>
                    </td>
                    <td data-label={t('portfolio.unit')}>{row.engagement.unitId}</td>
                    <td data-label={t('portfolio.nextDue')}>
                      {!row.complete ? (
                        <span className="muted">{t('state.loading')}</span>
                      ) : row.nextDue ? (
                        <>
                          <time dateTime={row.nextDue.dueAt}>{dateTime(row.nextDue.dueAt)}</time>
                          <span className="muted">
                            {' '}
                            · {label('obligationSource', row.nextDue.source)}
                          </span>
                        </>
                      ) : (
                        <span className="muted">{t('portfolio.nothingDue')}</span>
                      )}
                    </td>
                    <td data-label={t('portfolio.attention')}>
                      {row.escalationCount > 0 && (
                        <span className="badge alert">
                          {t('portfolio.escalations', { count: row.escalationCount })}
                        </span>
                      )}
                      {row.overdueCount > 0 && (
                        <span className="badge warn">
                          {t('portfolio.overdueCount', { count: row.overdueCount })}
                        </span>
                      )}
                      {row.complete && row.escalationCount === 0 && row.overdueCount === 0 && (
                        <span className="badge ok">{t('portfolio.onTrack')}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
