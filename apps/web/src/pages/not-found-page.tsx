import { Link } from 'react-router-dom';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { Layout, PageTitle, PublicLayout } from '../ui/layout';

/** An address the application does not know. */
export function NotFoundPage() {
  const { t } = useI18n();
  const { status } = useSession();
  const content = (
    <section data-testid="not-found">
      <PageTitle>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <Link to="/">{t('state.backHome')}</Link>
    </section>
  );
  return status === 'signed-in' ? (
    <Layout>{content}</Layout>
  ) : (
    <PublicLayout>{content}</PublicLayout>
  );
}
