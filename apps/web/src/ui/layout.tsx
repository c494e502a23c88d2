import { useEffect, useId, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, NavLink, Navigate, useLocation } from 'react-router-dom';
import { useSession, type Role } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages.en';
import { LANGUAGES, type Language } from '../i18n/translate';
import { Refused } from './states';

/** The first page of each role. */
export function homeOf(roles: readonly string[]): string {
  if (roles.includes('program-manager') || roles.includes('admin')) return '/portfolio';
  if (roles.includes('protection-officer')) return '/work';
  if (roles.includes('defender')) return '/organisation';
  if (roles.includes('analyst')) return '/reports';
  return '/login';
}

/** The navigation, by role. */
export const NAVIGATION: ReadonlyArray<{ to: string; label: MessageKey; roles: readonly Role[] }> =
  [
    { to: '/portfolio', label: 'nav.portfolio', roles: ['program-manager', 'admin'] },
    { to: '/work', label: 'nav.work', roles: ['protection-officer'] },
    { to: '/organisation', label: 'nav.organisation', roles: ['defender'] },
    { to: '/organisation/agreement', label: 'nav.agreement', roles: ['defender'] },
    { to: '/organisation/plan', label: 'nav.plan', roles: ['defender'] },
    { to: '/organisation/sessions', label: 'nav.sessions', roles: ['defender'] },
    { to: '/organisation/incidents', label: 'nav.incidents', roles: ['defender'] },
    { to: '/reports', label: 'nav.reports', roles: ['analyst'] },
    { to: '/inbox', label: 'nav.inbox', roles: ['program-manager', 'protection-officer', 'admin'] },
  ];

/** Leaves at once for a neutral page (defenders' pages; also on the sign-in page). */
export function QuickExit() {
  const { t } = useI18n();
  const { quickExit } = useSession();
  return (
    <button
      type="button"
      className="button quick-exit"
      onClick={quickExit}
      data-testid="quick-exit"
      title={t('quickExit.hint')}
    >
      {t('quickExit.label')}
    </button>
  );
}

function LanguageSelect() {
  const { t, language, setLanguage } = useI18n();
  const id = useId();
  return (
    <div className="language">
      <label htmlFor={id} className="visually-hidden">
        {t('language.label')}
      </label>
      <select
        id={id}
        value={language}
        onChange={(e) => setLanguage(e.target.value as Language)}
        data-testid="language"
      >
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {t(`language.${l}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The frame of every signed-in page: skip link, header, role-aware navigation, main. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const { user, username, hasRole, logout } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const navId = useId();
  useEffect(() => {
    setMenuOpen(false);
    // After a navigation in the app (not the first load), keyboard and screen-reader users
    // start at the new page's content.
    if (location.key !== 'default') document.getElementById('main')?.focus();
    // Only a new page moves focus: filters (search parameters) keep it where it is.
  }, [location.pathname]);
  const items = NAVIGATION.filter((item) => hasRole(...item.roles));
  const defender = hasRole('defender');
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="header">
        <div className="header-bar">
          <Link to="/" className="brand">
            Trellis
          </Link>
          {defender && <QuickExit />}
          <button
            type="button"
            className="button menu-button"
            aria-expanded={menuOpen}
            aria-controls={navId}
            onClick={() => setMenuOpen((open) => !open)}
          >
            {t('nav.menu')}
          </button>
        </div>
        <nav id={navId} className={`nav${menuOpen ? ' open' : ''}`} aria-label={t('nav.label')}>
          <ul>
            {items.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/organisation'}>
                  {t(item.label)}
                </NavLink>
              </li>
            ))}
          </ul>
          <div className="nav-tools">
            <LanguageSelect />
            {user && (
              <span className="who" data-testid="who">
                {username ?? t('nav.signedIn')}
              </span>
            )}
            <button
              type="button"
              className="button link"
              onClick={() => void logout()}
              data-testid="sign-out"
            >
              {t('nav.signOut')}
            </button>
          </div>
        </nav>
      </header>
      <main id="main" tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}

/** The frame of the pages before sign-in. */
export function PublicLayout({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="app app-public">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="header">
        <div className="header-bar">
          <span className="brand">Trellis</span>
          <QuickExit />
          <LanguageSelect />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="main">
        {children}
      </main>
    </div>
  );
}

/**
 * A page for some roles: signed-out people go to sign-in (and come back), people of another
 * role see the refused-access state.
 */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { status, hasRole } = useSession();
  const location = useLocation();
  if (status === 'restoring' || status === 'leaving') return null;
  if (status !== 'signed-in') {
    return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Layout>{hasRole(...roles) ? children : <Refused />}</Layout>;
}

/** Sets the document title (`<page> — Trellis`) and announces it to screen readers. */
export function PageTitle({ children }: { children: string }) {
  useEffect(() => {
    document.title = `${children} — Trellis`;
  }, [children]);
  return <h1 className="page-title">{children}</h1>;
}
