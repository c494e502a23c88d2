import { useI18n } from '../../i18n/i18n';
import { AgreementPanel } from '../engagement/agreement-panel';
import { DefenderFrame } from './defender-frame';

/** The organisation's agreement: every version, the terms, signing a proposed version. */
export function DefenderAgreementPage() {
  const { t } = useI18n();
  return (
    <DefenderFrame title={t('defender.agreementTitle')}>
      {({ engagement }) => (
        <AgreementPanel engagementId={engagement.id} party="defender-organisation" />
      )}
    </DefenderFrame>
  );
}
