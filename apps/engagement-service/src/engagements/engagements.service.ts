import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  EngagementCreatedV1,
  EngagementPhaseChangedV1,
  LeadOfficerAssignedV1,
  type RoutedTo,
  type Role,
  type SetEngagementPhaseRequest,
} from '@trellis/contracts';
import { routeEngagement } from '@trellis/engagement-domain';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { ApiError, ValidationFailedError } from '@trellis/platform-http';
import {
  DataScope,
  InjectModel,
  NotFoundError,
  ScopedRepository,
  VersionConflictError,
} from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { DesksService } from '../desks/desks.service';
import { OrganisationsService } from '../organisations/organisations.service';
import {
  ENGAGEMENT_MODEL,
  FINAL_PHASES,
  toEngagementView,
  type AssignLeadOfficer,
  type CreateEngagement,
  type EngagementDocument,
  type EngagementView,
  type ListEngagementsQuery,
} from './engagements.schema';

const MANAGERS: readonly Role[] = ['admin', 'program-manager'];
const LIST_LIMIT = 100;

/**
 * Engagements: opened by a program manager for an organisation and routed to the desk that
 * covers the organisation's country, or to the TRU. Officers see their unit's engagements,
 * defender users their organisation's.
 */
@Injectable()
export class EngagementsService {
  private readonly repo: ScopedRepository<EngagementDocument>;

