import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { SessionProvider, useSession } from './auth/session';
import { I18nProvider } from './i18n/i18n';
import { AnalystReportsPage } from './pages/analyst/reports-page';
import { DefenderAgreementPage } from './pages/defender/agreement-page';
import { DefenderIncidentsPage } from './pages/defender/incidents-page';
import { DefenderOverviewPage } from './pages/defender/overview-page';
import { DefenderPlanPage } from './pages/defender/plan-page';
import { DefenderSessionsPage } from './pages/defender/sessions-page';
import { InboxPage } from './pages/inbox-page';
import { LoginPage } from './pages/login-page';
import { EngagementPage } from './pages/manager/engagement-page';
import { PortfolioPage } from './pages/manager/portfolio-page';
import { NotFoundPage } from './pages/not-found-page';
import { OfficerEngagementPage } from './pages/officer/officer-engagement-page';
import { OfficerWorkPage } from './pages/officer/work-page';
import { homeOf, RequireRole } from './ui/layout';
import { Loading } from './ui/states';

function Home() {
  const { status, user } = useSession();
  if (status === 'restoring') return <Loading />;
  if (status === 'leaving') return null;
  if (status !== 'signed-in' || !user) return <Navigate to="/login" replace />;
  return <Navigate to={homeOf(user.roles)} replace />;
}

function AppRoutes() {
  const { status } = useSession();
  // Quick exit: nothing is rendered while the page is being replaced.
  if (status === 'leaving') return null;
  return (
    <Routes>
      <Route path="/" element={<Home />} />
      <Route path="/login" element={<LoginPage />} />
      <Route
        path="/portfolio"
        element={
          <RequireRole roles={['program-manager', 'admin']}>
            <PortfolioPage />
          </RequireRole>
        }
      />
      <Route
        path="/engagements/:engagementId"
        element={
          <RequireRole roles={['program-manager', 'admin']}>
            <EngagementPage />
          </RequireRole>
        }
      />
      <Route
        path="/work"
        element={
          <RequireRole roles={['protection-officer']}>
            <OfficerWorkPage />
          </RequireRole>
        }
      />
      <Route
        path="/work/engagements/:engagementId"
        element={
          <RequireRole roles={['protection-officer', 'program-manager', 'admin']}>
            <OfficerEngagementPage />
          </RequireRole>
        }
      />
      <Route
        path="/inbox"
        element={
          <RequireRole roles={['program-manager', 'protection-officer', 'admin', 'defender']}>
            <InboxPage />
          </RequireRole>
        }
      />
      <Route
        path="/organisation"
        element={
          <RequireRole roles={['defender']}>
            <DefenderOverviewPage />
          </RequireRole>
        }
      />
      <Route
        path="/organisation/agreement"
        element={
          <RequireRole roles={['defender']}>
            <DefenderAgreementPage />
          </RequireRole>
        }
      />
      <Route
        path="/organisation/plan"
        element={
          <RequireRole roles={['defender']}>
            <DefenderPlanPage />
          </RequireRole>
        }
      />
      <Route
        path="/organisation/sessions"
        element={
          <RequireRole roles={['defender']}>
            <DefenderSessionsPage />
          </RequireRole>
        }
      />
      <Route
        path="/organisation/incidents"
        element={
          <RequireRole roles={['defender']}>
            <DefenderIncidentsPage />
          </RequireRole>
        }
      />
      <Route
        path="/reports"
        element={
          <RequireRole roles={['analyst']}>
            <AnalystReportsPage />
          </RequireRole>
        }
      />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}

/** The web application: language, session, routes. */
export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </SessionProvider>
    </I18nProvider>
  );
}
