import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { findCatalogueItem } from '@trellis/catalogue';
import {
  EmergencyProtocolRehearsedV1,
  SECURITY_PLAN_ITEM_KINDS,
  SecurityPlanAdoptedV1,
  SecurityPlanItemStatusChangedV1,
  type SecurityPlanItemKind,
} from '@trellis/contracts';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { ApiError, ValidationFailedError, type FieldError } from '@trellis/platform-http';
import {
  DuplicateKeyError,
  InjectModel,
  NotFoundError,
  ScopedRepository,
} from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import {
  assertItemStatusTransition,
  InvalidItemStatusTransitionError,
  isProtocol,
} from '@trellis/risk-domain';
import type { Model } from 'mongoose';
import { z } from 'zod';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { LIST_LIMIT } from '../common/http';
import { ReferenceChecker } from '../common/references';
import { RiskAssessmentsService } from '../assessments/risk-assessments.service';
import type { RiskAssessmentDocument } from '../assessments/risk-assessments.schema';
import {
  PLAN_FIELD_CONTEXT,
  SECURITY_PLAN_MODEL,
  type AdoptSecurityPlan,
  type ChangeItemStatus,
  type CreateSecurityPlan,
  type PlanItemInput,
  type PlanItemView,
  type PlanVersionView,
  type RecordRehearsal,
  type ReviseSecurityPlan,
  type SecurityPlanDocument,
  type SecurityPlanView,
  type StoredPlanItem,
  type StoredPlanVersion,
} from './security-plans.schema';

const ItemTextSchema = z.object({ title: z.string(), description: z.string().optional() });

/**
 * Security plans built from a risk assessment: policies, preventive and emergency protocols
 * and measures, each tied to the threats, vulnerabilities or capacities it addresses (of that
 * assessment), with catalogue references, owner role, due date, status and rehearsals. Every
 * revision is a new version; adoption by the organisation's leadership is an explicit step.
 */
@Injectable()
export class SecurityPlansService {
  private readonly repo: ScopedRepository<SecurityPlanDocument>;

