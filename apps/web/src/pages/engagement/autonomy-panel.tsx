import { SECURITY_WHEEL_SPOKES } from '@trellis/contracts';
import { useSession } from '../../auth/session';
import { BarChart, LineChart } from '../../charts/charts';
import { useI18n } from '../../i18n/i18n';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/**
 * The autonomy trend: the level of each recorded review over time, the spoke maturity of the
 * latest review (or security-wheel round), and the milestones with their status.
 */
export function AutonomyPanel({ engagementId }: { engagementId: string }) {
  const { t, label, date, number, points } = useI18n();
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const [reviews, rounds] = await Promise.all([
        api.autonomyReviews(engagementId, signal),
        api.wheelRounds(engagementId, signal),
      ]);
      return { reviews, rounds };
    },
    [api, engagementId],
  );
  return (
    <Loaded resource={resource} what={t('autonomy.title')}>
      {({ reviews, rounds }) => {
        const recorded = reviews
          .filter((r) => r.state === 'recorded' && r.level !== undefined)
          .sort((a, b) => Date.parse(a.reviewedAt) - Date.parse(b.reviewedAt));
        const latest = recorded[recorded.length - 1];
        const labels = points(recorded.map((r) => r.reviewedAt));
        const latestRound = rounds.find((r) => r.aggregate);
        return (
          <div className="autonomy" data-testid="autonomy">
            {recorded.length === 0 ? (
              <Empty>{t('autonomy.noReviews')}</Empty>
            ) : (
              <>
                <p>
                  {t('autonomy.currentLevel')}{' '}
                  <strong>{label('autonomyLevel', String(latest?.level ?? 0))}</strong>
                </p>
                <LineChart
                  title={t('autonomy.trendTitle')}
                  description={t('autonomy.trendDescription', { count: recorded.length })}
                  valueLabel={t('autonomy.level')}
                  max={4}
                  data={recorded.map((r, i) => ({ label: labels[i] ?? '', value: r.level ?? 0 }))}
                  testId="autonomy-trend"
                />
              </>
            )}
            {latest && (
              <BarChart
                title={t('autonomy.maturityTitle')}
                description={t('autonomy.maturityDescription', { date: date(latest.reviewedAt) })}
                valueLabel={t('autonomy.maturity')}
                max={4}
                data={SECURITY_WHEEL_SPOKES.map((s) => ({
                  label: label('spoke', s),
                  value: latest.spokeMaturity[s] ?? 0,
                }))}
                testId="autonomy-maturity"
              />
            )}
            {latestRound?.aggregate && (
              <BarChart
                title={t('wheel.meansTitle', { round: latestRound.roundNumber })}
                description={t('wheel.meansDescription', {
                  count: latestRound.aggregate.participantCount,
                })}
                valueLabel={t('wheel.mean')}
                max={4}
                format={(v) => number(v, 2)}
                data={SECURITY_WHEEL_SPOKES.map((s) => ({
                  label: label('spoke', s),
                  value: latestRound.aggregate?.spokeMeans[s] ?? 0,
                }))}
                testId="wheel-means"
              />
            )}
            {latest && (
              <>
                <h3>{t('autonomy.milestones')}</h3>
                <ul className="milestones">
                  {latest.milestones.map((m) => (
                    <li key={m.milestoneId} className={`milestone status-${m.status}`}>
                      <span>{label('milestone', m.milestoneId)}</span>{' '}
                      <span className={`badge status-${m.status}`}>
                        {label('milestoneStatus', m.status)}
                      </span>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
