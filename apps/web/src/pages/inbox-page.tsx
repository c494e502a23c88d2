import { Link } from 'react-router-dom';
import type { NotificationView } from '../api/types';
import { useSession } from '../auth/session';
import { useI18n } from '../i18n/i18n';
import { Form, useSubmit } from '../ui/form';
import { PageTitle } from '../ui/layout';
import { Loaded } from '../ui/states';
import { useResource } from '../ui/use-resource';

/** The person's reminders and escalations (newest first), each linking to its engagement. */
export function InboxPage() {
  const { t, label, dateTime } = useI18n();
  const { api, hasRole } = useSession();
  const inbox = useResource((signal) => api.inbox(signal), [api]);
  const engagementPath = (id: string) =>
    hasRole('program-manager', 'admin') ? `/engagements/${id}` : `/work/engagements/${id}`;
  return (
    <>
      <PageTitle>{t('inbox.title')}</PageTitle>
      <Loaded
        resource={inbox}
        what={t('inbox.title')}
        isEmpty={(list) => list.length === 0}
        empty={t('inbox.empty')}
      >
        {(list) => (
          <ul className="cards inbox" data-testid="inbox">
            {list.map((n) => (
              <li
                key={n.id}
                className={`card notification kind-${n.kind}${n.read ? '' : ' unread'}`}
              >
                <strong>
                  {label('notification', n.kind)}
                  {n.stage && ` (${label('stage', n.stage)})`}
                </strong>
                {!n.read && <span className="badge alert">{t('inbox.unread')}</span>}
                <span>
                  {n.obligationKind ? label('obligation', n.obligationKind) : '—'}
                  {n.dueAt && ` · ${t('inbox.due', { date: dateTime(n.dueAt) })}`}
                </span>
                <span className="muted">
                  {t('inbox.received', { date: dateTime(n.createdAt) })}
                </span>
                <Link to={engagementPath(n.engagementId)}>{t('inbox.open')}</Link>
                {!n.read && (
                  <MarkRead
                    notification={n}
                    onSaved={(saved) =>
                      inbox.setData(list.map((x) => (x.id === saved.id ? saved : x)))
                    }
                  />
                )}
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </>
  );
}

function MarkRead({
  notification,
  onSaved,
}: {
  notification: NotificationView;
  onSaved: (n: NotificationView) => void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const submission = useSubmit(async () => {
    const saved = await api.markRead(notification.id);
    onSaved(saved ?? { ...notification, read: true });
  });
  return (
    <Form submission={submission} label={t('inbox.markRead')} submitLabel={t('inbox.markRead')}>
      {null}
    </Form>
  );
}
