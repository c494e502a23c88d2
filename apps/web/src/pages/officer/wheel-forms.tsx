import { SECURITY_WHEEL_SPOKES, type SpokeId } from '@trellis/contracts';
import { useState } from 'react';
import type { EngagementView, WheelRoundView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { Form, integerOf, SelectField, TextField, useSubmit } from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

const SCORES = ['0', '1', '2', '3', '4'];

/** Security-wheel rounds: open a round, record each participant's scores, complete it. */
export function WheelForms({ engagement }: { engagement: EngagementView }) {
  const { t } = useI18n();
  const { api } = useSession();
  const rounds = useResource(
    (signal) => api.wheelRounds(engagement.id, signal),
    [api, engagement.id],
  );
  const open = useSubmit(async () => {
    await api.openWheelRound({
      engagementId: engagement.id,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
    });
    rounds.reload();
  });
  return (
    <Loaded resource={rounds} what={t('wheel.title')}>
      {(list) => {
        const current = list.find((r) => r.status === 'open');
        const replace = (round: WheelRoundView) =>
          rounds.setData(list.map((r) => (r.id === round.id ? round : r)));
        return (
          <>
            {list.length === 0 ? (
              <Empty>{t('wheel.none')}</Empty>
            ) : (
              <ul className="cards">
                {list.map((r) => (
                  <li key={r.id} className="card">
                    <span>{t('wheel.round', { round: r.roundNumber })}</span>
                    <span className={`badge status-${r.status}`}>
                      {t(`wheel.status.${r.status}`)}
                    </span>
                    <span className="muted">
                      {t('wheel.participants', { count: r.participants.length })}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {current ? (
              <>
                <ParticipantForm round={current} onSaved={replace} />
                <CompleteRound round={current} onSaved={replace} />
              </>
            ) : (
              <Form
                submission={open}
                label={t('wheel.open')}
                submitLabel={t('wheel.open')}
                testId="open-round-form"
              >
                {null}
              </Form>
            )}
          </>
        );
      }}
    </Loaded>
  );
}

function ParticipantForm({
  round,
  onSaved,
}: {
  round: WheelRoundView;
  onSaved: (r: WheelRoundView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [participantId, setParticipantId] = useState('');
  const [group, setGroup] = useState('staff');
  const [scores, setScores] = useState<Record<SpokeId, string>>(
    () => Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, '2'])) as Record<SpokeId, string>,
  );
  const submission = useSubmit(async () => {
    onSaved(
      await api.scoreWheelParticipant(round.id, participantId.trim() || '-', {
        version: round.version,
        group,
        spokes: Object.fromEntries(
          SECURITY_WHEEL_SPOKES.map((s) => [s, { score: integerOf(scores[s]) ?? -1 }]),
        ),
      }),
    );
    setParticipantId('');
  });
  return (
    <section className="panel" aria-labelledby={`wheel-${round.id}`}>
      <h3 id={`wheel-${round.id}`}>{t('wheel.score', { round: round.roundNumber })}</h3>
      <Form
        submission={submission}
        label={t('wheel.score', { round: round.roundNumber })}
        submitLabel={t('wheel.scoreSubmit')}
        doneMessage={t('form.saved')}
        testId="wheel-form"
      >
        <TextField
          name="participantId"
          label={t('wheel.participant')}
          hint={t('wheel.participantHint')}
          value={participantId}
          onChange={setParticipantId}
          required
        />
        <SelectField
          name="group"
          label={t('wheel.group')}
          value={group}
          onChange={setGroup}
          options={['leadership', 'staff'].map((g) => ({
            value: g,
            label: label('wheelGroup', g),
          }))}
        />
        <fieldset className="fieldset-grid">
          <legend>{t('wheel.scores')}</legend>
          {SECURITY_WHEEL_SPOKES.map((s) => (
            <SelectField
              key={s}
              name={`spokes.${s}`}
              label={label('spoke', s)}
              value={scores[s]}
              onChange={(v) => setScores((c) => ({ ...c, [s]: v }))}
              options={SCORES.map((n) => ({ value: n, label: label('maturity', n) }))}
            />
          ))}
        </fieldset>
      </Form>
    </section>
  );
}

function CompleteRound({
  round,
  onSaved,
}: {
  round: WheelRoundView;
  onSaved: (r: WheelRoundView) => void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const submission = useSubmit(async () => {
    onSaved(await api.completeWheelRound(round.id, round.version));
  });
  return (
    <Form submission={submission} label={t('wheel.complete')} submitLabel={t('wheel.complete')}>
      <p className="hint">{t('wheel.completeHint', { count: round.participants.length })}</p>
    </Form>
  );
}
