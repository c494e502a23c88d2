import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { NeedsAssessmentRecordedV1, type Role } from '@trellis/contracts';
import { assessNeeds } from '@trellis/engagement-domain';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { ApiError } from '@trellis/platform-http';
import {
  DataScope,
  DuplicateKeyError,
  InjectModel,
  ScopedRepository,
} from '@trellis/platform-mongo';
import { documentWithOutbox } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { assertEngagementOpen } from '../engagements/engagements.schema';
import { EngagementsService } from '../engagements/engagements.service';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  meanSpokeScores,
  NEEDS_ASSESSMENT_MODEL,
  toNeedsAssessmentView,
  type NeedsAssessmentDocument,
  type NeedsAssessmentView,
  type RecordNeedsAssessment,
} from './needs-assessment.schema';

const RECORDERS: readonly Role[] = ['admin', 'program-manager', 'protection-officer'];

/**
 * The baseline needs assessment of an engagement: recorded once by the unit's staff, it yields
 * the suggested training level, interventions and training modules (`assessNeeds`), with the
 * organisation's focus areas and setting taken from its stored profile.
 */
@Injectable()
export class NeedsAssessmentService {
  private readonly repo: ScopedRepository<NeedsAssessmentDocument>;

  constructor(
    @InjectModel(NEEDS_ASSESSMENT_MODEL) model: Model<NeedsAssessmentDocument>,
    private readonly engagements: EngagementsService,
    private readonly organisations: OrganisationsService,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'Needs assessment' },
    );
  }

  /**
   * Records the baseline of an engagement in the caller's unit (404 otherwise) and publishes
   * `engagement.needs-assessment.recorded` with it. One baseline per engagement: 409 CONFLICT
   * when it is already recorded.
   */
  async record(
    engagementId: string,
    input: RecordNeedsAssessment,
    principal: Principal,
  ): Promise<NeedsAssessmentView> {
    const scope = dataScopeOf(principal, 'record needs assessment');
    if (scope.kind === 'organisation') throw forbidden('defenders cannot record the baseline');
    const engagement = await this.engagements.stored(scope, engagementId);
    assertEngagementOpen(engagement, 'record a needs assessment');
    if (await this.repo.findById(scope, engagementId)) throw alreadyRecorded();
    const organisation = await this.organisations.stored(
      DataScope.all(`needs assessment profile for ${principal.id}`),
      engagement.organisationId,
    );
    const spokeScores = input.participantScores
      ? meanSpokeScores(input.participantScores)
      : input.spokeScores!;
    const profile = { focusAreas: organisation.focusAreas, setting: organisation.setting };
    const result = assessNeeds({
      spokeScores,
      capacities: input.capacities,
      threatTypes: input.threatTypes,
      profile,
    });
    const needsAssessmentId = randomUUID();
    const doc = {
      _id: engagementId,
      needsAssessmentId,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
      spokeScores,
      ...(input.participantScores ? { participantCount: input.participantScores.length } : {}),
      capacities: input.capacities,
      threatTypes: input.threatTypes,
      profile,
      result,
      recordedBy: principal.id,
    };
    const suggested = [...result.interventions, ...result.trainingModules].map(
      (s) => s.catalogueId,
    );
    const event = outboxEvent(NeedsAssessmentRecordedV1, {
      actor: actorOf(principal, RECORDERS),
      engagementId,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
      payload: {
        needsAssessmentId,
        spokeScores,
        suggestedLevel: result.suggestedLevel,
        suggestedCatalogueIds: [...new Set(suggested)],
      },
    });
    const insertScope = scope.kind === 'all' ? scope : DataScope.unit(engagement.unitId);
    try {
      const created = await this.repo.insert(insertScope, documentWithOutbox(doc, [event]));
      return toNeedsAssessmentView(created);
    } catch (err) {
      // Recorded concurrently by someone else: the unique _id decides.
      if (err instanceof DuplicateKeyError) throw alreadyRecorded();
      throw err;
    }
  }

  /** The baseline of an engagement in the caller's scope; 404 when none is recorded. */
  async get(engagementId: string, principal: Principal): Promise<NeedsAssessmentView> {
    const scope = dataScopeOf(principal, 'read needs assessment');
    await this.engagements.stored(scope, engagementId);
    return toNeedsAssessmentView(await this.repo.getById(scope, engagementId));
  }
}

function alreadyRecorded(): ApiError {
  return new ApiError(
    'CONFLICT',
    'The baseline needs assessment of this engagement is already recorded.',
  );
}
