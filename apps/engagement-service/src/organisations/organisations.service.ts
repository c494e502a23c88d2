import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OrganisationRegisteredV1, OrganisationUpdatedV1, type Role } from '@trellis/contracts';
import { routeEngagement } from '@trellis/engagement-domain';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { FieldCipher } from '@trellis/platform-crypto';
import { InjectModel, ScopedRepository, type DataScope } from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { z } from 'zod';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { DesksService } from '../desks/desks.service';
import {
  ContactSchema,
  ORGANISATION_FIELD_CONTEXT,
  ORGANISATION_MODEL,
  type OrganisationDocument,
  type OrganisationView,
  type RegisterOrganisation,
  type UpdateOrganisation,
} from './organisations.schema';

const MANAGERS: readonly Role[] = ['admin', 'program-manager', 'defender'];
const LIST_LIMIT = 100;

/** The non-sensitive profile carried by organisation events (no name, no contacts). */
function profileOf(
  doc: Pick<OrganisationDocument, '_id' | 'country' | 'region' | 'setting' | 'focusAreas' | 'size'>,
) {
  return {
    organisationId: doc._id,
    country: doc.country,
    ...(doc.region ? { region: doc.region } : {}),
    setting: doc.setting,
    focusAreas: doc.focusAreas,
    size: doc.size,
  };
}

/**
 * Defender organisations: registration and updates. Name and contacts are encrypted with the
 * organisation's own data key (`FieldCipher`), so erasing that key makes them unreadable
 * everywhere; events carry the clear profile only.
 */
@Injectable()
export class OrganisationsService {
  private readonly repo: ScopedRepository<OrganisationDocument>;

  constructor(
    @InjectModel(ORGANISATION_MODEL) model: Model<OrganisationDocument>,
    private readonly cipher: FieldCipher,
    private readonly desks: DesksService,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: '_id', unit: 'unitId' },
      { entity: 'Organisation' },
    );
  }

  /**
   * Registers an organisation with the unit its country routes to. A program manager may
   * register organisations of their own unit only (403 otherwise).
   */
  async register(input: RegisterOrganisation, principal: Principal): Promise<OrganisationView> {
    const scope = dataScopeOf(principal, 'register organisation');
    const route = routeEngagement(input.country, await this.desks.routingTable());
    if (scope.kind === 'unit' && scope.unitId !== route.unitId) {
      throw forbidden(
        `organisations in ${input.country} are taken in charge by unit ${route.unitId}, not yours`,
      );
    }
    if (scope.kind === 'organisation') throw forbidden('defenders cannot register organisations');
    const id = randomUUID();
    const doc = {
      _id: id,
      unitId: route.unitId,
      ...(await this.encrypted(id, input)),
      country: input.country,
      ...(input.region ? { region: input.region } : {}),
      setting: input.setting,
      focusAreas: input.focusAreas,
      size: input.size,
    };
    const event = outboxEvent(OrganisationRegisteredV1, {
      actor: actorOf(principal, MANAGERS),
      organisationId: id,
      unitId: route.unitId,
      payload: profileOf(doc),
    });
    const created = await this.repo.insert(scope, documentWithOutbox(doc, [event]));
    return this.view(created);
  }

  /**
   * Replaces the organisation's profile (at the version last read). Its unit does not change
   * with its country: moving an organisation's engagements is an explicit re-routing.
   */
  async update(
    organisationId: string,
    input: UpdateOrganisation,
    principal: Principal,
  ): Promise<OrganisationView> {
    const scope = dataScopeOf(principal, 'update organisation');
    const current = await this.repo.getById(scope, organisationId);
    const next = {
      ...(await this.encrypted(organisationId, input)),
      country: input.country,
      setting: input.setting,
      focusAreas: input.focusAreas,
      size: input.size,
    };
    const event = outboxEvent(OrganisationUpdatedV1, {
      actor: actorOf(principal, MANAGERS),
      organisationId,
      unitId: current.unitId,
      payload: profileOf({ _id: organisationId, ...next, region: input.region }),
    });
    const update = input.region
      ? { $set: { ...next, region: input.region } }
      : { $set: next, $unset: { region: 1 } };
    const updated = await this.repo.updateById(
      scope,
      organisationId,
      input.version,
      withOutbox(update, [event]),
    );
    return this.view(updated);
  }

  /** One organisation in the caller's scope, decrypted; 404 otherwise. */
  async get(organisationId: string, principal: Principal): Promise<OrganisationView> {
    const scope = dataScopeOf(principal, 'read organisation');
    return this.view(await this.repo.getById(scope, organisationId));
  }

  /** The organisations in the caller's scope (newest first, at most 100), decrypted. */
  async list(principal: Principal): Promise<OrganisationView[]> {
    const scope = dataScopeOf(principal, 'list organisations');
    const docs = await this.repo.find(scope, {}, { sort: { createdAt: -1 }, limit: LIST_LIMIT });
    return Promise.all(docs.map((d) => this.view(d)));
  }

  /** The stored organisation (encrypted fields untouched) if it is in `scope`; 404 otherwise. */
  async stored(scope: DataScope, organisationId: string): Promise<OrganisationDocument> {
    return this.repo.getById(scope, organisationId);
  }

  private async encrypted(
    organisationId: string,
    input: Pick<RegisterOrganisation, 'name' | 'contacts'>,
  ): Promise<Pick<OrganisationDocument, 'name' | 'contacts'>> {
    const [name, contacts] = await Promise.all([
      this.cipher.encrypt(organisationId, input.name, ORGANISATION_FIELD_CONTEXT.name),
      this.cipher.encryptJson(organisationId, input.contacts, ORGANISATION_FIELD_CONTEXT.contacts),
    ]);
    return { name, contacts };
  }

  private async view(doc: OrganisationDocument): Promise<OrganisationView> {
    const [name, contacts] = await Promise.all([
      this.cipher.decrypt(doc._id, doc.name, ORGANISATION_FIELD_CONTEXT.name),
      this.cipher.decryptJson(
        doc._id,
        doc.contacts,
        ORGANISATION_FIELD_CONTEXT.contacts,
        z.array(ContactSchema),
      ),
    ]);
    return {
      id: doc._id,
      unitId: doc.unitId,
      name,
      contacts,
      country: doc.country,
      ...(doc.region ? { region: doc.region } : {}),
      setting: doc.setting,
      focusAreas: doc.focusAreas,
      size: doc.size,
      version: doc.__v,
      createdAt: doc.createdAt.toISOString(),
      updatedAt: doc.updatedAt.toISOString(),
    };
  }
}
