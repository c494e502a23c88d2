import { SECURITY_PLAN_ITEM_KINDS } from '@trellis/contracts';
import { useState } from 'react';
import type { PlanItemInput } from '../../api/trellis-api';
import type { EngagementView, PlanItem } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  DateField,
  Form,
  SelectField,
  TextArea,
  TextField,
  textOf,
  useSubmit,
} from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { PlanPanel } from '../engagement/plan-panel';

/** The owner roles of plan items (people of the defender organisation). */
export const OWNER_ROLES = ['leadership', 'board', 'security-focal-point', 'staff', 'volunteers'];

/** A current item as it is sent back with a revision (its id keeps its status). */
export function itemInput(item: PlanItem): PlanItemInput {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    ...(item.description ? { description: item.description } : {}),
    threatIds: item.threatIds,
    vulnerabilityIds: item.vulnerabilityIds,
    capacityIds: item.capacityIds,
    catalogueRefs: item.catalogueRefs,
    ownerRole: item.ownerRole,
    dueDate: item.dueDate,
    ...(item.rehearsalCadence ? { rehearsalCadence: item.rehearsalCadence } : {}),
  };
}

/**
 * Plan items: the plan is built from the latest risk assessment with a first item, then items
 * are added (a new plan version) and moved forward.
 */
export function PlanForms({ engagement }: { engagement: EngagementView }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [generation, setGeneration] = useState(0);
  const resource = useResource(
    async (signal) => {
      const [plans, assessments] = await Promise.all([
        api.securityPlans(engagement.id, signal),
        api.riskAssessments(engagement.id, signal),
      ]);
      return { plan: plans[0], assessments };
    },
    [api, engagement.id, generation],
  );
  return (
    <>
      <PlanPanel key={generation} engagementId={engagement.id} canMove />
      <Loaded resource={resource} what={t('plan.title')}>
        {({ plan, assessments }) => {
          const assessment = plan
            ? assessments.find((a) => a.id === plan.currentVersion.riskAssessmentId)
            : assessments[0];
          if (!assessment) return <Empty>{t('plan.needsAssessment')}</Empty>;
          return (
            <ItemForm
              index={plan?.currentVersion.items.length ?? 0}
              threats={assessment.threats.map((x) => ({ id: x.threatId, type: x.threatType }))}
              onSubmit={async (item) => {
                if (plan) {
                  await api.reviseSecurityPlan(plan.id, {
                    version: plan.version,
                    items: [...plan.currentVersion.items.map(itemInput), item],
                  });
                } else {
                  await api.createSecurityPlan({ riskAssessmentId: assessment.id, items: [item] });
                }
                setGeneration((g) => g + 1);
              }}
            />
          );
        }}
      </Loaded>
    </>
  );
}

function ItemForm({
  index,
  threats,
  onSubmit,
}: {
  index: number;
  threats: ReadonlyArray<{ id: string; type: string }>;
  onSubmit: (item: PlanItemInput) => Promise<void>;
}) {
  const { t, label } = useI18n();
  const [kind, setKind] = useState<PlanItem['kind']>('measure');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [threatId, setThreatId] = useState(threats[0]?.id ?? '');
  const [ownerRole, setOwnerRole] = useState('security-focal-point');
  const [dueDate, setDueDate] = useState(
    new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
  );
  const [cadence, setCadence] = useState('P1M');
  const submission = useSubmit(() =>
    onSubmit({
      kind,
      title,
      ...(textOf(description) ? { description } : {}),
      threatIds: threatId ? [threatId] : [],
      vulnerabilityIds: [],
      capacityIds: [],
      catalogueRefs: [],
      ownerRole,
      dueDate,
      ...(kind.endsWith('protocol') ? { rehearsalCadence: cadence } : {}),
    }),
  );
  return (
    <section className="panel" aria-labelledby="add-plan-item">
      <h3 id="add-plan-item">{t('plan.addItem')}</h3>
      <Form
        submission={submission}
        label={t('plan.addItem')}
        submitLabel={t('plan.addItemSubmit')}
        doneMessage={t('form.saved')}
        testId="plan-item-form"
      >
        <SelectField
          name={`items.${index}.kind`}
          label={t('plan.kind')}
          value={kind}
          onChange={(v) => setKind(v as PlanItem['kind'])}
          options={SECURITY_PLAN_ITEM_KINDS.map((k) => ({ value: k, label: label('planKind', k) }))}
        />
        <TextField
          name={`items.${index}.title`}
          label={t('plan.itemTitle')}
          value={title}
          onChange={setTitle}
          required
        />
        <TextArea
          name={`items.${index}.description`}
          label={t('plan.description')}
          value={description}
          onChange={setDescription}
        />
        <SelectField
          name={`items.${index}.threatIds`}
          label={t('plan.threat')}
          value={threatId}
          onChange={setThreatId}
          options={threats.map((x) => ({ value: x.id, label: label('threatType', x.type) }))}
        />
        <SelectField
          name={`items.${index}.ownerRole`}
          label={t('plan.owner')}
          value={ownerRole}
          onChange={setOwnerRole}
          options={OWNER_ROLES.map((r) => ({ value: r, label: label('ownerRole', r) }))}
        />
        <DateField
          name={`items.${index}.dueDate`}
          label={t('plan.due')}
          value={dueDate}
          onChange={setDueDate}
          required
        />
        {kind.endsWith('protocol') && (
          <TextField
            name={`items.${index}.rehearsalCadence`}
            label={t('plan.rehearsal')}
            hint={t('plan.rehearsalHint')}
            value={cadence}
            onChange={setCadence}
          />
        )}
      </Form>
    </section>
  );
}
