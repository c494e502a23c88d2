import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { TIMELINE_KINDS, type ProcessEvent } from '../../lib/timeline';
import { SelectField } from '../../ui/form';
import { Empty } from '../../ui/states';

/** The process timeline (newest first) with a filter by kind. */
export function TimelineList({ events }: { events: readonly ProcessEvent[] }) {
  const { t, label, dateTime } = useI18n();
  const [kind, setKind] = useState('');
  const shown = kind ? events.filter((e) => e.kind === kind) : events;
  return (
    <div className="timeline" data-testid="timeline">
      <SelectField
        name="timeline-kind"
        label={t('timeline.filter')}
        value={kind}
        onChange={setKind}
        options={[
          { value: '', label: t('filter.all') },
          ...TIMELINE_KINDS.map((k) => ({ value: k, label: label('timelineKind', k) })),
        ]}
      />
      {shown.length === 0 ? (
        <Empty>{t('timeline.empty')}</Empty>
      ) : (
        <ol className="timeline-list">
          {shown.map((event, i) => (
            <li
              key={`${event.id}-${event.what}-${i}`}
              className={`timeline-item kind-${event.kind}`}
            >
              <time dateTime={event.at}>{dateTime(event.at)}</time>
              <span className="timeline-kind">{label('timelineKind', event.kind)}</span>
              <span className="timeline-what">
                {label('timeline', event.what)}
                {event.detail && <span className="muted"> · {detailLabel(label, event)}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

/** Details that are enumeration values get their label; the rest (levels, versions) as is. */
function detailLabel(label: (group: string, value: string) => string, event: ProcessEvent): string {
  const detail = event.detail ?? '';
  switch (event.kind) {
    case 'reminder':
    case 'escalation':
      return label('obligation', detail);
    case 'follow-up':
      return label('followUpKind', detail);
    case 'risk':
      return label('riskLevel', detail);
    case 'incident':
      return label('incidentType', detail);
    case 'training':
      return label('trainingLevel', detail);
    case 'review':
      return label('autonomyLevel', detail);
    default:
      return detail;
  }
}
