import { useI18n } from '../../i18n/i18n';
import { PlanPanel } from '../engagement/plan-panel';
import { DefenderFrame } from './defender-frame';

/** The organisation's security plan: progress, the items each of its roles owns, adoption. */
export function DefenderPlanPage() {
  const { t } = useI18n();
  return (
    <DefenderFrame title={t('defender.planTitle')}>
      {({ engagement }) => <PlanPanel engagementId={engagement.id} canMove canAdopt ownerFilter />}
    </DefenderFrame>
  );
}
