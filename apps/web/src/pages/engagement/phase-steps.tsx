import type { Phase } from '@trellis/contracts';
import { useI18n } from '../../i18n/i18n';

/** The phases an engagement goes through in order (paused and terminated are states aside). */
export const PHASE_ORDER: readonly Phase[] = [
  'agreement',
  'implementation',
  'follow-up',
  'knowledge-transfer',
  'autonomous',
];

/** The phases as steps: done, current (`aria-current="step"`), to come. */
export function PhaseSteps({ phase }: { phase: Phase }) {
  const { t, label } = useI18n();
  const current = PHASE_ORDER.indexOf(phase);
  return (
    <div className="phases">
      <ol className="phase-steps" aria-label={t('engagement.phases')} data-testid="phase-steps">
        {PHASE_ORDER.map((p, i) => (
          <li
            key={p}
            className={i < current ? 'done' : i === current ? 'current' : 'todo'}
            aria-current={i === current ? 'step' : undefined}
          >
            {label('phase', p)}
          </li>
        ))}
      </ol>
      {current < 0 && <span className={`badge phase-${phase}`}>{label('phase', phase)}</span>}
    </div>
  );
}
