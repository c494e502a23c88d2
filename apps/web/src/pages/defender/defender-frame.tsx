import type { ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { optional } from '../../api/problem';
import type { EngagementView, OrganisationView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { PageTitle } from '../../ui/layout';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** The engagement a defender page is about, with the organisation. */
export interface DefenderContext {
  engagement: EngagementView;
  organisation: OrganisationView | undefined;
  /** Every engagement of the organisation (to switch between them). */
  engagements: EngagementView[];
}

/** The engagement to show: the one asked for, else the newest one that is not closed. */
export function currentEngagement(
  engagements: readonly EngagementView[],
): EngagementView | undefined {
  const byNewest = [...engagements].sort(
    (a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt),
  );
  return byNewest.find((e) => e.phase !== 'terminated') ?? byNewest[0];
}

/**
 * The frame of the defender organisation's pages: loads its engagement (`?engagement=` picks
 * one; another organisation's answers 404 and shows the refused state) and the organisation.
 */
export function DefenderFrame({
  title,
  children,
}: {
  title: string;
  children: (context: DefenderContext) => ReactNode;
}) {
  const { t } = useI18n();
  const { api, user } = useSession();
  const [params] = useSearchParams();
  const asked = params.get('engagement') ?? '';
  const resource = useResource(
    async (signal): Promise<DefenderContext | undefined> => {
      const [engagements, organisation] = await Promise.all([
        api.engagements(signal),
        user?.organisationId
          ? optional(api.organisation(user.organisationId, signal))
          : Promise.resolve(undefined),
      ]);
      const engagement = asked
        ? (engagements.find((e) => e.id === asked) ?? (await api.engagement(asked, signal)))
        : currentEngagement(engagements);
      return engagement ? { engagement, organisation, engagements } : undefined;
    },
    [api, user?.organisationId, asked],
  );
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Loaded resource={resource} what={title}>
        {(context) =>
          context === undefined ? (
            <Empty>{t('defender.noEngagement')}</Empty>
          ) : (
            <>
              <p className="organisation-name" data-testid="organisation-name">
                {context.organisation?.name}
              </p>
              {context.engagements.length > 1 && (
                <nav aria-label={t('defender.engagements')} className="section-nav">
                  <ul>
                    {context.engagements.map((e) => (
                      <li key={e.id}>
                        <Link
                          to={`?engagement=${e.id}`}
                          aria-current={e.id === context.engagement.id ? 'page' : undefined}
                        >
                          {t('defender.engagementOf', { date: e.createdAt.slice(0, 10) })}
                        </Link>
                      </li>
                    ))}
                  </ul>
                </nav>
              )}
              {children(context)}
            </>
          )
        }
      </Loaded>
    </>
  );
}
