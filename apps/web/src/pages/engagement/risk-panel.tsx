import { useSession } from '../../auth/session';
import { LineChart, RiskMatrix } from '../../charts/charts';
import { useI18n } from '../../i18n/i18n';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** The risk picture: the latest likelihood × impact matrix, the trend, the threats. */
export function RiskPanel({ engagementId }: { engagementId: string }) {
  const { t, label, date, points } = useI18n();
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const [assessments, threats] = await Promise.all([
        api.riskAssessments(engagementId, signal),
        api.threats(engagementId, signal),
      ]);
      return { assessments, threats };
    },
    [api, engagementId],
  );
  return (
    <Loaded resource={resource} what={t('risk.title')}>
      {({ assessments, threats }) => {
        const latest = assessments[0];
        const oldestFirst = [...assessments].reverse();
        const labels = points(oldestFirst.map((a) => a.assessedAt));
        return (
          <div className="risk" data-testid="risk">
            {latest ? (
              <>
                <p>
                  {t('risk.overall')}{' '}
                  <span className={`badge level-${latest.overallLevel}`}>
                    {label('riskLevel', latest.overallLevel)}
                  </span>{' '}
                  <span className="muted">
                    ({t('risk.assessedOn', { date: date(latest.assessedAt) })})
                  </span>
                </p>
                <div className="chart-row">
                  <RiskMatrix
                    title={t('risk.matrixTitle')}
                    description={t('risk.matrixDescription', { count: latest.threats.length })}
                    cells={latest.matrix.flat().map((c) => ({
                      likelihood: c.likelihood,
                      impact: c.impact,
                      level: c.level,
                      count: c.threatIds.length,
                    }))}
                    levelLabel={(l) => label('riskLevel', l)}
                    testId="risk-matrix"
                  />
                  <LineChart
                    title={t('risk.trendTitle')}
                    description={t('risk.trendDescription', { count: assessments.length })}
                    valueLabel={t('risk.score')}
                    data={oldestFirst.map((a, i) => ({
                      label: labels[i] ?? '',
                      value: a.overallScore,
                      tone: `level-${a.overallLevel}`,
                    }))}
                    testId="risk-trend"
                  />
                </div>
              </>
            ) : (
              <Empty>{t('risk.noAssessment')}</Empty>
            )}
            <h3>{t('risk.threats')}</h3>
            {threats.length === 0 ? (
              <Empty>{t('risk.noThreats')}</Empty>
            ) : (
              <table className="table responsive">
                <caption className="visually-hidden">{t('risk.threats')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('risk.threatType')}</th>
                    <th scope="col">{t('risk.likelihood')}</th>
                    <th scope="col">{t('risk.impact')}</th>
                    <th scope="col">{t('risk.score')}</th>
                    <th scope="col">{t('risk.steps')}</th>
                  </tr>
                </thead>
                <tbody>
                  {threats.map((threat) => (
                    <tr key={threat.id}>
                      <th scope="row" data-label={t('risk.threatType')}>
                        {label('threatType', threat.threatType)}
                      </th>
                      <td data-label={t('risk.likelihood')}>{threat.likelihood}</td>
                      <td data-label={t('risk.impact')}>{threat.impact}</td>
                      <td data-label={t('risk.score')}>
                        {threat.risk.score}{' '}
                        <span className={`badge level-${threat.risk.level}`}>
                          {label('riskLevel', threat.risk.level)}
                        </span>
                      </td>
                      <td data-label={t('risk.steps')}>
                        {t('risk.stepsDone', { count: Object.keys(threat.steps).length })}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        );
      }}
    </Loaded>
  );
}
