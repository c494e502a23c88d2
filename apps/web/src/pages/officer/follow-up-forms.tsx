import { BEHAVIOUR_CHANGES, FOLLOW_UP_KINDS } from '@trellis/contracts';
import { useState } from 'react';
import type { EngagementView, FollowUpView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  DateTimeField,
  Form,
  instantOf,
  localInputOf,
  SelectField,
  TextArea,
  textOf,
  useSubmit,
} from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** Follow-ups of an engagement: plan one, record a planned one as held. */
export function FollowUpForms({ engagement }: { engagement: EngagementView }) {
  const { t, label, dateTime } = useI18n();
  const { api } = useSession();
  const followUps = useResource(
    (signal) => api.followUps(engagement.id, signal),
    [api, engagement.id],
  );
  return (
    <Loaded resource={followUps} what={t('followUps.title')}>
      {(list) => {
        const planned = list.filter((f) => f.state === 'planned');
        return (
          <>
            {list.length === 0 ? (
              <Empty>{t('followUps.none')}</Empty>
            ) : (
              <ul className="cards" data-testid="follow-ups">
                {list.map((f) => (
                  <li key={f.id} className="card">
                    <time dateTime={f.dueAt}>{dateTime(f.dueAt)}</time>
                    <span>{label('followUpKind', f.kind)}</span>
                    <span className={`badge status-${f.state}`}>
                      {label('followUpState', f.state)}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {planned.map((f) => (
              <HoldFollowUpForm key={f.id} followUp={f} onSaved={followUps.reload} />
            ))}
            <PlanFollowUpForm engagement={engagement} onSaved={followUps.reload} />
          </>
        );
      }}
    </Loaded>
  );
}

function PlanFollowUpForm({
  engagement,
  onSaved,
}: {
  engagement: EngagementView;
  onSaved: () => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [kind, setKind] = useState<string>('coaching-session');
  const [dueAt, setDueAt] = useState(localInputOf(new Date(Date.now() + 7 * 86_400_000)));
  const submission = useSubmit(async () => {
    await api.planFollowUp(engagement.id, { kind, dueAt: instantOf(dueAt) ?? '' });
    onSaved();
  });
  return (
    <section className="panel" aria-labelledby="plan-follow-up">
      <h3 id="plan-follow-up">{t('followUps.plan')}</h3>
      <Form
        submission={submission}
        label={t('followUps.plan')}
        submitLabel={t('followUps.planSubmit')}
        doneMessage={t('form.saved')}
        testId="plan-follow-up-form"
      >
        <SelectField
          name="kind"
          label={t('followUps.kind')}
          value={kind}
          onChange={setKind}
          options={FOLLOW_UP_KINDS.map((k) => ({ value: k, label: label('followUpKind', k) }))}
        />
        <DateTimeField
          name="dueAt"
          label={t('followUps.dueAt')}
          value={dueAt}
          onChange={setDueAt}
          required
        />
      </Form>
    </section>
  );
}

function HoldFollowUpForm({ followUp, onSaved }: { followUp: FollowUpView; onSaved: () => void }) {
  const { t, label, dateTime } = useI18n();
  const { api } = useSession();
  const [heldAt, setHeldAt] = useState(localInputOf(new Date()));
  const [change, setChange] = useState<string>('some');
  const [notes, setNotes] = useState('');
  const [observed, setObserved] = useState('');
  const [obstacles, setObstacles] = useState('');
  const submission = useSubmit(async () => {
    await api.holdFollowUp(followUp.id, {
      version: followUp.version,
      heldAt: instantOf(heldAt) ?? '',
      behaviourChange: change,
      ...(textOf(notes) ? { notes } : {}),
      ...(textOf(observed) ? { observedChange: observed } : {}),
      ...(textOf(obstacles) ? { obstacles } : {}),
    });
    onSaved();
  });
  const title = t('followUps.hold', {
    kind: label('followUpKind', followUp.kind),
    date: dateTime(followUp.dueAt),
  });
  return (
    <section className="panel" aria-label={title}>
      <h3>{title}</h3>
      <Form
        submission={submission}
        label={title}
        submitLabel={t('followUps.holdSubmit')}
        testId="hold-follow-up-form"
      >
        <DateTimeField
          name="heldAt"
          label={t('followUps.heldAt')}
          value={heldAt}
          onChange={setHeldAt}
          required
        />
        <SelectField
          name="behaviourChange"
          label={t('followUps.behaviourChange')}
          value={change}
          onChange={setChange}
          options={BEHAVIOUR_CHANGES.map((c) => ({ value: c, label: label('behaviourChange', c) }))}
        />
        <TextArea
          name="notes"
          label={t('followUps.notes')}
          hint={t('followUps.notesHint')}
          value={notes}
          onChange={setNotes}
        />
        <TextArea
          name="observedChange"
          label={t('followUps.observed')}
          value={observed}
          onChange={setObserved}
        />
        <TextArea
          name="obstacles"
          label={t('followUps.obstacles')}
          value={obstacles}
          onChange={setObstacles}
        />
      </Form>
    </section>
  );
}
