import { useSession } from '../../auth/session';
import { BarChart } from '../../charts/charts';
import { useI18n } from '../../i18n/i18n';
import { Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { DefenderFrame } from './defender-frame';

/** The organisation's training sessions: upcoming and held, with the knowledge gained. */
export function DefenderSessionsPage() {
  const { t } = useI18n();
  return (
    <DefenderFrame title={t('defender.sessionsTitle')}>
      {({ engagement }) => <SessionList engagementId={engagement.id} />}
    </DefenderFrame>
  );
}

function SessionList({ engagementId }: { engagementId: string }) {
  const { t, label, dateTime, number } = useI18n();
  const { api } = useSession();
  const sessions = useResource((signal) => api.sessions(engagementId, signal), [api, engagementId]);
  return (
    <Loaded
      resource={sessions}
      what={t('defender.sessionsTitle')}
      isEmpty={(list) => list.length === 0}
      empty={t('sessions.none')}
    >
      {(list) => {
        const held = list.filter(
          (s) => s.status === 'held' && s.knowledge?.averageKnowledgeGain != null,
        );
        return (
          <>
            <ul className="cards" data-testid="sessions">
              {list.map((s) => (
                <li key={s.id} className="card">
                  <time dateTime={s.startsAt}>{dateTime(s.startsAt)}</time>
                  <span className={`badge status-${s.status}`}>
                    {label('sessionStatus', s.status)}
                  </span>
                  <span>
                    {label('trainingLevel', s.level)} · {label('sessionMode', s.mode)}
                  </span>
                  <span className="muted">{s.moduleIds.join(', ')}</span>
                </li>
              ))}
            </ul>
            {held.length > 0 && (
              <BarChart
                title={t('defender.gainTitle')}
                description={t('defender.gainDescription', { count: held.length })}
                valueLabel={t('defender.gain')}
                format={(v) => number(v, 1)}
                data={held.map((s) => ({
                  label: dateTime(s.heldAt ?? s.startsAt),
                  value: s.knowledge?.averageKnowledgeGain ?? 0,
                }))}
                testId="knowledge-gain"
              />
            )}
          </>
        );
      }}
    </Loaded>
  );
}
