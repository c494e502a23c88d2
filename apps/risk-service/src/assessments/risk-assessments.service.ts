import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { RiskAssessmentCompletedV1 } from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { ApiError } from '@trellis/platform-http';
import { InjectModel, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox } from '@trellis/platform-outbox';
import {
  compareThreatRisks,
  computeThreatRisk,
  isConcluded,
  overallRisk,
  riskMatrix,
  suggestPlanItems,
  THREAT_STEPS,
} from '@trellis/risk-domain';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { ReferenceChecker } from '../common/references';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import { THREAT_MODEL, type ThreatDocument } from '../threats/threats.schema';
import {
  RISK_ASSESSMENT_MODEL,
  type CreateRiskAssessment,
  type RiskAssessmentDocument,
  type RiskAssessmentView,
  type SuggestionsView,
  type ThreatSnapshot,
} from './risk-assessments.schema';

/**
 * Dated risk assessments: a snapshot of the engagement's concluded threats with the risk of
 * each (risk = threats × vulnerabilities / capacities, see `@trellis/risk-domain`) and overall,
 * the likelihood × impact matrix, the change since the previous assessment, and catalogue
 * suggestions for the high and critical threats. Publishes `risk.assessment.completed`.
 */
@Injectable()
export class RiskAssessmentsService {
  private readonly repo: ScopedRepository<RiskAssessmentDocument>;
  private readonly threats: ScopedRepository<ThreatDocument>;

  constructor(
    @InjectModel(RISK_ASSESSMENT_MODEL) model: Model<RiskAssessmentDocument>,
    @InjectModel(THREAT_MODEL) threats: Model<ThreatDocument>,
    private readonly engagements: KnownEngagementsService,
    private readonly references: ReferenceChecker,
  ) {
    const fields = { organisation: 'organisationId', unit: 'unitId' } as const;
    this.repo = new ScopedRepository(model, fields, { entity: 'RiskAssessment' });
    this.threats = new ScopedRepository(threats, fields, { entity: 'Threat' });
  }

  /**
   * Assesses the engagement's risk now. Every threat included must be concluded (409
   * `STEP_OUT_OF_ORDER` naming the threats that are not); at least one threat is needed (409
   * `CONFLICT`). Incidents named must be the engagement's.
   */
  async create(input: CreateRiskAssessment, principal: Principal): Promise<RiskAssessmentView> {
    const scope = dataScopeOf(principal, 'assess risk');
    const owner = await this.engagements.resolve(principal, input.engagementId);
    const threats = input.threatIds
      ? await this.references.threatsOf(owner, input.threatIds, 'threatIds')
      : await this.threats.find(
          scope,
          { engagementId: owner.engagementId },
          { sort: { createdAt: 1 } },
        );
    if (threats.length === 0) {
      throw new ApiError(
        'CONFLICT',
        'Record and conclude at least one threat before assessing risk.',
      );
    }
    const open = threats.filter(
      (t) => !isConcluded(THREAT_STEPS.filter((s) => t.steps?.[s] !== undefined)),
    );
    if (open.length > 0) {
      throw new ApiError(
        'STEP_OUT_OF_ORDER',
        `Conclude the five-step assessment of every threat first (not concluded: ${open.map((t) => t._id).join(', ')}).`,
      );
    }
    if (input.triggeringIncidentIds.length > 0) {
      await this.references.incidentsOf(
        owner,
        input.triggeringIncidentIds,
        'triggeringIncidentIds',
      );
    }
    const snapshots = threats.map(snapshotOf);
    const overall = overallRisk(snapshots);
    const [previous] = await this.repo.find(
      scope,
      { engagementId: owner.engagementId },
      { sort: { assessedAt: -1, createdAt: -1 }, limit: 1 },
    );
    const id = randomUUID();
    const doc = {
      _id: id,
      ...owner,
      assessedAt: new Date(),
      trigger: input.trigger,
      triggeringIncidentIds: input.triggeringIncidentIds,
      ...(previous ? { previousRiskAssessmentId: previous._id } : {}),
      threats: snapshots,
      overallScore: overall.score,
      overallLevel: overall.level,
      assessedBy: principal.id,
    };
    const event = outboxEvent(RiskAssessmentCompletedV1, {
      actor: actorOf(principal),
      ...owner,
      payload: {
        riskAssessmentId: id,
        trigger: input.trigger,
        triggeringIncidentIds: input.triggeringIncidentIds,
        ...(previous ? { previousRiskAssessmentId: previous._id } : {}),
        threats: snapshots.map((t) => ({
          threatId: t.threatId,
          threatType: t.threatType,
          score: t.score,
          level: t.level,
        })),
        overallScore: overall.score,
        overallLevel: overall.level,
      },
    });
    const created = await this.repo.insert(scope, documentWithOutbox(doc, [event]));
    return this.view(created, previous);
  }

