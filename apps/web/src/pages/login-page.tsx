import { useState } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { ApiProblem } from '../api/problem';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { Form, TextField, useSubmit } from '../ui/form';
import { homeOf, PageTitle, PublicLayout } from '../ui/layout';
import { Loading } from '../ui/states';

/** Where to go after signing in: the page asked for, if it is one of ours. */
function returnPath(state: unknown): string | undefined {
  const from = (state as { from?: unknown } | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && !from.startsWith('//')
    ? from
    : undefined;
}

/** Sign-in with username and password (the gateway's `POST /api/identity/login`). */
export function LoginPage() {
  const { t } = useI18n();
  const { status, user, login, expired } = useSession();
  const location = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const submission = useSubmit(async () => {
    await login(username, password);
  });

  if (status === 'restoring') return <Loading />;
  if (status === 'signed-in' && user) {
    return <Navigate to={returnPath(location.state) ?? homeOf(user.roles)} replace />;
  }
  const credentialsRefused = (problem: ApiProblem | undefined) =>
    problem?.status === 401 ? t('login.refused') : undefined;

  return (
    <PublicLayout>
      <div className="login">
        <PageTitle>{t('login.title')}</PageTitle>
        {expired && (
          <p className="notice" role="status">
            {t('login.expired')}
          </p>
        )}
        {credentialsRefused(submission.problem) && (
          <p className="notice notice-error" role="alert" data-testid="login-refused">
            {credentialsRefused(submission.problem)}
          </p>
        )}
        <Form
          submission={{
            ...submission,
            problem: submission.problem?.status === 401 ? undefined : submission.problem,
          }}
          label={t('login.title')}
          submitLabel={t('login.submit')}
        >
          <TextField
            name="username"
            label={t('login.username')}
            value={username}
            onChange={setUsername}
            autoComplete="username"
            required
          />
          <TextField
            name="password"
            type="password"
            label={t('login.password')}
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            required
          />
        </Form>
        <p className="hint">{t('login.privacy')}</p>
      </div>
    </PublicLayout>
  );
}
