import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { IncidentReportedV1 } from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { ValidationFailedError } from '@trellis/platform-http';
import { InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox } from '@trellis/platform-outbox';
import { isSeriousIncident } from '@trellis/risk-domain';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { ReferenceChecker } from '../common/references';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import {
  INCIDENT_FIELD_CONTEXT,
  INCIDENT_MODEL,
  type IncidentDocument,
  type IncidentView,
  type ReportIncident,
} from './incidents.schema';

/** How far in the future an incident's time may lie (clock skew), in milliseconds. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * The organisation's incident register. Every incident is published as `risk.incident.reported`
 * (type, severity, `serious`, linked threat ids — no narrative); a serious one (see
 * `isSeriousIncident`) makes the orchestrator demand a re-assessment.
 */
@Injectable()
export class IncidentsService {
  private readonly repo: ScopedRepository<IncidentDocument>;

  constructor(
    @InjectModel(INCIDENT_MODEL) model: Model<IncidentDocument>,
    private readonly cipher: FieldCipher,
    private readonly engagements: KnownEngagementsService,
    private readonly references: ReferenceChecker,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'Incident' },
    );
  }

  /** Enters an incident; linked threats must be threats of the same engagement. */
  async report(input: ReportIncident, principal: Principal): Promise<IncidentView> {
    const scope = dataScopeOf(principal, 'report incident');
    const owner = await this.engagements.resolve(principal, input.engagementId, input);
    const occurredAt = new Date(input.occurredAt);
    if (occurredAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new ValidationFailedError([
        { path: 'occurredAt', message: 'must not lie in the future' },
      ]);
    }
    await this.references.threatsOf(owner, input.linkedThreatIds, 'linkedThreatIds');
    const id = randomUUID();
    const serious = isSeriousIncident(input.incidentType, input.severity);
    const doc = {
      _id: id,
      ...owner,
      occurredAt,
      incidentType: input.incidentType,
      severity: input.severity,
      serious,
      narrative: await this.cipher.encrypt(
        owner.organisationId,
        input.narrative,
        INCIDENT_FIELD_CONTEXT.narrative,
      ),
      linkedThreatIds: input.linkedThreatIds,
      reportedBy: principal.id,
    };
    const event = outboxEvent(IncidentReportedV1, {
      actor: actorOf(principal),
      ...owner,
      payload: {
        incidentId: id,
        incidentType: input.incidentType,
        severity: input.severity,
        serious,
        occurredAt: occurredAt.toISOString(),
        linkedThreatIds: input.linkedThreatIds,
      },
    });
    return this.view(await this.repo.insert(scope, documentWithOutbox(doc, [event])));
  }

  /** The incidents of an engagement (most recent first). */
  async list(engagementId: string, principal: Principal): Promise<IncidentView[]> {
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list incidents'),
      { engagementId },
      { sort: { occurredAt: -1 }, limit: LIST_LIMIT },
    );
    return Promise.all(docs.map((d) => this.view(d)));
  }

  /** One incident in the caller's scope; 404 otherwise. */
  async get(incidentId: string, principal: Principal): Promise<IncidentView> {
    return this.view(await this.repo.getById(dataScopeOf(principal, 'read incident'), incidentId));
  }

  private async view(doc: IncidentDocument): Promise<IncidentView> {
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      organisationId: doc.organisationId,
      unitId: doc.unitId,
      occurredAt: doc.occurredAt.toISOString(),
      incidentType: doc.incidentType,
      severity: doc.severity,
      serious: doc.serious,
      narrative: await this.cipher.decrypt(
        doc.organisationId,
        doc.narrative,
        INCIDENT_FIELD_CONTEXT.narrative,
      ),
      linkedThreatIds: doc.linkedThreatIds,
      reportedBy: doc.reportedBy,
      version: doc.__v,
      createdAt: doc.createdAt.toISOString(),
    };
  }
}