  /** The assessments of an engagement (newest first). */
  async list(engagementId: string, principal: Principal): Promise<RiskAssessmentView[]> {
    const scope = dataScopeOf(principal, 'list risk assessments');
    const docs = await this.repo.find(
      scope,
      { engagementId },
      { sort: { assessedAt: -1 }, limit: LIST_LIMIT },
    );
    return docs.map((d) =>
      this.view(
        d,
        docs.find((p) => p._id === d.previousRiskAssessmentId),
      ),
    );
  }

  /** One assessment with its matrix and the change since the previous one. */
  async get(riskAssessmentId: string, principal: Principal): Promise<RiskAssessmentView> {
    const scope = dataScopeOf(principal, 'read risk assessment');
    const doc = await this.repo.getById(scope, riskAssessmentId);
    const previous = doc.previousRiskAssessmentId
      ? await this.repo.findById(scope, doc.previousRiskAssessmentId)
      : null;
    return this.view(doc, previous ?? undefined);
  }

  /** The stored assessment if it is in the caller's scope; 404 otherwise. */
  async stored(riskAssessmentId: string, principal: Principal): Promise<RiskAssessmentDocument> {
    return this.repo.getById(dataScopeOf(principal, 'read risk assessment'), riskAssessmentId);
  }

  /** Catalogue items for the assessment's high and critical threats. */
  async suggestions(riskAssessmentId: string, principal: Principal): Promise<SuggestionsView> {
    const doc = await this.stored(riskAssessmentId, principal);
    return {
      riskAssessmentId: doc._id,
      threats: suggestPlanItems(
        doc.threats.map((t) => ({
          threatId: t.threatId,
          threatType: t.threatType,
          level: t.level,
          vulnerabilityCategories: [...new Set(t.vulnerabilities.map((v) => v.category))],
        })),
      ),
    };
  }

  private view(doc: RiskAssessmentDocument, previous?: RiskAssessmentDocument): RiskAssessmentView {
    const threats = doc.threats.map((t) => ({
      ...t,
      vulnerabilities: t.vulnerabilities.map((v) => ({
        id: v.id,
        category: v.category,
        rating: v.rating,
      })),
      capacities: t.capacities.map((c) => ({ id: c.id, category: c.category, rating: c.rating })),
    }));
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      organisationId: doc.organisationId,
      unitId: doc.unitId,
      assessedAt: doc.assessedAt.toISOString(),
      trigger: doc.trigger,
      triggeringIncidentIds: doc.triggeringIncidentIds,
      ...(doc.previousRiskAssessmentId
        ? { previousRiskAssessmentId: doc.previousRiskAssessmentId }
        : {}),
      threats,
      overallScore: doc.overallScore,
      overallLevel: doc.overallLevel,
      matrix: riskMatrix(doc.threats),
      ...(previous ? { changes: compareThreatRisks(previous.threats, doc.threats) } : {}),
      assessedBy: doc.assessedBy,
    };
  }
}

/** A concluded threat's snapshot with its computed risk. */
function snapshotOf(threat: ThreatDocument): ThreatSnapshot {
  const risk = computeThreatRisk(threat);
  const factor = (f: {
    id: string;
    category: ThreatSnapshot['vulnerabilities'][number]['category'];
    rating: number;
  }) => ({
    id: f.id,
    category: f.category,
    rating: f.rating,
  });
  return {
    threatId: threat._id,
    threatType: threat.threatType,
    // A concluded threat has both (see ThreatsService.recordStep).
    sourceActorType: threat.steps.author?.sourceActorType ?? 'unknown',
    canBeCarriedOut: threat.steps.conclusion?.canBeCarriedOut ?? true,
    likelihood: threat.likelihood,
    impact: threat.impact,
    vulnerabilities: threat.vulnerabilities.map(factor),
    capacities: threat.capacities.map(factor),
    ...risk,
  };
}
