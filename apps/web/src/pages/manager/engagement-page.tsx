import { Link, useParams } from 'react-router-dom';
import { optional } from '../../api/problem';
import type { EngagementView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { buildProcessTimeline } from '../../lib/timeline';
import { PageTitle } from '../../ui/layout';
import { Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { AgreementPanel } from '../engagement/agreement-panel';
import { AutonomyPanel } from '../engagement/autonomy-panel';
import { PhaseSteps } from '../engagement/phase-steps';
import { PlanPanel } from '../engagement/plan-panel';
import { RiskPanel } from '../engagement/risk-panel';
import { TimelineList } from '../engagement/timeline-section';

const SECTIONS = ['timeline', 'agreement', 'risk', 'plan', 'autonomy'] as const;

/** The program manager's view of one engagement. */
export function EngagementPage() {
  const { engagementId = '' } = useParams();
  const { t } = useI18n();
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const engagement = await api.engagement(engagementId, signal);
      const organisation = await optional(api.organisation(engagement.organisationId, signal));
      return { engagement, organisation };
    },
    [api, engagementId],
  );
  return (
    <Loaded resource={resource} what={t('engagement.title')}>
      {({ engagement, organisation }) => (
        <>
          <PageTitle>{organisation?.name ?? t('engagement.title')}</PageTitle>
          <EngagementHeader engagement={engagement} />
          <nav className="section-nav" aria-label={t('engagement.sections')}>
            <ul>
              {SECTIONS.map((s) => (
                <li key={s}>
                  <a href={`#${s}`}>{t(`engagement.section.${s}`)}</a>
                </li>
              ))}
              <li>
                <Link to={`/work/engagements/${engagement.id}`}>{t('engagement.record')}</Link>
              </li>
            </ul>
          </nav>
          <section id="timeline" aria-labelledby="timeline-title" className="section">
            <h2 id="timeline-title">{t('engagement.section.timeline')}</h2>
            <Timeline engagementId={engagement.id} />
          </section>
          <section id="agreement" aria-labelledby="agreement-title" className="section">
            <h2 id="agreement-title">{t('engagement.section.agreement')}</h2>
            <AgreementPanel engagementId={engagement.id} party="protection-organisation" />
          </section>
          <section id="risk" aria-labelledby="risk-title" className="section">
            <h2 id="risk-title">{t('engagement.section.risk')}</h2>
            <RiskPanel engagementId={engagement.id} />
          </section>
          <section id="plan" aria-labelledby="plan-title" className="section">
            <h2 id="plan-title">{t('engagement.section.plan')}</h2>
            <PlanPanel engagementId={engagement.id} />
          </section>
          <section id="autonomy" aria-labelledby="autonomy-title" className="section">
            <h2 id="autonomy-title">{t('engagement.section.autonomy')}</h2>
            <AutonomyPanel engagementId={engagement.id} />
          </section>
        </>
      )}
    </Loaded>
  );
}

/** Phase, unit, country and people of an engagement. */
export function EngagementHeader({ engagement }: { engagement: EngagementView }) {
  const { t, label, date } = useI18n();
  return (
    <div className="engagement-header">
      <PhaseSteps phase={engagement.phase} />
      <dl className="facts">
        <dt>{t('engagement.unit')}</dt>
        <dd>{engagement.unitId}</dd>
        <dt>{t('engagement.country')}</dt>
        <dd>{engagement.country}</dd>
        <dt>{t('engagement.focus')}</dt>
        <dd>{engagement.focusAreas.map((f) => label('focusArea', f)).join(', ') || '—'}</dd>
        <dt>{t('engagement.opened')}</dt>
        <dd>{date(engagement.createdAt)}</dd>
      </dl>
    </div>
  );
}

function Timeline({ engagementId }: { engagementId: string }) {
  const { t } = useI18n();
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const [coaching, agreement, sessions, assessments, plans, incidents, rounds, cascades] =
        await Promise.all([
          api.timeline(engagementId, signal),
          optional(api.agreement(engagementId, signal)),
          api.sessions(engagementId, signal),
          api.riskAssessments(engagementId, signal),
          api.securityPlans(engagementId, signal),
          api.incidents(engagementId, signal),
          api.wheelRounds(engagementId, signal),
          api.cascades(engagementId, signal),
        ]);
      return buildProcessTimeline({
        coaching,
        ...(agreement ? { agreement } : {}),
        sessions,
        assessments,
        ...(plans[0] ? { plan: plans[0] } : {}),
        incidents,
        rounds,
        cascades,
      });
    },
    [api, engagementId],
  );
  return (
    <Loaded resource={resource} what={t('engagement.section.timeline')}>
      {(events) => <TimelineList events={events} />}
    </Loaded>
  );
}
