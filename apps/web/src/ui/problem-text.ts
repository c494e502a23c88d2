import type { ApiProblem } from '../api/problem';
import type { MessageKey } from '../i18n/messages.en';
import type { MessageParams } from '../i18n/translate';

type Translate = (key: MessageKey, params?: MessageParams) => string;

/** Codes with a message of their own (the rest are described by their kind). */
const CODE_MESSAGES: Readonly<Record<string, MessageKey>> = {
  VERSION_CONFLICT: 'problem.versionConflict',
  STEP_OUT_OF_ORDER: 'problem.stepOutOfOrder',
  INVALID_STATE_TRANSITION: 'problem.invalidState',
  SELF_VERIFICATION: 'problem.selfVerification',
  ACCOUNT_LOCKED: 'problem.accountLocked',
  RATE_LIMITED: 'problem.rateLimited',
  DATE_IN_THE_PAST: 'problem.dateInThePast',
};

/**
 * The sentence shown for a refused request, in the person's language. The server's own message
 * (English) follows for codes the interface has no words for, so nothing is hidden.
 */
export function problemMessage(t: Translate, problem: ApiProblem): string {
  const own = CODE_MESSAGES[problem.code];
  if (own) return t(own);
  switch (problem.kind) {
    case 'validation':
      return problem.fields.length > 0
        ? t('problem.validation')
        : `${t('problem.validation')} ${problem.message}`;
    case 'unauthenticated':
      return t('problem.unauthenticated');
    case 'refused':
    case 'not-found':
      return t('problem.refused');
    case 'conflict':
      return `${t('problem.conflict')} ${problem.message}`;
    case 'rate-limited':
      return t('problem.rateLimited');
    case 'unavailable':
      return t('problem.unavailable');
    case 'network':
      return t('problem.network');
    default:
      return t('problem.unexpected', { id: problem.correlationId ?? '—' });
  }
}
