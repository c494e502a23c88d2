import {
  THREAT_SOURCE_ACTOR_TYPES,
  THREAT_TYPES,
  VULNERABILITY_CATEGORIES,
} from '@trellis/contracts';
import { useState } from 'react';
import type { EngagementView, ThreatStep, ThreatView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { CheckboxField, Form, integerOf, SelectField, TextArea, useSubmit } from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** The New Protection Manual's five steps, in the order they must be recorded. */
export const THREAT_STEPS: readonly ThreatStep[] = [
  'facts',
  'pattern',
  'objective',
  'author',
  'conclusion',
];

/** The step to record next (the first not recorded), or undefined when all five are. */
export function nextThreatStep(threat: Pick<ThreatView, 'steps'>): ThreatStep | undefined {
  return THREAT_STEPS.find((step) => threat.steps[step] === undefined);
}

const RATINGS = ['1', '2', '3', '4', '5'];

/**
 * Threats of an engagement: record a new one, take it through the five steps in order (only
 * the next step can be filled in), add vulnerabilities and capacities, assess the risk.
 */
export function ThreatForms({ engagement }: { engagement: EngagementView }) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const threats = useResource((signal) => api.threats(engagement.id, signal), [api, engagement.id]);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  return (
    <Loaded resource={threats} what={t('threats.title')}>
      {(list) => {
        const current = list.find((x) => x.id === selected) ?? list.find((x) => !x.concluded);
        const replace = (threat: ThreatView) => {
          threats.setData(list.map((x) => (x.id === threat.id ? threat : x)));
        };
        return (
          <>
            {list.length === 0 ? (
              <Empty>{t('threats.none')}</Empty>
            ) : (
              <SelectField
                name="threat"
                label={t('threats.choose')}
                value={current?.id ?? ''}
                onChange={setSelected}
                options={list.map((x) => ({
                  value: x.id,
                  label: `${label('threatType', x.threatType)} — ${
                    x.concluded
                      ? t('threats.concluded')
                      : t('threats.stepOf', { done: Object.keys(x.steps).length })
                  }`,
                }))}
              />
            )}
            {current && <ThreatSteps key={current.id} threat={current} onSaved={replace} />}
            {current && <FactorForm key={`f-${current.id}`} threat={current} onSaved={replace} />}
            <NewThreatForm
              engagement={engagement}
              onSaved={(threat) => {
                threats.setData([...list, threat]);
                setSelected(threat.id);
              }}
            />
            <AssessRiskForm
              engagement={engagement}
              concluded={list.filter((x) => x.concluded).length}
            />
          </>
        );
      }}
    </Loaded>
  );
}

