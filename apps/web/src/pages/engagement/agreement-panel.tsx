import { useState } from 'react';
import { optional } from '../../api/problem';
import type { AgreementVersionSummary, AgreementView } from '../../api/types';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n/i18n';
import { Form, SelectField, useSubmit } from '../../ui/form';
import { Empty, Loaded } from '../../ui/states';
import { useResource } from '../../ui/use-resource';
import { useCatalogueTitles } from './catalogue';

/** Which party the signed-in person may sign for, if any. */
export type SigningParty = 'protection-organisation' | 'defender-organisation' | undefined;

/** True when `party` may sign `version` now (proposed, not yet signed by that party). */
export function canSign(version: AgreementVersionSummary, party: SigningParty): boolean {
  return (
    party !== undefined &&
    version.status === 'proposed' &&
    !version.signatures.some((s) => s.party === party)
  );
}

/**
 * The agreement: every version with its status and signatures, the terms of the chosen
 * version, what changed since the version before, and signing for the person's party.
 */
export function AgreementPanel({
  engagementId,
  party,
}: {
  engagementId: string;
  party: SigningParty;
}) {
  const { t, label, dateTime } = useI18n();
  const { api } = useSession();
  const agreement = useResource(
    (signal) => optional(api.agreement(engagementId, signal)),
    [api, engagementId],
  );
  return (
    <Loaded resource={agreement} what={t('agreement.title')}>
      {(view) =>
        view === undefined ? (
          <Empty>{t('agreement.none')}</Empty>
        ) : (
          <div className="agreement" data-testid="agreement">
            <table className="table responsive">
              <caption>{t('agreement.versions')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('agreement.version')}</th>
                  <th scope="col">{t('agreement.status')}</th>
                  <th scope="col">{t('agreement.signatures')}</th>
                  <th scope="col">{t('agreement.dates')}</th>
                </tr>
              </thead>
              <tbody>
                {view.versions.map((v) => (
                  <tr key={v.version}>
                    <th scope="row" data-label={t('agreement.version')}>
                      v{v.version}
                    </th>
                    <td data-label={t('agreement.status')}>
                      <span className={`badge status-${v.status}`}>
                        {label('agreementStatus', v.status)}
                      </span>
                    </td>
                    <td data-label={t('agreement.signatures')}>
                      {v.signatures.length === 0
                        ? t('agreement.unsigned')
                        : v.signatures
                            .map((s) => `${label('party', s.party)} (${dateTime(s.signedAt)})`)
                            .join('; ')}
                    </td>
                    <td data-label={t('agreement.dates')}>
                      {v.activatedAt
                        ? t('agreement.activatedOn', { date: dateTime(v.activatedAt) })
                        : v.proposedAt
                          ? t('agreement.proposedOn', { date: dateTime(v.proposedAt) })
                          : t('agreement.draftedOn', { date: dateTime(v.createdAt) })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            <VersionDetail
              key={view.latestVersion}
              view={view}
              party={party}
              onSigned={agreement.reload}
            />
          </div>
        )
      }
    </Loaded>
  );
}

function VersionDetail({
  view,
  party,
  onSigned,
}: {
  view: AgreementView;
  party: SigningParty;
  onSigned: () => void;
}) {
  const { t, label, date, dateTime } = useI18n();
  const { api } = useSession();
  const title = useCatalogueTitles(api);
  const [chosen, setChosen] = useState(String(view.latestVersion));
  const versionNumber = Number(chosen);
  const summary = view.versions.find((v) => v.version === versionNumber);
  const detail = useResource(
    (signal) => api.agreementVersion(view.engagementId, versionNumber, signal),
    [api, view.engagementId, versionNumber],
  );
  const diff = useResource(
    async (signal) =>
      versionNumber > 1
        ? api.agreementDiff(view.engagementId, versionNumber - 1, versionNumber, signal)
        : undefined,
    [api, view.engagementId, versionNumber],
  );
  const sign = useSubmit(async () => {
    await api.signAgreement(view.engagementId, versionNumber);
    onSigned();
  });
  return (
    <section className="panel" aria-labelledby="agreement-terms">
      <h3 id="agreement-terms">{t('agreement.terms')}</h3>
      {view.versions.length > 1 && (
        <SelectField
          name="agreement-version"
          label={t('agreement.chooseVersion')}
          value={chosen}
          onChange={setChosen}
          options={view.versions.map((v) => ({
            value: String(v.version),
            label: `v${v.version} — ${label('agreementStatus', v.status)}`,
          }))}
        />
      )}
      {summary && canSign(summary, party) && (
        <div className="callout" data-testid="sign-callout">
          <p>{t('agreement.awaitingYourSignature', { version: summary.version })}</p>
          <Form
            submission={sign}
            label={t('agreement.sign')}
            submitLabel={t('agreement.signVersion', { version: summary.version })}
            testId="sign-form"
          >
            <p className="hint">{t('agreement.signHint')}</p>
          </Form>
        </div>
      )}
      {sign.done && (
        <p className="notice" role="status" data-testid="signed">
          {t('agreement.signedNotice')}
        </p>
      )}
      <Loaded resource={detail}>
        {(version) => (
          <div className="terms">
            <h4>{t('agreement.interventions')}</h4>
            <ul className="cards">
              {version.terms.interventions.map((i) => (
                <li key={i.interventionId} className="card">
                  <strong>{title(i.catalogueRef)}</strong>
                  <span className="muted">
                    {label('interventionKind', i.kind)} · {label('priority', i.priority)} ·{' '}
                    {t('agreement.target', { date: date(i.targetDate) })}
                  </span>
                  {i.rationale && <p>{i.rationale}</p>}
                </li>
              ))}
            </ul>
            <dl className="facts">
              <dt>{t('agreement.coachingCadence')}</dt>
              <dd>{version.terms.coachingCadence}</dd>
              <dt>{t('agreement.reviewCadence')}</dt>
              <dd>{version.terms.autonomyReviewCadence}</dd>
              <dt>{t('agreement.reminderLead')}</dt>
              <dd>{version.terms.reminderLeadTime}</dd>
              <dt>{t('agreement.escalationGrace')}</dt>
              <dd>{version.terms.escalationGracePeriod}</dd>
              <dt>{t('agreement.plannedDuration')}</dt>
              <dd>{version.terms.plannedDuration}</dd>
              <dt>{t('agreement.riskAssessmentDue')}</dt>
              <dd>{dateTime(version.terms.riskAssessmentDueAt)}</dd>
              <dt>{t('agreement.securityPlanDue')}</dt>
              <dd>{dateTime(version.terms.securityPlanDueAt)}</dd>
              <dt>{t('agreement.targetLevel')}</dt>
              <dd>{label('autonomyLevel', String(version.terms.autonomyGoals.targetLevel))}</dd>
            </dl>
            <h4>{t('agreement.trainingPlan')}</h4>
            <ul>
              {version.terms.trainingPlan.items.map((item) => (
                <li key={item.planItemId}>
                  {item.moduleIds.map(title).join(', ')} — {label('trainingLevel', item.level)} (
                  {dateTime(item.dueAt)})
                </li>
              ))}
            </ul>
            <h4>{t('agreement.milestones')}</h4>
            <ul>
              {version.terms.autonomyGoals.milestoneIds.map((m) => (
                <li key={m}>{label('milestone', m)}</li>
              ))}
            </ul>
          </div>
        )}
      </Loaded>
      {versionNumber > 1 && (
        <Loaded resource={diff}>
          {(changes) =>
            changes && (
              <div className="diff" data-testid="agreement-diff">
                <h4>{t('agreement.changes', { from: changes.from, to: changes.to })}</h4>
                {changes.changedSections.length === 0 ? (
                  <p>{t('agreement.noChanges')}</p>
                ) : (
                  <ul>
                    {changes.changedSections.map((s) => (
                      <li key={s}>{label('agreementSection', s)}</li>
                    ))}
                  </ul>
                )}
              </div>
            )
          }
        </Loaded>
      )}
    </section>
  );
}