  constructor(
    @InjectModel(SECURITY_PLAN_MODEL) model: Model<SecurityPlanDocument>,
    private readonly cipher: FieldCipher,
    private readonly assessments: RiskAssessmentsService,
    private readonly references: ReferenceChecker,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'SecurityPlan' },
    );
  }

  /** Creates the engagement's plan (version 1) from one of its risk assessments. */
  async create(input: CreateSecurityPlan, principal: Principal): Promise<SecurityPlanView> {
    const scope = dataScopeOf(principal, 'create security plan');
    const assessment = await this.assessments.stored(input.riskAssessmentId, principal);
    const items = await this.buildItems(assessment, input.items, []);
    const doc = {
      _id: randomUUID(),
      engagementId: assessment.engagementId,
      organisationId: assessment.organisationId,
      unitId: assessment.unitId,
      currentVersion: 1,
      versions: [
        {
          planVersion: 1,
          riskAssessmentId: assessment._id,
          items,
          createdAt: new Date(),
          createdBy: principal.id,
        },
      ],
    };
    try {
      return await this.view(await this.repo.insert(scope, documentWithOutbox(doc, [])));
    } catch (err) {
      if (err instanceof DuplicateKeyError) {
        throw new ApiError(
          'CONFLICT',
          'The engagement already has a security plan: revise it (PUT) to make a new version.',
        );
      }
      throw err;
    }
  }

  /**
   * Makes a new version from the items given (an item naming the id of a current item keeps
   * its status and last rehearsal), from the current or a newer risk assessment.
   */
  async revise(
    planId: string,
    input: ReviseSecurityPlan,
    principal: Principal,
  ): Promise<SecurityPlanView> {
    const scope = dataScopeOf(principal, 'revise security plan');
    const current = await this.repo.getById(scope, planId);
    const latest = currentVersionOf(current);
    const assessment = await this.assessments.stored(
      input.riskAssessmentId ?? latest.riskAssessmentId,
      principal,
    );
    if (assessment.engagementId !== current.engagementId) {
      throw new ValidationFailedError([
        { path: 'riskAssessmentId', message: 'is an assessment of another engagement' },
      ]);
    }
    const items = await this.buildItems(assessment, input.items, latest.items);
    const planVersion = current.currentVersion + 1;
    const version: StoredPlanVersion = {
      planVersion,
      riskAssessmentId: assessment._id,
      items,
      createdAt: new Date(),
      createdBy: principal.id,
    };
    const updated = await this.repo.updateById(scope, planId, input.version, {
      $set: { currentVersion: planVersion },
      $push: { versions: version },
    });
    return this.view(updated);
  }

  /**
   * The organisation's leadership (or board) adopts the current version: a defender user of
   * the organisation (or an admin on their behalf); 403 for staff. 409 when already adopted.
   */
  async adopt(
    planId: string,
    input: AdoptSecurityPlan,
    principal: Principal,
  ): Promise<SecurityPlanView> {
    if (
      principal.type !== 'user' ||
      !principal.roles.some((r) => r === 'defender' || r === 'admin')
    ) {
      throw forbidden("adopting the plan is the organisation's leadership's own step");
    }
    const scope = dataScopeOf(principal, 'adopt security plan');
    const current = await this.repo.getById(scope, planId);
    const latest = currentVersionOf(current);
    if (latest.adoptedAt) {
      throw new ApiError(
        'INVALID_STATE_TRANSITION',
        `Version ${latest.planVersion} is already adopted; revise the plan to adopt a new version.`,
      );
    }
    const itemCountsByKind = Object.fromEntries(
      SECURITY_PLAN_ITEM_KINDS.map((k) => [k, latest.items.filter((i) => i.kind === k).length]),
    ) as Record<SecurityPlanItemKind, number>;
    const event = outboxEvent(SecurityPlanAdoptedV1, {
      actor: actorOf(principal, ['defender', 'admin']),
      engagementId: current.engagementId,
      organisationId: current.organisationId,
      unitId: current.unitId,
      payload: {
        securityPlanId: current._id,
        planVersion: latest.planVersion,
        riskAssessmentId: latest.riskAssessmentId,
        itemCount: latest.items.length,
        itemCountsByKind,
        adoptedByRole: input.adoptedByRole,
        emergencyProtocols: latest.items
          .filter((i) => i.kind === 'emergency-protocol')
          .map((i) => ({ itemId: i.id, rehearsalCadence: i.rehearsalCadence ?? '' })),
      },
    });
    const index = current.versions.indexOf(latest);
    const updated = await this.repo.updateById(
      scope,
      planId,
      input.version,
      withOutbox(
        {
          $set: {
            [`versions.${index}.adoptedAt`]: new Date(),
            [`versions.${index}.adoptedByRole`]: input.adoptedByRole,
            [`versions.${index}.adoptedBy`]: principal.id,
          },
        },
        [event],
      ),
    );
    return this.view(updated);
  }

  /** Moves an item of the current version forward (planned → in-progress → implemented). */
  async changeItemStatus(
    planId: string,
    itemId: string,
    input: ChangeItemStatus,
    principal: Principal,
  ): Promise<SecurityPlanView> {
    const scope = dataScopeOf(principal, 'change plan item status');
    const current = await this.repo.getById(scope, planId);
    const { index, itemIndex, item } = this.locateItem(current, itemId);
    try {
      assertItemStatusTransition(item.status, input.status);
    } catch (err) {
      if (err instanceof InvalidItemStatusTransitionError) {
        throw new ApiError(
          'INVALID_STATE_TRANSITION',
          `${err.message}: status moves forward only.`,
        );
      }
      throw err;
    }
    const event = outboxEvent(SecurityPlanItemStatusChangedV1, {
      actor: actorOf(principal),
      engagementId: current.engagementId,
      organisationId: current.organisationId,
      unitId: current.unitId,
      payload: {
        securityPlanId: current._id,
        itemId,
        itemKind: item.kind,
        from: item.status,
        to: input.status,
      },
    });
    const updated = await this.repo.updateById(
      scope,
      planId,
      input.version,
      withOutbox({ $set: { [`versions.${index}.items.${itemIndex}.status`]: input.status } }, [
        event,
      ]),
    );
    return this.view(updated);
  }

  /**
   * Records a rehearsal of a protocol of the current version (not in the future). Emergency
   * protocols publish `risk.emergency-protocol.rehearsed`.
   */
  async recordRehearsal(
    planId: string,
    itemId: string,
    input: RecordRehearsal,
    principal: Principal,
  ): Promise<SecurityPlanView> {
    const scope = dataScopeOf(principal, 'record rehearsal');
    const current = await this.repo.getById(scope, planId);
    const { index, itemIndex, item } = this.locateItem(current, itemId);
    if (!isProtocol(item.kind)) {
      throw new ApiError('CONFLICT', 'Only protocols are rehearsed.');
    }
    const rehearsedAt = new Date(input.rehearsedAt);
    if (rehearsedAt.getTime() > Date.now() + 5 * 60_000) {
      throw new ValidationFailedError([
        { path: 'rehearsedAt', message: 'must not lie in the future' },
      ]);
    }
    const events =
      item.kind === 'emergency-protocol'
        ? [
            outboxEvent(EmergencyProtocolRehearsedV1, {
              actor: actorOf(principal),
              engagementId: current.engagementId,
              organisationId: current.organisationId,
              unitId: current.unitId,
              payload: {
                securityPlanId: current._id,
                itemId,
                rehearsedAt: rehearsedAt.toISOString(),
              },
            }),
          ]
        : [];
    const updated = await this.repo.updateById(
      scope,
      planId,
      input.version,
      withOutbox(
        { $set: { [`versions.${index}.items.${itemIndex}.lastRehearsedAt`]: rehearsedAt } },
        events,
      ),
    );
    return this.view(updated);
  }

  /** The plans of an engagement (at most one today). */
  async list(engagementId: string, principal: Principal): Promise<SecurityPlanView[]> {
    const docs = await this.repo.find(
      dataScopeOf(principal, 'list security plans'),
      { engagementId },
      { limit: LIST_LIMIT },
    );
    return Promise.all(docs.map((d) => this.view(d)));
  }

  /** One plan with its current version. */
  async get(planId: string, principal: Principal): Promise<SecurityPlanView> {
    return this.view(await this.repo.getById(dataScopeOf(principal, 'read security plan'), planId));
  }

  /** One version of a plan (404 for a version it does not have). */
  async getVersion(
    planId: string,
    planVersion: number,
    principal: Principal,
  ): Promise<PlanVersionView> {
    const doc = await this.repo.getById(dataScopeOf(principal, 'read security plan'), planId);
    const version = doc.versions.find((v) => v.planVersion === planVersion);
    if (!version) throw new NotFoundError('SecurityPlanVersion');
    return this.versionView(doc.organisationId, version);
  }

  /**
   * Validates the items against the assessment (threats of its snapshot; vulnerabilities and
   * capacities of those threats; known catalogue items) and encrypts their text.
   */
  private async buildItems(
    assessment: RiskAssessmentDocument,
    inputs: PlanItemInput[],
    previous: StoredPlanItem[],
  ): Promise<StoredPlanItem[]> {
    const unknownRefs: FieldError[] = [];
    inputs.forEach((item, i) =>
      item.catalogueRefs.forEach((ref, j) => {
        if (!findCatalogueItem(ref)) {
          unknownRefs.push({
            path: `items.${i}.catalogueRefs.${j}`,
            message: 'is no catalogue item',
          });
        }
      }),
    );
    if (unknownRefs.length > 0) {
      throw new ApiError(
        'UNKNOWN_CATALOGUE_ITEM',
        'A catalogue reference names no catalogue item.',
        unknownRefs,
      );
    }
    // Threats of another organisation or engagement are refused first (400
    // CROSS_ORGANISATION_REFERENCE / VALIDATION_FAILED), then ones outside the assessment.
    for (const [i, item] of inputs.entries()) {
      await this.references.threatsOf(assessment, item.threatIds, `items.${i}.threatIds`);
    }
    const threatIds = new Set(assessment.threats.map((t) => t.threatId));
    const vulnerabilityIds = new Set(
      assessment.threats.flatMap((t) => t.vulnerabilities.map((v) => v.id)),
    );
    const capacityIds = new Set(assessment.threats.flatMap((t) => t.capacities.map((c) => c.id)));
    const previousById = new Map(previous.map((p) => [p.id, p]));
    const problems: FieldError[] = [];
    inputs.forEach((item, i) => {
      item.threatIds.forEach((id, j) => {
        if (!threatIds.has(id))
          problems.push({
            path: `items.${i}.threatIds.${j}`,
            message: 'is not a threat of the risk assessment',
          });
      });
      item.vulnerabilityIds.forEach((id, j) => {
        if (!vulnerabilityIds.has(id))
          problems.push({
            path: `items.${i}.vulnerabilityIds.${j}`,
            message: 'is not a vulnerability of the risk assessment',
          });
      });
      item.capacityIds.forEach((id, j) => {
        if (!capacityIds.has(id))
          problems.push({
            path: `items.${i}.capacityIds.${j}`,
            message: 'is not a capacity of the risk assessment',
          });
      });
      if (item.id !== undefined && !previousById.has(item.id)) {
        problems.push({ path: `items.${i}.id`, message: 'is not an item of the current version' });
      }
    });
    if (problems.length > 0) throw new ValidationFailedError(problems);

    return Promise.all(
      inputs.map(async (item): Promise<StoredPlanItem> => {
        const before = item.id ? previousById.get(item.id) : undefined;
        return {
          id: item.id ?? randomUUID(),
          kind: item.kind,
          text: await this.cipher.encryptJson(
            assessment.organisationId,
            { title: item.title, ...(item.description ? { description: item.description } : {}) },
            PLAN_FIELD_CONTEXT.itemText,
          ),
          threatIds: item.threatIds,
          vulnerabilityIds: item.vulnerabilityIds,
          capacityIds: item.capacityIds,
          catalogueRefs: item.catalogueRefs,
          ownerRole: item.ownerRole,
          dueDate: item.dueDate,
          status: before?.status ?? 'planned',
          ...(item.rehearsalCadence ? { rehearsalCadence: item.rehearsalCadence } : {}),
          ...(before?.lastRehearsedAt && isProtocol(item.kind)
            ? { lastRehearsedAt: before.lastRehearsedAt }
            : {}),
        };
      }),
    );
  }

  private locateItem(doc: SecurityPlanDocument, itemId: string) {
    const latest = currentVersionOf(doc);
    const index = doc.versions.indexOf(latest);
    const itemIndex = latest.items.findIndex((i) => i.id === itemId);
    const item = latest.items[itemIndex];
    if (!item) throw new NotFoundError('SecurityPlanItem');
    return { index, itemIndex, item };
  }

  private async view(doc: SecurityPlanDocument): Promise<SecurityPlanView> {
    return {
      id: doc._id,
      engagementId: doc.engagementId,
      organisationId: doc.organisationId,
      unitId: doc.unitId,
      currentVersion: await this.versionView(doc.organisationId, currentVersionOf(doc)),
      versions: doc.versions.map((v) => ({
        planVersion: v.planVersion,
        createdAt: v.createdAt.toISOString(),
        ...(v.adoptedAt ? { adoptedAt: v.adoptedAt.toISOString() } : {}),
      })),
      version: doc.__v,
    };
  }

  private async versionView(
    organisationId: string,
    version: StoredPlanVersion,
  ): Promise<PlanVersionView> {
    const items = await Promise.all(
      version.items.map(async (item): Promise<PlanItemView> => {
        const text = await this.cipher.decryptJson(
          organisationId,
          item.text,
          PLAN_FIELD_CONTEXT.itemText,
          ItemTextSchema,
        );
        return {
          id: item.id,
          kind: item.kind,
          title: text.title,
          ...(text.description ? { description: text.description } : {}),
          threatIds: item.threatIds,
          vulnerabilityIds: item.vulnerabilityIds,
          capacityIds: item.capacityIds,
          catalogueRefs: item.catalogueRefs,
          ownerRole: item.ownerRole,
          dueDate: item.dueDate,
          status: item.status,
          ...(item.rehearsalCadence ? { rehearsalCadence: item.rehearsalCadence } : {}),
          ...(item.lastRehearsedAt ? { lastRehearsedAt: item.lastRehearsedAt.toISOString() } : {}),
        };
      }),
    );
    return {
      planVersion: version.planVersion,
      riskAssessmentId: version.riskAssessmentId,
      items,
      createdAt: version.createdAt.toISOString(),
      createdBy: version.createdBy,
      adopted: version.adoptedAt !== undefined && version.adoptedAt !== null,
      ...(version.adoptedAt ? { adoptedAt: version.adoptedAt.toISOString() } : {}),
      ...(version.adoptedByRole ? { adoptedByRole: version.adoptedByRole } : {}),
    };
  }
}

/** The plan's current (latest) version. */
function currentVersionOf(doc: SecurityPlanDocument): StoredPlanVersion {
  const version = doc.versions.find((v) => v.planVersion === doc.currentVersion);
  if (!version) throw new Error(`security plan ${doc._id} lacks its current version`);
  return version;
}
