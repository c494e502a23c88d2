import { INCIDENT_TYPES } from '@trellis/contracts';
import { useState } from 'react';
import type { EngagementView, IncidentView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import {
  DateTimeField,
  Form,
  instantOf,
  integerOf,
  localInputOf,
  SelectField,
  TextArea,
  useSubmit,
} from '../../ui/form';
import { Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { DefenderFrame } from './defender-frame';

/** Incident reporting and the organisation's incident register. */
export function DefenderIncidentsPage() {
  const { t } = useI18n();
  return (
    <DefenderFrame title={t('defender.incidentsTitle')}>
      {({ engagement }) => <Incidents engagement={engagement} />}
    </DefenderFrame>
  );
}

function Incidents({ engagement }: { engagement: EngagementView }) {
  const { t, label, dateTime } = useI18n();
  const { api } = useSession();
  const incidents = useResource(
    (signal) => api.incidents(engagement.id, signal),
    [api, engagement.id],
  );
  return (
    <>
      <ReportIncidentForm
        engagement={engagement}
        onSaved={(incident) => incidents.setData([incident, ...(incidents.data ?? [])])}
      />
      <h2>{t('incidents.register')}</h2>
      <Loaded
        resource={incidents}
        what={t('incidents.register')}
        isEmpty={(list) => list.length === 0}
        empty={t('incidents.none')}
      >
        {(list) => (
          <ul className="cards" data-testid="incidents">
            {list.map((i) => (
              <li key={i.id} className="card">
                <time dateTime={i.occurredAt}>{dateTime(i.occurredAt)}</time>
                <strong>{label('incidentType', i.incidentType)}</strong>
                <span>
                  {t('incidents.severityOf', { severity: i.severity })}
                  {i.serious && (
                    <>
                      {' '}
                      <span className="badge alert">{t('incidents.serious')}</span>
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Loaded>
    </>
  );
}

function ReportIncidentForm({
  engagement,
  onSaved,
}: {
  engagement: EngagementView;
  onSaved: (incident: IncidentView) => void;
}) {
  const { t, label } = useI18n();
  const { api } = useSession();
  const [occurredAt, setOccurredAt] = useState(localInputOf(new Date()));
  const [incidentType, setIncidentType] = useState<string>(INCIDENT_TYPES[0]);
  const [severity, setSeverity] = useState('3');
  const [narrative, setNarrative] = useState('');
  const submission = useSubmit(async () => {
    onSaved(
      await api.reportIncident({
        engagementId: engagement.id,
        organisationId: engagement.organisationId,
        unitId: engagement.unitId,
        occurredAt: instantOf(occurredAt) ?? '',
        incidentType,
        severity: integerOf(severity) ?? 0,
        narrative,
        linkedThreatIds: [],
      }),
    );
    setNarrative('');
  });
  return (
    <section className="panel" aria-labelledby="report-incident">
      <h2 id="report-incident">{t('incidents.report')}</h2>
      <p className="hint">{t('incidents.reportHint')}</p>
      <Form
        submission={submission}
        label={t('incidents.report')}
        submitLabel={t('incidents.submit')}
        doneMessage={t('incidents.saved')}
        testId="incident-form"
      >
        <DateTimeField
          name="occurredAt"
          label={t('incidents.occurredAt')}
          value={occurredAt}
          onChange={setOccurredAt}
          required
        />
        <SelectField
          name="incidentType"
          label={t('incidents.type')}
          value={incidentType}
          onChange={setIncidentType}
          options={INCIDENT_TYPES.map((x) => ({ value: x, label: label('incidentType', x) }))}
        />
        <SelectField
          name="severity"
          label={t('incidents.severity')}
          hint={t('incidents.severityHint')}
          value={severity}
          onChange={setSeverity}
          options={['1', '2', '3', '4', '5'].map((n) => ({ value: n, label: n }))}
        />
        <TextArea
          name="narrative"
          label={t('incidents.narrative')}
          hint={t('incidents.narrativeHint')}
          value={narrative}
          onChange={setNarrative}
          rows={5}
          required
        />
      </Form>
    </section>
  );
}
