import { Injectable } from '@nestjs/common';
import { ApiError, ValidationFailedError } from '@trellis/platform-http';
import { DataScope, InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import type { Model } from 'mongoose';
import type { EngagementRef } from '../engagements/known-engagements.service';
import { INCIDENT_MODEL, type IncidentDocument } from '../incidents/incidents.schema';
import { THREAT_MODEL, type ThreatDocument } from '../threats/threats.schema';

/**
 * Checks ids a client sends in a record (linked threats, evidence incidents) against the
 * record's engagement: an id of nothing is 400 `VALIDATION_FAILED`, a record of another
 * organisation 400 `CROSS_ORGANISATION_REFERENCE`, one of another engagement of the same
 * organisation 400 `VALIDATION_FAILED`. Messages name the field only, never the record.
 */
@Injectable()
export class ReferenceChecker {
  private readonly threats: ScopedRepository<ThreatDocument>;
  private readonly incidents: ScopedRepository<IncidentDocument>;

  constructor(
    @InjectModel(THREAT_MODEL) threats: Model<ThreatDocument>,
    @InjectModel(INCIDENT_MODEL) incidents: Model<IncidentDocument>,
  ) {
    const fields = { organisation: 'organisationId', unit: 'unitId' } as const;
    this.threats = new ScopedRepository(threats, fields, { entity: 'Threat' });
    this.incidents = new ScopedRepository(incidents, fields, { entity: 'Incident' });
  }

  /** The threats `ids` of the engagement `owner` (in the order given). */
  async threatsOf(
    owner: EngagementRef,
    ids: readonly string[],
    path: string,
  ): Promise<ThreatDocument[]> {
    const docs = await this.threats.find(this.scope(), { _id: { $in: [...ids] } });
    return this.check(owner, ids, docs, path, 'threat');
  }

  /** The incidents `ids` of the engagement `owner` (in the order given). */
  async incidentsOf(
    owner: EngagementRef,
    ids: readonly string[],
    path: string,
  ): Promise<IncidentDocument[]> {
    const docs = await this.incidents.find(this.scope(), { _id: { $in: [...ids] } });
    return this.check(owner, ids, docs, path, 'incident');
  }

  private scope(): DataScope {
    // The ids' owners are compared with the record's below; nothing read leaves this class.
    return DataScope.all('risk-service reference check');
  }

  private check<D extends { _id: string; organisationId: string; engagementId: string }>(
    owner: EngagementRef,
    ids: readonly string[],
    docs: readonly D[],
    path: string,
    what: string,
  ): D[] {
    const byId = new Map(docs.map((d) => [d._id, d]));
    const missing: { path: string; message: string }[] = [];
    const foreign: { path: string; message: string }[] = [];
    const found: D[] = [];
    ids.forEach((id, i) => {
      const doc = byId.get(id);
      if (!doc) missing.push({ path: `${path}.${i}`, message: `is no ${what}` });
      else if (doc.organisationId !== owner.organisationId) {
        foreign.push({ path: `${path}.${i}`, message: `is a ${what} of another organisation` });
      } else if (doc.engagementId !== owner.engagementId) {
        missing.push({ path: `${path}.${i}`, message: `is a ${what} of another engagement` });
      } else found.push(doc);
    });
    if (foreign.length > 0) {
      throw new ApiError(
        'CROSS_ORGANISATION_REFERENCE',
        `A ${what} referenced belongs to another organisation.`,
        foreign,
      );
    }
    if (missing.length > 0) throw new ValidationFailedError(missing);
    return found;
  }
}
