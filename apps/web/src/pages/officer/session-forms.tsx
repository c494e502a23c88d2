import { SESSION_MODES } from '@trellis/contracts';
import { useState } from 'react';
import { optional } from '../../api/problem';
import type { EngagementView, SessionView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  CheckboxField,
  DateTimeField,
  Form,
  instantOf,
  integerOf,
  localInputOf,
  NumberField,
  SelectField,
  TextArea,
  TextField,
  textOf,
  useSubmit,
} from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** Pseudonymous participant codes typed as `P-01, P-02` (no names). */
export function participantCodes(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\s,;]+/)
        .map((c) => c.trim())
        .filter(Boolean),
    ),
  ];
}

/** Training sessions of an engagement: schedule one, record one as held. */
export function SessionForms({ engagement }: { engagement: EngagementView }) {
  const { t, label, dateTime } = useI18n();
  const { api } = useSession();
  const resource = useResource(
    async (signal) => {
      const [sessions, plan] = await Promise.all([
        api.sessions(engagement.id, signal),
        optional(api.trainingPlan(engagement.id, signal)),
      ]);
      return { sessions, plan };
    },
    [api, engagement.id],
  );
  return (
    <Loaded resource={resource} what={t('sessions.title')}>
      {({ sessions, plan }) => {
        const scheduled = sessions.filter((s) => s.status === 'scheduled');
        return (
          <>
            {sessions.length === 0 ? (
              <Empty>{t('sessions.none')}</Empty>
            ) : (
              <ul className="cards" data-testid="sessions">
                {sessions.map((s) => (
                  <li key={s.id} className="card">
                    <time dateTime={s.startsAt}>{dateTime(s.startsAt)}</time>
                    <span className={`badge status-${s.status}`}>
                      {label('sessionStatus', s.status)}
                    </span>
                    <span className="muted">
                      {label('trainingLevel', s.level)} · {label('sessionMode', s.mode)} ·{' '}
                      {t('sessions.participants', { count: s.participants.length })}
                      {s.knowledge?.averageKnowledgeGain != null &&
                        ` · ${t('sessions.gain', { gain: s.knowledge.averageKnowledgeGain })}`}
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {scheduled.map((s) => (
              <HoldSessionForm key={s.id} session={s} onSaved={resource.reload} />
            ))}
            <ScheduleSessionForm
              engagement={engagement}
              planItems={plan?.items ?? []}
              onSaved={resource.reload}
            />
          </>
        );
      }}
    </Loaded>
  );
}

function ScheduleSessionForm({
  engagement,
  planItems,
  onSaved,
}: {
  engagement: EngagementView;
  planItems: ReadonlyArray<{ planItemId: string; moduleIds: string[]; level: string }>;
  onSaved: () => void;
}) {
  const { t, label } = useI18n();
  const { api, user } = useSession();
  const tomorrow = new Date(Date.now() + 86_400_000);
  tomorrow.setMinutes(0, 0, 0);
  const [planItemId, setPlanItemId] = useState(planItems[0]?.planItemId ?? '');
  const [mode, setMode] = useState('in-person');
  const [startsAt, setStartsAt] = useState(localInputOf(tomorrow));
  const [endsAt, setEndsAt] = useState(localInputOf(new Date(tomorrow.getTime() + 7_200_000)));
  const [codes, setCodes] = useState('');
  const submission = useSubmit(async () => {
    await api.scheduleSession({
      engagementId: engagement.id,
      ...(planItemId ? { planItemId } : {}),
      mode,
      facilitatorId: user?.id ?? '',
      startsAt: instantOf(startsAt) ?? '',
      endsAt: instantOf(endsAt) ?? '',
      participants: participantCodes(codes).map((participantId) => ({
        participantId,
        role: 'staff',
      })),
    });
    onSaved();
  });
  return (
    <section className="panel" aria-labelledby={`schedule-${engagement.id}`}>
      <h3 id={`schedule-${engagement.id}`}>{t('sessions.schedule')}</h3>
      <Form
        submission={submission}
        label={t('sessions.schedule')}
        submitLabel={t('sessions.scheduleSubmit')}
        doneMessage={t('form.saved')}
        testId="schedule-session-form"
      >
        <SelectField
          name="planItemId"
          label={t('sessions.planItem')}
          value={planItemId}
          onChange={setPlanItemId}
          options={planItems.map((i) => ({
            value: i.planItemId,
            label: `${i.planItemId}: ${i.moduleIds.join(', ')} (${label('trainingLevel', i.level)})`,
          }))}
        />
        <SelectField
          name="mode"
          label={t('sessions.mode')}
          value={mode}
          onChange={setMode}
          options={SESSION_MODES.map((m) => ({ value: m, label: label('sessionMode', m) }))}
        />
        <DateTimeField
          name="startsAt"
          label={t('sessions.startsAt')}
          value={startsAt}
          onChange={setStartsAt}
          required
        />
        <DateTimeField
          name="endsAt"
          label={t('sessions.endsAt')}
          value={endsAt}
          onChange={setEndsAt}
          required
        />
        <TextField
          name="participants"
          label={t('sessions.codes')}
          hint={t('sessions.codesHint')}
          value={codes}
          onChange={setCodes}
        />
      </Form>
    </section>
  );
}

interface AttendanceRow {
  present: boolean;
  pre: string;
  post: string;
}

function HoldSessionForm({ session, onSaved }: { session: SessionView; onSaved: () => void }) {
  const { t, dateTime } = useI18n();
  const { api } = useSession();
  const [rows, setRows] = useState<Record<string, AttendanceRow>>(() =>
    Object.fromEntries(
      session.participants.map((p) => [p.participantId, { present: true, pre: '', post: '' }]),
    ),
  );
  const [notes, setNotes] = useState('');
  const update = (id: string, change: Partial<AttendanceRow>) =>
    setRows((current) => ({ ...current, [id]: { ...current[id], ...change } }));
  const submission = useSubmit(async () => {
    await api.holdSession(session.id, {
      version: session.version,
      attendance: session.participants.map((p) => {
        const row = rows[p.participantId];
        const pre = integerOf(row.pre);
        const post = integerOf(row.post);
        return {
          participantId: p.participantId,
          present: row.present,
          ...(pre !== undefined ? { preScore: pre } : {}),
          ...(post !== undefined ? { postScore: post } : {}),
        };
      }),
      ...(textOf(notes) ? { notes } : {}),
    });
    onSaved();
  });
  const title = t('sessions.hold', { date: dateTime(session.startsAt) });
  return (
    <section className="panel" aria-label={title}>
      <h3>{title}</h3>
      <Form
        submission={submission}
        label={title}
        submitLabel={t('sessions.holdSubmit')}
        testId="hold-session-form"
      >
        {session.participants.length === 0 && (
          <p className="hint">{t('sessions.noParticipants')}</p>
        )}
        {session.participants.map((p, i) => {
          const row = rows[p.participantId];
          return (
            <fieldset key={p.participantId} className="fieldset-inline">
              <legend>{p.participantId}</legend>
              <CheckboxField
                name={`attendance.${i}.present`}
                label={t('sessions.present')}
                checked={row.present}
                onChange={(present) => update(p.participantId, { present })}
              />
              <NumberField
                name={`attendance.${i}.preScore`}
                label={t('sessions.preScore')}
                min={0}
                max={100}
                value={row.pre}
                onChange={(pre) => update(p.participantId, { pre })}
              />
              <NumberField
                name={`attendance.${i}.postScore`}
                label={t('sessions.postScore')}
                min={0}
                max={100}
                value={row.post}
                onChange={(post) => update(p.participantId, { post })}
              />
            </fieldset>
          );
        })}
        <TextArea name="notes" label={t('sessions.notes')} value={notes} onChange={setNotes} />
      </Form>
    </section>
  );
}
