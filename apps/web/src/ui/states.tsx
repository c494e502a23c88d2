import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { isApiProblem } from '../api/problem';
import { useI18n } from '../i18n/i18n';
import type { Resource } from './use-resource';
import { problemMessage } from './problem-text';

/** A polite "loading" announcement. */
export function Loading({ what }: { what?: string }) {
  const { t } = useI18n();
  return (
    <p className="state state-loading" role="status" aria-live="polite" data-testid="loading">
      <span className="spinner" aria-hidden="true" />
      {what ? t('state.loadingWhat', { what }) : t('state.loading')}
    </p>
  );
}

/** Nothing to show (yet). */
export function Empty({ children }: { children: ReactNode }) {
  return (
    <p className="state state-empty" data-testid="empty">
      {children}
    </p>
  );
}

/**
 * The page a person may not see: another organisation's or unit's record (the services answer
 * 404 so existence is not revealed) or a page of another role.
 */
export function Refused() {
  const { t } = useI18n();
  return (
    <section className="state state-refused" role="alert" data-testid="refused">
      <h2>{t('state.refusedTitle')}</h2>
      <p>{t('state.refusedText')}</p>
      <p>
        <Link to="/">{t('state.backHome')}</Link>
      </p>
    </section>
  );
}

/** A failed load: refused access, or the problem with a way to retry. */
export function LoadProblem({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  if (isApiProblem(error) && (error.kind === 'refused' || error.kind === 'not-found')) {
    return <Refused />;
  }
  const message = isApiProblem(error) ? problemMessage(t, error) : t('problem.network');
  return (
    <div className="state state-error" role="alert" data-testid="load-problem">
      <p>{message}</p>
      {retry && (
        <button type="button" className="button" onClick={retry}>
          {t('state.retry')}
        </button>
      )}
    </div>
  );
}

/**
 * Renders a resource: loading, its problem, empty (when `isEmpty` says so) or the content.
 */
export function Loaded<T>({
  resource,
  what,
  isEmpty,
  empty,
  children,
}: {
  resource: Resource<T>;
  what?: string;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (resource.error !== undefined) {
    return <LoadProblem error={resource.error} retry={resource.reload} />;
  }
  if (resource.data === undefined) return <Loading {...(what ? { what } : {})} />;
  if (isEmpty?.(resource.data)) return <Empty>{empty}</Empty>;
  return <>{children(resource.data)}</>;
}
