import {
  AUTONOMY_MILESTONES,
  SECURITY_WHEEL_SPOKES,
  type MilestoneId,
  type SpokeId,
} from '@trellis/contracts';
import { useState } from 'react';
import type { AutonomyReviewView, CascadeView, EngagementView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  DateTimeField,
  Form,
  instantOf,
  integerOf,
  localInputOf,
  SelectField,
  TextArea,
  useSubmit,
} from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

type DraftStatus = 'not-started' | 'in-progress' | 'claimed';

/** Autonomy reviews: open a draft (maturity and milestone claims), verify claims, record it. */
export function AutonomyForms({ engagement }: { engagement: EngagementView }) {
  const { t, label, date } = useI18n();
  const { api } = useSession();
  const reviews = useResource(
    (signal) => api.autonomyReviews(engagement.id, signal),
    [api, engagement.id],
  );
  return (
    <Loaded resource={reviews} what={t('autonomy.title')}>
      {(list) => {
        const draft = list.find((r) => r.state === 'draft');
        const replace = (review: AutonomyReviewView) =>
          reviews.setData(list.map((r) => (r.id === review.id ? review : r)));
        return (
          <>
            {list.length === 0 ? (
              <Empty>{t('autonomy.noReviews')}</Empty>
            ) : (
              <ul className="cards">
                {list.map((r) => (
                  <li key={r.id} className="card">
                    <time dateTime={r.reviewedAt}>{date(r.reviewedAt)}</time>
                    <span className={`badge status-${r.state}`}>
                      {label('reviewState', r.state)}
                    </span>
                    {r.level !== undefined && (
                      <span>{label('autonomyLevel', String(r.level))}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
            {draft ? (
              <DraftReview review={draft} onSaved={replace} />
            ) : (
              <OpenReviewForm
                engagement={engagement}
                onSaved={(r) => reviews.setData([r, ...list])}
              />
            )}
          </>
        );
      }}
    </Loaded>
  );
}

function OpenReviewForm({
  engagement,
  onSaved,
}: {
  engagement: EngagementView;
  onSaved: (r: AutonomyReviewView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [reviewedAt, setReviewedAt] = useState(localInputOf(new Date()));
  const [maturity, setMaturity] = useState<Record<SpokeId, string>>(
    () => Object.fromEntries(SECURITY_WHEEL_SPOKES.map((s) => [s, '2'])) as Record<SpokeId, string>,
  );
  const [statuses, setStatuses] = useState<Record<MilestoneId, DraftStatus>>(
    () =>
      Object.fromEntries(AUTONOMY_MILESTONES.map((m) => [m, 'not-started'])) as Record<
        MilestoneId,
        DraftStatus
      >,
  );
  const [evidence, setEvidence] = useState<Partial<Record<MilestoneId, string>>>({});
  const submission = useSubmit(async () => {
    onSaved(
      await api.openAutonomyReview(engagement.id, {
        reviewedAt: instantOf(reviewedAt) ?? '',
        spokeMaturity: Object.fromEntries(
          SECURITY_WHEEL_SPOKES.map((s) => [s, integerOf(maturity[s]) ?? -1]),
        ),
        milestones: AUTONOMY_MILESTONES.map((m) => ({
          milestoneId: m,
          status: statuses[m],
          ...(statuses[m] === 'claimed' ? { evidence: { description: evidence[m] ?? '' } } : {}),
        })),
      }),
    );
  });
  return (
    <section className="panel" aria-labelledby="open-review">
      <h3 id="open-review">{t('autonomy.open')}</h3>
      <Form
        submission={submission}
        label={t('autonomy.open')}
        submitLabel={t('autonomy.openSubmit')}
        testId="review-form"
      >
        <DateTimeField
          name="reviewedAt"
          label={t('autonomy.reviewedAt')}
          value={reviewedAt}
          onChange={setReviewedAt}
          required
        />
        <fieldset className="fieldset-grid">
          <legend>{t('autonomy.maturity')}</legend>
          {SECURITY_WHEEL_SPOKES.map((s) => (
            <SelectField
              key={s}
              name={`spokeMaturity.${s}`}
              label={label('spoke', s)}
              value={maturity[s]}
              onChange={(v) => setMaturity((c) => ({ ...c, [s]: v }))}
              options={['0', '1', '2', '3', '4'].map((n) => ({
                value: n,
                label: label('maturity', n),
              }))}
            />
          ))}
        </fieldset>
        <fieldset>
          <legend>{t('autonomy.milestones')}</legend>
          {AUTONOMY_MILESTONES.map((m, i) => (
            <div key={m} className="milestone-input">
              <SelectField
                name={`milestones.${i}.status`}
                label={label('milestone', m)}
                value={statuses[m]}
                onChange={(v) => setStatuses((c) => ({ ...c, [m]: v as DraftStatus }))}
                options={(['not-started', 'in-progress', 'claimed'] as const).map((s) => ({
                  value: s,
                  label: label('milestoneStatus', s),
                }))}
              />
              {statuses[m] === 'claimed' && (
                <TextArea
                  name={`milestones.${i}.evidence.description`}
                  label={t('autonomy.evidence')}
                  value={evidence[m] ?? ''}
                  onChange={(v) => setEvidence((c) => ({ ...c, [m]: v }))}
                  required
                />
              )}
            </div>
          ))}
        </fieldset>
      </Form>
    </section>
  );
}

function DraftReview({
  review,
  onSaved,
}: {
  review: AutonomyReviewView;
  onSaved: (r: AutonomyReviewView) => void;
}) {
  const { t, label } = useI18n();
  const { api, user } = useSession();
  const record = useSubmit(async () => {
    onSaved(await api.recordAutonomyReview(review.id, review.version));
  });
  const claimed = review.milestones.filter((m) => m.status === 'claimed');
  return (
    <section className="panel" aria-labelledby="draft-review">
      <h3 id="draft-review">{t('autonomy.draft')}</h3>
      {claimed.length === 0 ? (
        <p className="muted">{t('autonomy.noClaims')}</p>
      ) : (
        <ul className="cards">
          {claimed.map((m) => (
            <li key={m.milestoneId} className="card">
              <span>{label('milestone', m.milestoneId)}</span>
              {m.claimedBy === user?.id ? (
                <span className="muted">{t('autonomy.yourClaim')}</span>
              ) : (
                <VerifyMilestone review={review} milestoneId={m.milestoneId} onSaved={onSaved} />
              )}
            </li>
          ))}
        </ul>
      )}
      <Form
        submission={record}
        label={t('autonomy.record')}
        submitLabel={t('autonomy.record')}
        testId="record-review-form"
      >
        <p className="hint">{t('autonomy.recordHint')}</p>
      </Form>
    </section>
  );
}

function VerifyMilestone({
  review,
  milestoneId,
  onSaved,
}: {
  review: AutonomyReviewView;
  milestoneId: string;
  onSaved: (r: AutonomyReviewView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const submission = useSubmit(async () => {
    onSaved(await api.verifyMilestone(review.id, milestoneId, review.version));
  });
  return (
    <Form
      submission={submission}
      label={t('autonomy.verify', { milestone: label('milestone', milestoneId) })}
      submitLabel={t('autonomy.verifySubmit')}
    >
      {null}
    </Form>
  );
}

/** Cascade trainings the organisation recorded, to verify. */
export function CascadeVerifications({ engagement }: { engagement: EngagementView }) {
  const { t, label, date } = useI18n();
  const { api } = useSession();
  const cascades = useResource(
    (signal) => api.cascades(engagement.id, signal),
    [api, engagement.id],
  );
  return (
    <Loaded
      resource={cascades}
      what={t('cascades.title')}
      isEmpty={(l) => l.length === 0}
      empty={t('cascades.none')}
    >
      {(list) => (
        <ul className="cards" data-testid="cascades">
          {list.map((c) => (
            <li key={c.id} className="card">
              <time dateTime={c.deliveredAt}>{date(c.deliveredAt)}</time>
              <span>
                {label('audience', c.audienceType)} · {t('cascades.reach', { count: c.reachCount })}{' '}
                · {t('cascades.generation', { generation: c.generation })}
              </span>
              <span className={`badge status-${c.status}`}>{label('cascadeStatus', c.status)}</span>
              {c.status === 'recorded' && (
                <VerifyCascade
                  cascade={c}
                  onSaved={(saved) =>
                    cascades.setData(list.map((x) => (x.id === saved.id ? saved : x)))
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </Loaded>
  );
}

function VerifyCascade({
  cascade,
  onSaved,
}: {
  cascade: CascadeView;
  onSaved: (c: CascadeView) => void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const submission = useSubmit(async () => {
    onSaved(await api.verifyCascade(cascade.id, cascade.version));
  });
  return (
    <Form
      submission={submission}
      label={t('cascades.verify')}
      submitLabel={t('cascades.verify')}
      testId="verify-cascade-form"
    >
      {null}
    </Form>
  );
}
