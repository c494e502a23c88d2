import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ThreatAssessedV1 } from '@trellis/contracts';
import type { Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { ApiError } from '@trellis/platform-http';
import { InjectModel, NotFoundError, ScopedRepository } from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox, type OutboxEvent } from '@trellis/platform-outbox';
import {
  computeThreatRisk,
  isConcluded,
  missingStepsFor,
  nextStep,
  THREAT_STEPS,
  type ThreatStep,
} from '@trellis/risk-domain';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { ReferenceChecker } from '../common/references';
import { KnownEngagementsService } from '../engagements/known-engagements.service';
import {
  THREAT_FIELD_CONTEXT,
  THREAT_MODEL,
  type AddFactor,
  type CreateThreat,
  type FactorView,
  type RateThreat,
  type RecordStep,
  type StepView,
  type StoredFactor,
  type StoredStep,
  type ThreatDocument,
  type ThreatView,
} from './threats.schema';

/** Which list a factor goes to. */
export type FactorKind = 'vulnerabilities' | 'capacities';

/**
 * Threats: the five-step assessment in order, ratings, vulnerabilities and capacities, and
 * the current risk of each threat. Narratives are encrypted with the organisation's key; the
 * `risk.threat.assessed` event (no narrative) is published when a threat is concluded and
 * whenever a concluded threat's ratings or factors change.
 */
@Injectable()
export class ThreatsService {
  private readonly repo: ScopedRepository<ThreatDocument>;

