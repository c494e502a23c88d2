import { useEffect } from 'react';
import { useLocation, useParams } from 'react-router-dom';
import { optional } from '../../api/problem';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../ui/layout';
import { Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { EngagementHeader } from '../manager/engagement-page';
import { AutonomyForms, CascadeVerifications } from './autonomy-forms';
import { FollowUpForms } from './follow-up-forms';
import { PlanForms } from './plan-forms';
import { SessionForms } from './session-forms';
import { ThreatForms } from './threat-forms';
import { WheelForms } from './wheel-forms';

const SECTIONS = [
  'sessions',
  'follow-ups',
  'threats',
  'wheel',
  'plan',
  'reviews',
  'cascades',
] as const;

/** The protection officer's forms for one engagement, one section per kind of record. */
export function OfficerEngagementPage() {
  const { engagementId = '' } = useParams();
  const { t } = useI18n();
  const { api } = useSession();
  const location = useLocation();
  const resource = useResource(
    async (signal) => {
      const engagement = await api.engagement(engagementId, signal);
      const organisation = await optional(api.organisation(engagement.organisationId, signal));
      return { engagement, organisation };
    },
    [api, engagementId],
  );
  useEffect(() => {
    // Links from "My work" point at a section: bring it into view once loaded.
    if (!resource.data || !location.hash) return;
    document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }, [resource.data, location.hash]);
  return (
    <Loaded resource={resource} what={t('engagement.title')}>
      {({ engagement, organisation }) => (
        <>
          <PageTitle>{t('record.title', { name: organisation?.name ?? engagement.id })}</PageTitle>
          <EngagementHeader engagement={engagement} />
          <nav className="section-nav" aria-label={t('engagement.sections')}>
            <ul>
              {SECTIONS.map((s) => (
                <li key={s}>
                  <a href={`#${s}`}>{t(`record.section.${s}`)}</a>
                </li>
              ))}
            </ul>
          </nav>
          <section id="sessions" className="section" aria-labelledby="h-sessions">
            <h2 id="h-sessions">{t('record.section.sessions')}</h2>
            <SessionForms engagement={engagement} />
          </section>
          <section id="follow-ups" className="section" aria-labelledby="h-follow-ups">
            <h2 id="h-follow-ups">{t('record.section.follow-ups')}</h2>
            <FollowUpForms engagement={engagement} />
          </section>
          <section id="threats" className="section" aria-labelledby="h-threats">
            <h2 id="h-threats">{t('record.section.threats')}</h2>
            <ThreatForms engagement={engagement} />
          </section>
          <section id="wheel" className="section" aria-labelledby="h-wheel">
            <h2 id="h-wheel">{t('record.section.wheel')}</h2>
            <WheelForms engagement={engagement} />
          </section>
          <section id="plan" className="section" aria-labelledby="h-plan">
            <h2 id="h-plan">{t('record.section.plan')}</h2>
            <PlanForms engagement={engagement} />
          </section>
          <section id="reviews" className="section" aria-labelledby="h-reviews">
            <h2 id="h-reviews">{t('record.section.reviews')}</h2>
            <AutonomyForms engagement={engagement} />
          </section>
          <section id="cascades" className="section" aria-labelledby="h-cascades">
            <h2 id="h-cascades">{t('record.section.cascades')}</h2>
            <CascadeVerifications engagement={engagement} />
          </section>
        </>
      )}
    </Loaded>
  );
}
