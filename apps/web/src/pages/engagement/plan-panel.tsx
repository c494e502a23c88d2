import { useState } from 'react';
import type { PlanItem, PlanItemStatus, SecurityPlanView } from '../../api/types';
import { useSession } from '../../auth/session';
import { StackedBar } from '../../charts/charts';
import { useI18n } from '../../i18n/i18n';
import { Form, SelectField, useSubmit } from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';

/** The next status of a plan item (forward only), if any. */
export function nextStatus(status: PlanItemStatus): PlanItemStatus | undefined {
  return status === 'planned'
    ? 'in-progress'
    : status === 'in-progress'
      ? 'implemented'
      : undefined;
}

/** Items per status, in the order planned → in progress → implemented. */
export function statusCounts(items: readonly PlanItem[]): Record<PlanItemStatus, number> {
  const counts: Record<PlanItemStatus, number> = { planned: 0, 'in-progress': 0, implemented: 0 };
  for (const item of items) counts[item.status] += 1;
  return counts;
}

/**
 * The security plan's progress (items by status) and its items. `canMove` lets the person move
 * items forward; `canAdopt` lets a defender organisation's leadership adopt the current version.
 */
export function PlanPanel({
  engagementId,
  canMove = false,
  canAdopt = false,
  ownerFilter = false,
}: {
  engagementId: string;
  canMove?: boolean;
  canAdopt?: boolean;
  ownerFilter?: boolean;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const plans = useResource(
    (signal) => api.securityPlans(engagementId, signal),
    [api, engagementId],
  );
  return (
    <Loaded
      resource={plans}
      what={t('plan.title')}
      isEmpty={(list) => list.length === 0}
      empty={t('plan.none')}
    >
      {(list) =>
        list[0] && (
          <PlanView
            plan={list[0]}
            canMove={canMove}
            canAdopt={canAdopt}
            ownerFilter={ownerFilter}
            onChange={(plan) => plans.setData([plan])}
          />
        )
      }
    </Loaded>
  );
}

function PlanView({
  plan,
  canMove,
  canAdopt,
  ownerFilter,
  onChange,
}: {
  plan: SecurityPlanView;
  canMove: boolean;
  canAdopt: boolean;
  ownerFilter: boolean;
  onChange: (plan: SecurityPlanView) => void;
}) {
  const { t, label, date } = useI18n();
  const { api } = useSession();
  const [owner, setOwner] = useState('');
  const [adoptedBy, setAdoptedBy] = useState('leadership');
  const items = plan.currentVersion.items;
  const counts = statusCounts(items);
  const owners = [...new Set(items.map((i) => i.ownerRole))];
  const shown = owner ? items.filter((i) => i.ownerRole === owner) : items;
  const adopt = useSubmit(async () => {
    onChange(
      await api.adoptSecurityPlan(plan.id, { version: plan.version, adoptedByRole: adoptedBy }),
    );
  });
  return (
    <div className="plan" data-testid="plan">
      <p>
        {t('plan.version', { version: plan.currentVersion.planVersion })}{' '}
        {plan.currentVersion.adopted ? (
          <span className="badge ok">
            {t('plan.adoptedOn', { date: date(plan.currentVersion.adoptedAt) })}
          </span>
        ) : (
          <span className="badge warn">{t('plan.notAdopted')}</span>
        )}
      </p>
      <StackedBar
        title={t('plan.progressTitle')}
        description={t('plan.progressDescription', {
          implemented: counts.implemented,
          total: items.length,
        })}
        valueLabel={t('plan.items')}
        segments={(['implemented', 'in-progress', 'planned'] as const).map((s) => ({
          label: label('planStatus', s),
          value: counts[s],
          tone: `status-${s}`,
        }))}
        testId="plan-progress"
      />
      {canAdopt && !plan.currentVersion.adopted && (
        <div className="callout">
          <Form
            submission={adopt}
            label={t('plan.adopt')}
            submitLabel={t('plan.adopt')}
            testId="adopt-form"
          >
            <SelectField
              name="adoptedByRole"
              label={t('plan.adoptedBy')}
              value={adoptedBy}
              onChange={setAdoptedBy}
              options={['leadership', 'board'].map((r) => ({
                value: r,
                label: label('ownerRole', r),
              }))}
            />
          </Form>
        </div>
      )}
      {ownerFilter && (
        <SelectField
          name="owner"
          label={t('plan.ownerFilter')}
          value={owner}
          onChange={setOwner}
          options={[
            { value: '', label: t('filter.all') },
            ...owners.map((o) => ({ value: o, label: label('ownerRole', o) })),
          ]}
        />
      )}
      {shown.length === 0 ? (
        <Empty>{t('plan.noItems')}</Empty>
      ) : (
        <table className="table responsive">
          <caption className="visually-hidden">{t('plan.items')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('plan.item')}</th>
              <th scope="col">{t('plan.kind')}</th>
              <th scope="col">{t('plan.owner')}</th>
              <th scope="col">{t('plan.due')}</th>
              <th scope="col">{t('plan.status')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((item) => (
              <tr key={item.id} data-testid="plan-item">
                <th scope="row" data-label={t('plan.item')}>
                  {item.title}
                </th>
                <td data-label={t('plan.kind')}>{label('planKind', item.kind)}</td>
                <td data-label={t('plan.owner')}>{label('ownerRole', item.ownerRole)}</td>
                <td data-label={t('plan.due')}>{date(item.dueDate)}</td>
                <td data-label={t('plan.status')}>
                  <span className={`badge status-${item.status}`}>
                    {label('planStatus', item.status)}
                  </span>
                  {canMove && <MoveItem plan={plan} item={item} onChange={onChange} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function MoveItem({
  plan,
  item,
  onChange,
}: {
  plan: SecurityPlanView;
  item: PlanItem;
  onChange: (plan: SecurityPlanView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const next = nextStatus(item.status);
  const move = useSubmit(async () => {
    if (!next) return;
    onChange(
      await api.setPlanItemStatus(plan.id, item.id, { version: plan.version, status: next }),
    );
  });
  if (!next) return null;
  return (
    <Form
      submission={move}
      label={t('plan.moveItem', { title: item.title })}
      submitLabel={t('plan.markAs', { status: label('planStatus', next) })}
    >
      {null}
    </Form>
  );
}