  constructor(
    @InjectModel(THREAT_MODEL) model: Model<ThreatDocument>,
    private readonly cipher: FieldCipher,
    private readonly engagements: KnownEngagementsService,
    private readonly references: ReferenceChecker,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'Threat' },
    );
  }

  /** Records a threat of a known engagement in the caller's scope (with its facts if given). */
  async create(input: CreateThreat, principal: Principal): Promise<ThreatView> {
    const scope = dataScopeOf(principal, 'record threat');
    const owner = await this.engagements.resolve(principal, input.engagementId, input);
    const id = randomUUID();
    const steps: ThreatDocument['steps'] = {};
    if (input.facts !== undefined) {
      steps.facts = {
        narrative: await this.cipher.encrypt(
          owner.organisationId,
          input.facts,
          THREAT_FIELD_CONTEXT.step('facts'),
        ),
        recordedAt: new Date(),
        recordedBy: principal.id,
      };
    }
    const doc = {
      _id: id,
      ...owner,
      threatType: input.threatType,
      likelihood: input.likelihood,
      impact: input.impact,
      steps,
      vulnerabilities: [],
      capacities: [],
    };
    const created = await this.repo.insert(scope, documentWithOutbox(doc, []));
    return this.view(created);
  }

  /** The threats of an engagement in the caller's scope (newest first). */
  async list(engagementId: string, principal: Principal): Promise<ThreatView[]> {
    const scope = dataScopeOf(principal, 'list threats');
    const docs = await this.repo.find(
      scope,
      { engagementId },
      { sort: { createdAt: -1 }, limit: LIST_LIMIT },
    );
    return Promise.all(docs.map((d) => this.view(d)));
  }

  /** One threat in the caller's scope; 404 otherwise. */
  async get(threatId: string, principal: Principal): Promise<ThreatView> {
    return this.view(await this.repo.getById(dataScopeOf(principal, 'read threat'), threatId));
  }

  /**
   * Records (or records again) one of the five steps, at the version last read. 409
   * `STEP_OUT_OF_ORDER` when an earlier step is missing (the author before facts, pattern and
   * objective; the conclusion before the author). Evidence incidents of the pattern step must
   * be incidents of the same engagement.
   */
  async recordStep(
    threatId: string,
    step: ThreatStep,
    input: RecordStep,
    principal: Principal,
  ): Promise<ThreatView> {
    const scope = dataScopeOf(principal, 'record threat step');
    const current = await this.repo.getById(scope, threatId);
    const recorded = THREAT_STEPS.filter((s) => current.steps?.[s] !== undefined);
    const missing = missingStepsFor(step, recorded);
    if (missing.length > 0) {
      throw new ApiError(
        'STEP_OUT_OF_ORDER',
        `The ${step} step comes after the ${missing.join(', ')} step${missing.length > 1 ? 's' : ''}: record ${missing.length > 1 ? 'them' : 'it'} first.`,
      );
    }
    if ('incidentIds' in input && input.incidentIds.length > 0) {
      await this.references.incidentsOf(current, input.incidentIds, 'incidentIds');
    }
    const stored: StoredStep = {
      narrative: await this.cipher.encrypt(
        current.organisationId,
        input.narrative,
        THREAT_FIELD_CONTEXT.step(step),
      ),
      ...('isPattern' in input
        ? { isPattern: input.isPattern, incidentIds: input.incidentIds }
        : {}),
      ...('sourceActorType' in input ? { sourceActorType: input.sourceActorType } : {}),
      ...('canBeCarriedOut' in input ? { canBeCarriedOut: input.canBeCarriedOut } : {}),
      recordedAt: new Date(),
      recordedBy: principal.id,
    };
    const next: ThreatDocument = { ...current, steps: { ...current.steps, [step]: stored } };
    const events = this.assessedEvents(next, principal);
    const updated = await this.repo.updateById(
      scope,
      threatId,
      input.version,
      withOutbox({ $set: { [`steps.${step}`]: stored } }, events),
    );
    return this.view(updated);
  }

  /** Changes likelihood and impact, at the version last read. */
  async rate(threatId: string, input: RateThreat, principal: Principal): Promise<ThreatView> {
    const scope = dataScopeOf(principal, 'rate threat');
    const current = await this.repo.getById(scope, threatId);
    const next = { ...current, likelihood: input.likelihood, impact: input.impact };
    const updated = await this.repo.updateById(
      scope,
      threatId,
      input.version,
      withOutbox(
        { $set: { likelihood: input.likelihood, impact: input.impact } },
        this.assessedEvents(next, principal),
      ),
    );
    return this.view(updated);
  }

  /** Adds a vulnerability or a capacity (category, encrypted description, rating 1–5). */
  async addFactor(
    threatId: string,
    kind: FactorKind,
    input: AddFactor,
    principal: Principal,
  ): Promise<ThreatView> {
    const scope = dataScopeOf(principal, `add ${kind}`);
    const current = await this.repo.getById(scope, threatId);
    const factor: StoredFactor = {
      id: randomUUID(),
      category: input.category,
      description: await this.cipher.encrypt(
        current.organisationId,
        input.description,
        kind === 'vulnerabilities'
          ? THREAT_FIELD_CONTEXT.vulnerability
          : THREAT_FIELD_CONTEXT.capacity,
      ),
      rating: input.rating,
    };
    const next = { ...current, [kind]: [...current[kind], factor] };
    const updated = await this.repo.updateById(
      scope,
      threatId,
      input.version,
      withOutbox({ $push: { [kind]: factor } }, this.assessedEvents(next, principal)),
    );
    return this.view(updated);
  }

  /** Replaces a vulnerability or capacity (category, description, rating), e.g. after progress. */
  async replaceFactor(
    threatId: string,
    kind: FactorKind,
    factorId: string,
    input: AddFactor,
    principal: Principal,
  ): Promise<ThreatView> {
    const scope = dataScopeOf(principal, `replace ${kind}`);
    const current = await this.repo.getById(scope, threatId);
    const index = current[kind].findIndex((f) => f.id === factorId);
    if (index < 0)
      throw new NotFoundError(kind === 'vulnerabilities' ? 'Vulnerability' : 'Capacity');
    const factor: StoredFactor = {
      id: factorId,
      category: input.category,
      description: await this.cipher.encrypt(
        current.organisationId,
        input.description,
        kind === 'vulnerabilities'
          ? THREAT_FIELD_CONTEXT.vulnerability
          : THREAT_FIELD_CONTEXT.capacity,
      ),
      rating: input.rating,
    };
    const factors = current[kind].map((f, i) => (i === index ? factor : f));
    const next = { ...current, [kind]: factors };
    const updated = await this.repo.updateById(
      scope,
      threatId,
      input.version,
      withOutbox({ $set: { [kind]: factors } }, this.assessedEvents(next, principal)),
    );
    return this.view(updated);
  }

  /** `risk.threat.assessed` for a concluded threat; nothing before its conclusion. */
  private assessedEvents(doc: ThreatDocument, principal: Principal): OutboxEvent[] {
    const recorded = THREAT_STEPS.filter((s) => doc.steps?.[s] !== undefined);
    const author = doc.steps.author;
    const conclusion = doc.steps.conclusion;
    if (
      !isConcluded(recorded) ||
      !author?.sourceActorType ||
      conclusion?.canBeCarriedOut === undefined
    ) {
      return [];
    }
    const categories = (factors: StoredFactor[]) => [...new Set(factors.map((f) => f.category))];
    return [
      outboxEvent(ThreatAssessedV1, {
        actor: actorOf(principal),
        engagementId: doc.engagementId,
        organisationId: doc.organisationId,
        unitId: doc.unitId,
        payload: {
          threatId: doc._id,
          threatType: doc.threatType,
          sourceActorType: author.sourceActorType,
          likelihood: doc.likelihood,
          impact: doc.impact,
          canBeCarriedOut: conclusion.canBeCarriedOut,
          vulnerabilityCategories: categories(doc.vulnerabilities),
          capacityCategories: categories(doc.capacities),
        },
      }),
    ];
  }

  private async view(doc: ThreatDocument): Promise<ThreatView> {
    const org = doc.organisationId;
    const steps: Partial<Record<ThreatStep, StepView>> = {};
    for (const step of THREAT_STEPS) {
      const stored = doc.steps?.[step];
      if (!stored) continue;
      steps[step] = {
        narrative: await this.cipher.decrypt(
          org,
          stored.narrative,
          THREAT_FIELD_CONTEXT.step(step),
        ),
        ...(stored.isPattern !== undefined && stored.isPattern !== null
          ? { isPattern: stored.isPattern, incidentIds: stored.incidentIds ?? [] }
          : {}),
        ...(stored.sourceActorType ? { sourceActorType: stored.sourceActorType } : {}),
        ...(stored.canBeCarriedOut !== undefined && stored.canBeCarriedOut !== null
          ? { canBeCarriedOut: stored.canBeCarriedOut }
          : {}),
        recordedAt: stored.recordedAt.toISOString(),
        recordedBy: stored.recordedBy,
      };
    }
    const factors = (list: StoredFactor[], context: string): Promise<FactorView[]> =>
      Promise.all(
        list.map(async (f) => ({
          id: f.id,
          category: f.category,
          description: await this.cipher.decrypt(org, f.description, context),
          rating: f.rating,
        })),
      );
    const recorded = THREAT_STEPS.filter((s) => steps[s] !== undefined);
    const upcoming = nextStep(recorded);
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      organisationId: doc.organisationId,
      unitId: doc.unitId,
      threatType: doc.threatType,
      likelihood: doc.likelihood,
      impact: doc.impact,
      steps,
      ...(upcoming ? { nextStep: upcoming } : {}),
      concluded: upcoming === undefined,
      vulnerabilities: await factors(doc.vulnerabilities, THREAT_FIELD_CONTEXT.vulnerability),
      capacities: await factors(doc.capacities, THREAT_FIELD_CONTEXT.capacity),
      risk: computeThreatRisk(doc),
      version: doc.__v,
      createdAt: doc.createdAt.toISOString(),
      updatedAt: doc.updatedAt.toISOString(),
    };
  }
}