function NewThreatForm({
  engagement,
  onSaved,
}: {
  engagement: EngagementView;
  onSaved: (threat: ThreatView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [threatType, setThreatType] = useState<string>(THREAT_TYPES[0]);
  const [likelihood, setLikelihood] = useState('3');
  const [impact, setImpact] = useState('3');
  const submission = useSubmit(async () => {
    onSaved(
      await api.createThreat({
        engagementId: engagement.id,
        organisationId: engagement.organisationId,
        unitId: engagement.unitId,
        threatType,
        likelihood: integerOf(likelihood) ?? 0,
        impact: integerOf(impact) ?? 0,
      }),
    );
  });
  return (
    <section className="panel" aria-labelledby="new-threat">
      <h3 id="new-threat">{t('threats.new')}</h3>
      <Form
        submission={submission}
        label={t('threats.new')}
        submitLabel={t('threats.create')}
        testId="new-threat-form"
      >
        <SelectField
          name="threatType"
          label={t('threats.type')}
          value={threatType}
          onChange={setThreatType}
          options={THREAT_TYPES.map((x) => ({ value: x, label: label('threatType', x) }))}
        />
        <SelectField
          name="likelihood"
          label={t('risk.likelihood')}
          value={likelihood}
          onChange={setLikelihood}
          options={RATINGS.map((r) => ({ value: r, label: r }))}
        />
        <SelectField
          name="impact"
          label={t('risk.impact')}
          value={impact}
          onChange={setImpact}
          options={RATINGS.map((r) => ({ value: r, label: r }))}
        />
      </Form>
    </section>
  );
}

/** The five steps: recorded ones read-only, the next one as a form, later ones waiting. */
function ThreatSteps({
  threat,
  onSaved,
}: {
  threat: ThreatView;
  onSaved: (t: ThreatView) => void;
}) {
  const { t, label } = useI18n();
  const next = nextThreatStep(threat);
  return (
    <section className="panel" aria-labelledby={`steps-${threat.id}`}>
      <h3 id={`steps-${threat.id}`}>
        {t('threats.steps', { type: label('threatType', threat.threatType) })}
      </h3>
      <ol className="steps" data-testid="threat-steps">
        {THREAT_STEPS.map((step, i) => {
          const recorded = threat.steps[step];
          const state = recorded ? 'done' : step === next ? 'current' : 'todo';
          return (
            <li
              key={step}
              className={`step step-${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <h4>
                {i + 1}. {label('threatStep', step)}{' '}
                <span className="muted">({t(`threats.state.${state}`)})</span>
              </h4>
              {recorded && <p className="step-text">{recorded.narrative}</p>}
              {step === next && <StepForm threat={threat} step={step} onSaved={onSaved} />}
            </li>
          );
        })}
      </ol>
      {!next && (
        <p className="notice" role="status">
          {t('threats.allDone', {
            score: threat.risk.score,
            level: label('riskLevel', threat.risk.level),
          })}
        </p>
      )}
    </section>
  );
}

function StepForm({
  threat,
  step,
  onSaved,
}: {
  threat: ThreatView;
  step: ThreatStep;
  onSaved: (t: ThreatView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [narrative, setNarrative] = useState('');
  const [isPattern, setIsPattern] = useState(false);
  const [actor, setActor] = useState<string>(THREAT_SOURCE_ACTOR_TYPES[0]);
  const [canBeCarriedOut, setCanBeCarriedOut] = useState(false);
  const submission = useSubmit(async () => {
    onSaved(
      await api.recordThreatStep(threat.id, step, {
        version: threat.version,
        narrative,
        ...(step === 'pattern' ? { isPattern, incidentIds: [] } : {}),
        ...(step === 'author' ? { sourceActorType: actor } : {}),
        ...(step === 'conclusion' ? { canBeCarriedOut } : {}),
      }),
    );
  });
  return (
    <Form
      submission={submission}
      label={label('threatStep', step)}
      submitLabel={t('threats.recordStep')}
      testId={`step-form-${step}`}
    >
      <TextArea
        name="narrative"
        label={t(`threats.question.${step}`)}
        hint={t('threats.narrativeHint')}
        value={narrative}
        onChange={setNarrative}
        required
      />
      {step === 'pattern' && (
        <CheckboxField
          name="isPattern"
          label={t('threats.isPattern')}
          checked={isPattern}
          onChange={setIsPattern}
        />
      )}
      {step === 'author' && (
        <SelectField
          name="sourceActorType"
          label={t('threats.actor')}
          value={actor}
          onChange={setActor}
          options={THREAT_SOURCE_ACTOR_TYPES.map((a) => ({ value: a, label: label('actor', a) }))}
        />
      )}
      {step === 'conclusion' && (
        <CheckboxField
          name="canBeCarriedOut"
          label={t('threats.canBeCarriedOut')}
          checked={canBeCarriedOut}
          onChange={setCanBeCarriedOut}
        />
      )}
    </Form>
  );
}

function FactorForm({ threat, onSaved }: { threat: ThreatView; onSaved: (t: ThreatView) => void }) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [kind, setKind] = useState<'vulnerabilities' | 'capacities'>('vulnerabilities');
  const [category, setCategory] = useState<string>(VULNERABILITY_CATEGORIES[0]);
  const [description, setDescription] = useState('');
  const [rating, setRating] = useState('3');
  const submission = useSubmit(async () => {
    onSaved(
      await api.addThreatFactor(threat.id, kind, {
        version: threat.version,
        category,
        description,
        rating: integerOf(rating) ?? 0,
      }),
    );
    setDescription('');
  });
  return (
    <section className="panel" aria-labelledby={`factor-${threat.id}`}>
      <h3 id={`factor-${threat.id}`}>{t('threats.factors')}</h3>
      <p className="muted">
        {t('threats.factorCount', {
          vulnerabilities: threat.vulnerabilities.length,
          capacities: threat.capacities.length,
        })}
      </p>
      <Form
        submission={submission}
        label={t('threats.factors')}
        submitLabel={t('threats.addFactor')}
        doneMessage={t('form.saved')}
      >
        <SelectField
          name="kind"
          label={t('threats.factorKind')}
          value={kind}
          onChange={(v) => setKind(v as 'vulnerabilities' | 'capacities')}
          options={[
            { value: 'vulnerabilities', label: t('threats.vulnerability') },
            { value: 'capacities', label: t('threats.capacity') },
          ]}
        />
        <SelectField
          name="category"
          label={t('threats.category')}
          value={category}
          onChange={setCategory}
          options={VULNERABILITY_CATEGORIES.map((c) => ({ value: c, label: label('category', c) }))}
        />
        <TextArea
          name="description"
          label={t('threats.description')}
          value={description}
          onChange={setDescription}
          required
        />
        <SelectField
          name="rating"
          label={t('threats.rating')}
          value={rating}
          onChange={setRating}
          options={RATINGS.map((r) => ({ value: r, label: r }))}
        />
      </Form>
    </section>
  );
}

function AssessRiskForm({
  engagement,
  concluded,
}: {
  engagement: EngagementView;
  concluded: number;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [trigger, setTrigger] = useState('update');
  const submission = useSubmit(async () => {
    await api.assessRisk({ engagementId: engagement.id, trigger, triggeringIncidentIds: [] });
  });
  return (
    <section className="panel" aria-labelledby="assess-risk">
      <h3 id="assess-risk">{t('threats.assess')}</h3>
      <p className="muted">{t('threats.assessHint', { count: concluded })}</p>
      <Form
        submission={submission}
        label={t('threats.assess')}
        submitLabel={t('threats.assessSubmit')}
        doneMessage={t('threats.assessed')}
      >
        <SelectField
          name="trigger"
          label={t('threats.trigger')}
          value={trigger}
          onChange={setTrigger}
          options={['initial', 'periodic', 'update'].map((x) => ({
            value: x,
            label: label('trigger', x),
          }))}
        />
      </Form>
    </section>
  );
}
