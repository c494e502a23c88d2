import { CASCADE_AUDIENCE_TYPES } from '@trellis/contracts';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { optional } from '../../api/problem';
import type { EngagementView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  DateTimeField,
  Form,
  instantOf,
  integerOf,
  localInputOf,
  NumberField,
  SelectField,
  TextField,
  useSubmit,
} from '../../ui/form';
import { Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { canSign } from '../engagement/agreement-panel';
import { participantCodes } from '../officer/session-forms';
import { AutonomyPanel } from '../engagement/autonomy-panel';
import { PhaseSteps } from '../engagement/phase-steps';
import { DefenderFrame } from './defender-frame';

/** The defender organisation's home: where the process is, what awaits it, its progress. */
export function DefenderOverviewPage() {
  const { t } = useI18n();
  return (
    <DefenderFrame title={t('defender.overviewTitle')}>
      {({ engagement }) => (
        <>
          <PhaseSteps phase={engagement.phase} />
          <Awaiting engagement={engagement} />
          <section className="section" aria-labelledby="progress-title">
            <h2 id="progress-title">{t('defender.progress')}</h2>
            <AutonomyPanel engagementId={engagement.id} />
          </section>
          <section className="section" aria-labelledby="cascade-title">
            <h2 id="cascade-title">{t('defender.cascades')}</h2>
            <RecordCascadeForm engagement={engagement} />
          </section>
        </>
      )}
    </DefenderFrame>
  );
}

/** What awaits the organisation: a version to sign, the next sessions. */
function Awaiting({ engagement }: { engagement: EngagementView }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const [agreement, sessions] = await Promise.all([
        optional(api.agreement(engagement.id, signal)),
        api.sessions(engagement.id, signal),
      ]);
      return { agreement, sessions };
    },
    [api, engagement.id],
  );
  return (
    <Loaded resource={resource}>
      {({ agreement, sessions }) => {
        const toSign = agreement?.versions.find((v) => canSign(v, 'defender-organisation'));
        const upcoming = sessions
          .filter((s) => s.status === 'scheduled')
          .sort((a, b) => Date.parse(a.startsAt) - Date.parse(b.startsAt));
        return (
          <ul className="cards awaiting" data-testid="awaiting">
            {toSign && (
              <li className="card callout">
                <strong>{t('defender.toSign', { version: toSign.version })}</strong>
                <Link to="/organisation/agreement">{t('defender.review')}</Link>
              </li>
            )}
            <li className="card">
              <strong>{t('defender.nextSession')}</strong>
              {upcoming[0] ? (
                <time dateTime={upcoming[0].startsAt}>{dateTime(upcoming[0].startsAt)}</time>
              ) : (
                <span className="muted">{t('defender.noSession')}</span>
              )}
              <Link to="/organisation/sessions">{t('defender.allSessions')}</Link>
            </li>
            <li className="card">
              <strong>{t('defender.planCard')}</strong>
              <Link to="/organisation/plan">{t('defender.openPlan')}</Link>
            </li>
            <li className="card">
              <strong>{t('defender.incidentCard')}</strong>
              <Link to="/organisation/incidents">{t('defender.reportIncident')}</Link>
            </li>
          </ul>
        );
      }}
    </Loaded>
  );
}

/** Knowledge transfer: a training the organisation gave to others (verified by an officer). */
function RecordCascadeForm({ engagement }: { engagement: EngagementView }) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [audienceType, setAudienceType] = useState<string>(CASCADE_AUDIENCE_TYPES[0]);
  const [reach, setReach] = useState('10');
  const [modules, setModules] = useState('training-module.introduction-to-security-and-protection');
  const [deliveredAt, setDeliveredAt] = useState(localInputOf(new Date()));
  const [trainers, setTrainers] = useState('');
  const submission = useSubmit(async () => {
    await api.recordCascade({
      engagementId: engagement.id,
      generation: 2,
      trainerParticipantIds: participantCodes(trainers),
      audienceType,
      reachCount: integerOf(reach) ?? 0,
      moduleIds: modules
        .split(/[\s,]+/)
        .map((m) => m.trim())
        .filter(Boolean),
      deliveredAt: instantOf(deliveredAt) ?? '',
    });
  });
  return (
    <Form
      submission={submission}
      label={t('defender.recordCascade')}
      submitLabel={t('defender.recordCascade')}
      doneMessage={t('defender.cascadeRecorded')}
      testId="cascade-form"
    >
      <TextField
        name="trainerParticipantIds"
        label={t('cascades.trainers')}
        hint={t('cascades.trainersHint')}
        value={trainers}
        onChange={setTrainers}
        required
      />
      <SelectField
        name="audienceType"
        label={t('cascades.audience')}
        value={audienceType}
        onChange={setAudienceType}
        options={CASCADE_AUDIENCE_TYPES.map((a) => ({ value: a, label: label('audience', a) }))}
      />
      <NumberField
        name="reachCount"
        label={t('cascades.reachLabel')}
        min={1}
        value={reach}
        onChange={setReach}
        required
      />
      <TextField
        name="moduleIds"
        label={t('cascades.modules')}
        hint={t('cascades.modulesHint')}
        value={modules}
        onChange={setModules}
        required
      />
      <DateTimeField
        name="deliveredAt"
        label={t('cascades.deliveredAt')}
        value={deliveredAt}
        onChange={setDeliveredAt}
        required
      />
    </Form>
  );
}