  constructor(
    @InjectModel(ENGAGEMENT_MODEL) model: Model<EngagementDocument>,
    private readonly desks: DesksService,
    private readonly organisations: OrganisationsService,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'Engagement' },
    );
  }

  /**
   * Opens an engagement, routed by the organisation's country. A program manager may open
   * engagements that land in their own unit only (403 otherwise).
   */
  async create(input: CreateEngagement, principal: Principal): Promise<EngagementView> {
    const scope = dataScopeOf(principal, 'open engagement');
    if (scope.kind === 'organisation') throw forbidden('defenders cannot open engagements');
    const organisation = await this.organisations.stored(
      DataScope.all(`route engagement for ${principal.id}`),
      input.organisationId,
    );
    const route = routeEngagement(organisation.country, await this.desks.routingTable());
    if (scope.kind === 'unit' && scope.unitId !== route.unitId) {
      // An organisation of another unit is answered like one that does not exist.
      if (scope.unitId !== organisation.unitId) throw new NotFoundError('Organisation');
      throw forbidden(`this engagement would be routed to unit ${route.unitId}, not yours`);
    }
    const programManagerId = this.programManagerOf(input, principal);
    const routedTo: RoutedTo =
      route.kind === 'desk' ? { kind: 'desk', deskId: route.deskId } : { kind: 'tru' };
    const id = randomUUID();
    const doc = {
      _id: id,
      organisationId: organisation._id,
      unitId: route.unitId,
      routedTo,
      country: organisation.country,
      ...(organisation.region ? { region: organisation.region } : {}),
      setting: organisation.setting,
      focusAreas: organisation.focusAreas,
      phase: 'agreement' as const,
      programManagerId,
      ...(input.leadOfficerId ? { leadOfficerId: input.leadOfficerId } : {}),
    };
    const event = outboxEvent(EngagementCreatedV1, {
      actor: actorOf(principal, MANAGERS),
      engagementId: id,
      organisationId: organisation._id,
      unitId: route.unitId,
      payload: {
        engagementId: id,
        organisationId: organisation._id,
        unitId: route.unitId,
        routedTo,
        country: organisation.country,
        ...(organisation.region ? { region: organisation.region } : {}),
        setting: organisation.setting,
        focusAreas: organisation.focusAreas,
        programManagerId,
        ...(input.leadOfficerId ? { leadOfficerId: input.leadOfficerId } : {}),
      },
    });
    const insertScope = scope.kind === 'all' ? scope : DataScope.unit(route.unitId);
    const created = await this.repo.insert(insertScope, documentWithOutbox(doc, [event]));
    return toEngagementView(created);
  }

  /** The engagements in the caller's scope (newest first, at most 100). */
  async list(query: ListEngagementsQuery, principal: Principal): Promise<EngagementView[]> {
    const scope = dataScopeOf(principal, 'list engagements');
    const filter = query.organisationId ? { organisationId: query.organisationId } : {};
    const docs = await this.repo.find(scope, filter, {
      sort: { createdAt: -1 },
      limit: LIST_LIMIT,
    });
    return docs.map(toEngagementView);
  }

  /** One engagement in the caller's scope; 404 otherwise. */
  async get(engagementId: string, principal: Principal): Promise<EngagementView> {
    const scope = dataScopeOf(principal, 'read engagement');
    return toEngagementView(await this.repo.getById(scope, engagementId));
  }

  /** The stored engagement if it is in `scope`; 404 otherwise. */
  async stored(scope: DataScope, engagementId: string): Promise<EngagementDocument> {
    return this.repo.getById(scope, engagementId);
  }

  /**
   * Makes a protection officer the lead officer (program managers of the engagement's unit, or
   * admins), at the version last read. Assigning the current lead officer again changes nothing.
   */
  async assignLeadOfficer(
    engagementId: string,
    input: AssignLeadOfficer,
    principal: Principal,
  ): Promise<EngagementView> {
    const scope = dataScopeOf(principal, 'assign lead officer');
    const current = await this.repo.getById(scope, engagementId);
    if (current.leadOfficerId === input.leadOfficerId) return toEngagementView(current);
    const event = outboxEvent(LeadOfficerAssignedV1, {
      actor: actorOf(principal, MANAGERS),
      engagementId,
      organisationId: current.organisationId,
      unitId: current.unitId,
      payload: {
        leadOfficerId: input.leadOfficerId,
        ...(current.leadOfficerId ? { previousLeadOfficerId: current.leadOfficerId } : {}),
      },
    });
    const updated = await this.repo.updateById(
      scope,
      engagementId,
      input.version,
      withOutbox({ $set: { leadOfficerId: input.leadOfficerId } }, [event]),
    );
    return toEngagementView(updated);
  }

  /**
   * Sets the phase (internal: the orchestrator is the only caller). Idempotent by `requestId`:
   * a repeated request answers the engagement as it is. 409 INVALID_STATE_TRANSITION when the
   * engagement is not in `expectedPhase`, is already in `phase`, or is closed.
   */
  async setPhase(
    engagementId: string,
    request: SetEngagementPhaseRequest,
    principal: Principal,
  ): Promise<EngagementView> {
    const scope = DataScope.all(`set phase by ${principal.type}:${principal.id}`);
    for (let attempt = 0; ; attempt++) {
      const current = await this.repo.getById(scope, engagementId);
      if ((current.phaseRequestIds ?? []).includes(request.requestId)) {
        return toEngagementView(current);
      }
      if (current.phase !== request.expectedPhase) {
        throw new ApiError(
          'INVALID_STATE_TRANSITION',
          `The engagement is in phase ${current.phase}, not ${request.expectedPhase}.`,
        );
      }
      if (current.phase === request.phase || FINAL_PHASES.includes(current.phase)) {
        throw new ApiError(
          'INVALID_STATE_TRANSITION',
          `An engagement in phase ${current.phase} cannot move to ${request.phase}.`,
        );
      }
      const event = outboxEvent(EngagementPhaseChangedV1, {
        actor: actorOf(principal, ['admin']),
        engagementId,
        organisationId: current.organisationId,
        unitId: current.unitId,
        payload: { from: current.phase, to: request.phase, reason: request.reason },
      });
      try {
        const updated = await this.repo.updateOne(
          scope,
          { _id: engagementId, phase: request.expectedPhase },
          current.__v,
          withOutbox(
            { $set: { phase: request.phase }, $push: { phaseRequestIds: request.requestId } },
            [event],
          ),
        );
        return toEngagementView(updated);
      } catch (err) {
        // Changed meanwhile (another field, or this very request retried): decide again.
        if (!(err instanceof VersionConflictError) || attempt >= 2) throw err;
      }
    }
  }

  private programManagerOf(input: CreateEngagement, principal: Principal): string {
    if (principal.roles.includes('program-manager') && !principal.roles.includes('admin')) {
      if (input.programManagerId && input.programManagerId !== principal.id) {
        throw forbidden('a program manager opens engagements in their own name');
      }
      return principal.id;
    }
    if (!input.programManagerId) {
      throw new ValidationFailedError([
        { path: 'programManagerId', message: 'is required when an admin opens an engagement' },
      ]);
    }
    return input.programManagerId;
  }
}
