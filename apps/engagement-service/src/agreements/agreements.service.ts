import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  AgreementActivatedV1,
  AgreementAmendedV1,
  AgreementDraftedV1,
  AgreementRevisedV1,
  AgreementWithdrawnV1,
  AgreementProposedV1,
  AgreementSignedV1,
  type Role,
} from '@trellis/contracts';
import {
  activate,
  amend,
  checkAgreementTerms,
  diffTerms,
  editTerms,
  InvalidTransitionError,
  newDraft,
  propose,
  sign,
  supersede,
  withdraw,
} from '@trellis/engagement-domain';
import { forbidden, type Principal } from '@trellis/platform-auth';
import { FieldCipher, type EncryptedField } from '@trellis/platform-crypto';
import { ApiError } from '@trellis/platform-http';
import {
  DataScope,
  DuplicateKeyError,
  InjectModel,
  NotFoundError,
  ScopedRepository,
  VersionConflictError,
} from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox, type OutboxEvent } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { z } from 'zod';
import { actorOf, dataScopeOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import { assertEngagementOpen } from '../engagements/engagements.schema';
import { EngagementsService } from '../engagements/engagements.service';
import { partyOf, termsProblemsError } from './agreements.policy';
import {
  AGREEMENT_FIELD_CONTEXT,
  AGREEMENT_MODEL,
  carryOver,
  changedSections,
  joinRationales,
  splitRationales,
  toAgreementView,
  toVersionSummary,
  type AgreementDiffView,
  type AgreementDocument,
  type AgreementView,
  type AgreementVersionView,
  type StoredAgreementVersion,
  type TermsInput,
} from './agreements.schema';

/** Injection token of {@link AgreementPolicy}. */
export const AGREEMENT_POLICY = Symbol('AGREEMENT_POLICY');

/** Service policy for agreements, from configuration. */
export interface AgreementPolicy {
  /** Shortest duration any term may set (ISO-8601; `MIN_CADENCE`). */
  minimumDuration: string;
}

const MANAGERS: readonly Role[] = ['admin', 'program-manager'];
const SIGNERS: readonly Role[] = ['program-manager', 'protection-officer', 'defender'];
const MAX_ATTEMPTS = 3;
const RationalesSchema = z.record(z.string(), z.string());

/** What one transition writes: the new versions, the version in force, the events. */
interface Outcome {
  versions: StoredAgreementVersion[];
  activeVersion?: number;
  events: OutboxEvent[];
  /** The version the caller gets back. */
  version: number;
}

/**
 * Agreements (DESIGN.md §1.1): one document per engagement holding every version. Program
 * managers draft, propose, withdraw, activate and amend; an officer or program manager of the
 * unit signs for the protection organisation and a defender user of the organisation for the
 * defender organisation. Each transition is computed with `@trellis/engagement-domain` and
 * written with its events as one update at the document's version (retried on a conflict).
 */
@Injectable()
export class AgreementsService {
  private readonly repo: ScopedRepository<AgreementDocument>;

  constructor(
    @InjectModel(AGREEMENT_MODEL) model: Model<AgreementDocument>,
    private readonly engagements: EngagementsService,
    private readonly cipher: FieldCipher,
    @Inject(AGREEMENT_POLICY) private readonly policy: AgreementPolicy,
  ) {
    this.repo = new ScopedRepository(
      model,
      { organisation: 'organisationId', unit: 'unitId' },
      { entity: 'Agreement' },
    );
  }

  /**
   * Drafts version 1 of the engagement's agreement. 409 CONFLICT when the engagement already
   * has one (amend it instead); 400 UNKNOWN_CATALOGUE_ITEM / DURATION_TOO_SHORT /
   * INVALID_DURATION for terms the schema cannot judge.
   */
  async create(
    engagementId: string,
    input: TermsInput,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = managerScope(principal, 'draft agreement');
    const engagement = await this.engagements.stored(scope, engagementId);
    assertEngagementOpen(engagement, 'draft an agreement');
    const { terms, rationales } = this.checked(input);
    if (await this.repo.findById(scope, engagementId)) throw alreadyExists();
    const agreementId = randomUUID();
    const first: StoredAgreementVersion = {
      ...newDraft(terms),
      ...(await this.sealed(engagement.organisationId, rationales)),
      createdAt: new Date().toISOString(),
      createdBy: principal.id,
    };
    const doc = {
      _id: engagementId,
      agreementId,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
      versions: [first],
    };
    const event = outboxEvent(AgreementDraftedV1, {
      actor: actorOf(principal, MANAGERS),
      engagementId,
      organisationId: engagement.organisationId,
      unitId: engagement.unitId,
      payload: { agreementId, agreementVersion: 1 },
    });
    const insertScope = scope.kind === 'all' ? scope : DataScope.unit(engagement.unitId);
    try {
      const created = await this.repo.insert(insertScope, documentWithOutbox(doc, [event]));
      return this.versionView(created, 1);
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw alreadyExists();
      throw err;
    }
  }

  /** Replaces a draft's terms (409 INVALID_STATE_TRANSITION for any other status). */
  async edit(
    engagementId: string,
    version: number,
    input: TermsInput,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = managerScope(principal, 'edit agreement');
    const { terms, rationales } = this.checked(input);
    return this.transition(scope, engagementId, version, async (doc, v) => {
      const { rationales: _old, ...rest } = carryOver(editTerms(v, terms), v);
      const edited: StoredAgreementVersion = {
        ...rest,
        ...(await this.sealed(doc.organisationId, rationales)),
      };
      const event = outboxEvent(AgreementRevisedV1, {
        actor: actorOf(principal, MANAGERS),
        ...aggregateOf(doc),
        payload: {
          agreementId: doc.agreementId,
          agreementVersion: version,
          changedSections: changedSections(v.terms, terms),
        },
      });
      return { versions: replace(doc.versions, edited), events: [event], version };
    });
  }

  /**
   * Proposes a draft to both parties. An amendment must change the terms of the version it
   * amends (409 CONFLICT otherwise: the `amended` event names the changed sections).
   */
  async propose(
    engagementId: string,
    version: number,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = managerScope(principal, 'propose agreement');
    return this.transition(scope, engagementId, version, (doc, v, now) => {
      const proposed = carryOver(propose(v, now), v);
      if (v.amendsVersion !== undefined) {
        const base = versionOf(doc, v.amendsVersion);
        if (changedSections(base.terms, v.terms).length === 0) {
          throw new ApiError(
            'CONFLICT',
            `Version ${version} does not change the terms of version ${v.amendsVersion}.`,
          );
        }
      }
      const event = outboxEvent(AgreementProposedV1, {
        actor: actorOf(principal, MANAGERS),
        ...aggregateOf(doc),
        payload: {
          agreementId: doc.agreementId,
          agreementVersion: version,
        },
      });
      return { versions: replace(doc.versions, proposed), events: [event], version };
    });
  }

  /**
   * Withdraws a proposed version back to draft (its signatures dropped). Published as
   * `engagement.agreement.withdrawn`.
   */
  async withdraw(
    engagementId: string,
    version: number,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = managerScope(principal, 'withdraw agreement');
    return this.transition(scope, engagementId, version, (doc, v) => {
      const draft = carryOver(withdraw(v), v);
      const event = outboxEvent(AgreementWithdrawnV1, {
        actor: actorOf(principal, MANAGERS),
        ...aggregateOf(doc),
        payload: { agreementId: doc.agreementId, agreementVersion: version },
      });
      return { versions: replace(doc.versions, draft), events: [event], version };
    });
  }

  /**
   * Signs a proposed version for the caller's party (see `partyOf`): 403 for a defender of
   * another organisation, 409 when the party has signed already.
   */
  async sign(
    engagementId: string,
    version: number,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    // Read unscoped so that a defender of another organisation gets 403 (not 404); partyOf
    // decides before anything is revealed or written.
    const scope = DataScope.all(`sign agreement by ${principal.type}:${principal.id}`);
    return this.transition(scope, engagementId, version, (doc, v, now) => {
      const party = partyOf(principal, doc);
      const signed = carryOver(sign(v, party, principal.id, now), v);
      const event = outboxEvent(AgreementSignedV1, {
        actor: actorOf(principal, SIGNERS),
        ...aggregateOf(doc),
        payload: {
          agreementId: doc.agreementId,
          agreementVersion: version,
          party,
          signerId: principal.id,
          fullySigned: signed.status === 'signed',
        },
      });
      return { versions: replace(doc.versions, signed), events: [event], version };
    });
  }

  /**
   * Brings a signed version into force, superseding the version in force in the same update.
   * Publishes `engagement.agreement.activated` for version 1 and `engagement.agreement.amended`
   * for an amendment, with the terms.
   */
  async activate(
    engagementId: string,
    version: number,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = managerScope(principal, 'activate agreement');
    assertEngagementOpen(
      await this.engagements.stored(scope, engagementId),
      'activate an agreement version',
    );
    return this.transition(scope, engagementId, version, (doc, v, now) => {
      const active = carryOver(activate(v, now), v);
      let versions = replace(doc.versions, active);
      const previous =
        doc.activeVersion !== undefined ? versionOf(doc, doc.activeVersion) : undefined;
      let event: OutboxEvent;
      if (!previous) {
        event = outboxEvent(AgreementActivatedV1, {
          actor: actorOf(principal, MANAGERS),
          ...aggregateOf(doc),
          payload: {
            agreementId: doc.agreementId,
            agreementVersion: version,
            terms: v.terms,
          },
        });
      } else {
        versions = replace(versions, carryOver(supersede(previous, now), previous));
        const sections = changedSections(previous.terms, v.terms);
        if (sections.length === 0) {
          throw new ApiError(
            'CONFLICT',
            `Version ${version} does not change the terms in force (version ${previous.version}).`,
          );
        }
        event = outboxEvent(AgreementAmendedV1, {
          actor: actorOf(principal, MANAGERS),
          ...aggregateOf(doc),
          payload: {
            agreementId: doc.agreementId,
            agreementVersion: version,
            previousVersion: previous.version,
            changedSections: sections,
            terms: v.terms,
          },
        });
      }
      return { versions, activeVersion: version, events: [event], version };
    });
  }

  /**
   * Starts amendment N+1 of the ACTIVE version `version` (409 INVALID_STATE_TRANSITION for a
   * draft, proposed, signed or superseded one, and while another amendment is open), with the
   * given terms or a copy of the active ones.
   */
  async amend(
    engagementId: string,
    version: number,
    input: TermsInput | undefined,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = managerScope(principal, 'amend agreement');
    assertEngagementOpen(await this.engagements.stored(scope, engagementId), 'amend the agreement');
    const replacement = input ? this.checked(input) : undefined;
    return this.transition(scope, engagementId, version, async (doc, v) => {
      const latest = Math.max(...doc.versions.map((x) => x.version));
      const draft = amend(v, latest, replacement?.terms);
      const open = doc.versions.find((x) => ['draft', 'proposed', 'signed'].includes(x.status));
      if (open) {
        throw new InvalidTransitionError(
          'amend',
          v.status,
          `amendment version ${open.version} is still ${open.status}`,
        );
      }
      const sealed = replacement
        ? await this.sealed(doc.organisationId, replacement.rationales)
        : v.rationales
          ? { rationales: v.rationales }
          : {};
      const created: StoredAgreementVersion = {
        ...draft,
        ...sealed,
        createdAt: new Date().toISOString(),
        createdBy: principal.id,
      };
      const event = outboxEvent(AgreementDraftedV1, {
        actor: actorOf(principal, MANAGERS),
        ...aggregateOf(doc),
        payload: {
          agreementId: doc.agreementId,
          agreementVersion: created.version,
          basedOnVersion: version,
        },
      });
      return { versions: [...doc.versions, created], events: [event], version: created.version };
    });
  }

  /** The engagement's agreement with every version's status and signatures. */
  async get(engagementId: string, principal: Principal): Promise<AgreementView> {
    const scope = dataScopeOf(principal, 'read agreement');
    return toAgreementView(await this.repo.getById(scope, engagementId));
  }

  /** One version with its terms and rationales. */
  async getVersion(
    engagementId: string,
    version: number,
    principal: Principal,
  ): Promise<AgreementVersionView> {
    const scope = dataScopeOf(principal, 'read agreement version');
    return this.versionView(await this.repo.getById(scope, engagementId), version);
  }

  /** What changed in the terms (rationales included) from version `from` to version `to`. */
  async diff(
    engagementId: string,
    from: number,
    to: number,
    principal: Principal,
  ): Promise<AgreementDiffView> {
    const scope = dataScopeOf(principal, 'diff agreement versions');
    const doc = await this.repo.getById(scope, engagementId);
    const [before, after] = [versionOf(doc, from), versionOf(doc, to)];
    const [beforeTerms, afterTerms] = await Promise.all([
      this.readableTerms(doc, before),
      this.readableTerms(doc, after),
    ]);
    return {
      from,
      to,
      changedSections: changedSections(before.terms, after.terms),
      changes: diffTerms(beforeTerms, afterTerms),
    };
  }

  /**
   * Reads the agreement, applies `step` to version `version` and writes the outcome with its
   * events at the version read; on a concurrent change, decides again (up to 3 times).
   */
  private async transition(
    scope: DataScope,
    engagementId: string,
    version: number,
    step: (
      doc: AgreementDocument,
      v: StoredAgreementVersion,
      now: string,
    ) => Outcome | Promise<Outcome>,
  ): Promise<AgreementVersionView> {
    for (let attempt = 1; ; attempt++) {
      const doc = await this.repo.getById(scope, engagementId);
      const outcome = await step(doc, versionOf(doc, version), new Date().toISOString());
      const set = {
        versions: outcome.versions,
        ...(outcome.activeVersion !== undefined ? { activeVersion: outcome.activeVersion } : {}),
      };
      try {
        const updated = await this.repo.updateById(
          scope,
          engagementId,
          doc.__v,
          withOutbox({ $set: set }, outcome.events),
        );
        return this.versionView(updated, outcome.version);
      } catch (err) {
        if (!(err instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw err;
      }
    }
  }

  /** Splits and checks the terms against the catalogue and the minimum duration. */
  private checked(input: TermsInput): ReturnType<typeof splitRationales> {
    const split = splitRationales(input);
    const problems = checkAgreementTerms(split.terms, this.policy.minimumDuration);
    if (problems.length === 0) return split;
    throw termsProblemsError(problems);
  }

  private async sealed(
    organisationId: string,
    rationales: Record<string, string>,
  ): Promise<{ rationales?: EncryptedField }> {
    if (Object.keys(rationales).length === 0) return {};
    return {
      rationales: await this.cipher.encryptJson(
        organisationId,
        rationales,
        AGREEMENT_FIELD_CONTEXT.rationales,
      ),
    };
  }

  private async readableTerms(
    doc: AgreementDocument,
    v: StoredAgreementVersion,
  ): Promise<TermsInput> {
    const rationales = v.rationales
      ? await this.cipher.decryptJson(
          doc.organisationId,
          v.rationales,
          AGREEMENT_FIELD_CONTEXT.rationales,
          RationalesSchema,
        )
      : {};
    return joinRationales(v.terms, rationales);
  }

  private async versionView(
    doc: AgreementDocument,
    version: number,
  ): Promise<AgreementVersionView> {
    const v = versionOf(doc, version);
    return {
      agreementId: doc.agreementId,
      engagementId: doc._id,
      ...toVersionSummary(v),
      terms: await this.readableTerms(doc, v),
    };
  }
}

/** Managers' scope: unit staff or admins; defenders may not manage agreements (403). */
function managerScope(principal: Principal, reason: string): DataScope {
  const scope = dataScopeOf(principal, reason);
  if (scope.kind === 'organisation') throw forbidden('defenders cannot manage agreements');
  return scope;
}

/** The event scope fields of the agreement's engagement. */
function aggregateOf(doc: AgreementDocument) {
  return { engagementId: doc._id, organisationId: doc.organisationId, unitId: doc.unitId };
}

function versionOf(doc: AgreementDocument, version: number): StoredAgreementVersion {
  const found = doc.versions.find((v) => v.version === version);
  if (!found) throw new NotFoundError('Agreement version');
  return found;
}

function replace(
  versions: readonly StoredAgreementVersion[],
  next: StoredAgreementVersion,
): StoredAgreementVersion[] {
  return versions.map((v) => (v.version === next.version ? next : v));
}

function alreadyExists(): ApiError {
  return new ApiError(
    'CONFLICT',
    'This engagement already has an agreement: amend its active version instead.',
  );
}
