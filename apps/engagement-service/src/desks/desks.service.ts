import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeskCreatedV1, DeskUpdatedV1, type CountryCode, type Role } from '@trellis/contracts';
import { conflictingCountries, type DeskScope } from '@trellis/engagement-domain';
import type { Principal } from '@trellis/platform-auth';
import { ApiError } from '@trellis/platform-http';
import {
  DataScope,
  InjectModel,
  isDuplicateKeyError,
  ScopedRepository,
} from '@trellis/platform-mongo';
import { documentWithOutbox, withOutbox } from '@trellis/platform-outbox';
import type { Model } from 'mongoose';
import { actorOf } from '../common/access';
import { outboxEvent } from '@trellis/platform-outbox';
import {
  COUNTRY_CLAIM_MODEL,
  DESK_MODEL,
  toDeskView,
  type CountryClaimDocument,
  type CreateDesk,
  type DeskDocument,
  type DeskView,
  type UpdateDesk,
} from './desks.schema';

/** A claim older than this whose desk does not list the country is left over from a crash. */
const STALE_CLAIM_MS = 60_000;
const ADMIN: readonly Role[] = ['admin'];

/** 409 COUNTRY_ALREADY_COVERED naming the country and the desk that has it. */
function countryCovered(country: string, deskId: string, index: number): ApiError {
  return new ApiError(
    'COUNTRY_ALREADY_COVERED',
    `Country ${country} is already covered by desk ${deskId}.`,
    [{ path: `countries.${index}`, message: `${country} is already covered by desk ${deskId}` }],
  );
}

/**
 * Desks (admin): create, rename, change the countries covered. A country belongs to one desk
 * at most; every change is published (`engagement.desk.created` / `.updated`) through the
 * desk document's outbox. Changing a desk's countries does not move existing engagements.
 */
@Injectable()
export class DesksService {
  private readonly repo: ScopedRepository<DeskDocument>;

  constructor(
    @InjectModel(DESK_MODEL) private readonly desks: Model<DeskDocument>,
    @InjectModel(COUNTRY_CLAIM_MODEL) private readonly claims: Model<CountryClaimDocument>,
  ) {
    this.repo = new ScopedRepository(desks, { unit: '_id' }, { entity: 'Desk' });
  }

  /** Every desk, by name (desks are not sensitive: any staff member may list them). */
  async list(): Promise<DeskView[]> {
    const desks = await this.repo.find(DataScope.all('desk directory'), {}, { sort: { name: 1 } });
    return desks.map(toDeskView);
  }

  /** One desk; 404 NOT_FOUND when there is none. */
  async get(deskId: string): Promise<DeskView> {
    return toDeskView(await this.repo.getById(DataScope.all('desk directory'), deskId));
  }

  /** The desks as routing sees them. */
  async routingTable(): Promise<DeskScope[]> {
    const desks = await this.repo.find(DataScope.all('routing'));
    return desks.map((d) => ({ id: d._id, countries: d.countries }));
  }

  /** Creates a desk; 409 COUNTRY_ALREADY_COVERED or DUPLICATE (id taken). */
  async create(input: CreateDesk, principal: Principal): Promise<DeskView> {
    const deskId = input.id ?? randomUUID();
    await this.assertNotCovered(deskId, input.countries);
    await this.claim(deskId, input.countries);
    const event = outboxEvent(DeskCreatedV1, {
      actor: actorOf(principal, ADMIN),
      unitId: deskId,
      payload: { deskId, countries: input.countries },
    });
    try {
      const created = await this.repo.insert(
        DataScope.all(`create desk by ${principal.id}`),
        documentWithOutbox({ _id: deskId, name: input.name, countries: input.countries }, [event]),
      );
      return toDeskView(created);
    } catch (err) {
      await this.release(deskId, input.countries);
      throw err;
    }
  }

  /**
   * Renames a desk and sets its countries (at the version last read: 409 VERSION_CONFLICT
   * otherwise). Countries added must be free (409 COUNTRY_ALREADY_COVERED).
   */
  async update(deskId: string, input: UpdateDesk, principal: Principal): Promise<DeskView> {
    const scope = DataScope.all(`update desk by ${principal.id}`);
    const current = await this.repo.getById(scope, deskId);
    const added = input.countries.filter((c) => !current.countries.includes(c));
    const removed = current.countries.filter((c) => !input.countries.includes(c));
    await this.assertNotCovered(deskId, input.countries);
    await this.claim(deskId, added, input.countries);
    const event = outboxEvent(DeskUpdatedV1, {
      actor: actorOf(principal, ADMIN),
      unitId: deskId,
      payload: {
        deskId,
        countries: input.countries,
        addedCountries: added,
        removedCountries: removed,
      },
    });
    let updated: DeskDocument;
    try {
      updated = await this.repo.updateById(
        scope,
        deskId,
        input.version,
        withOutbox({ $set: { name: input.name, countries: input.countries } }, [event]),
      );
    } catch (err) {
      await this.release(deskId, added);
      throw err;
    }
    await this.release(deskId, removed);
    return toDeskView(updated);
  }

  /** Fast, readable check against the desks as stored (the claims close the race). */
  private async assertNotCovered(deskId: string, countries: readonly string[]): Promise<void> {
    const [conflict] = conflictingCountries(countries, await this.routingTable(), deskId);
    if (conflict) {
      throw countryCovered(conflict.country, conflict.deskId, countries.indexOf(conflict.country));
    }
  }

  /** Claims `countries` for the desk, all or none. `all` gives field indexes for errors. */
  private async claim(
    deskId: string,
    countries: readonly CountryCode[],
    all: readonly CountryCode[] = countries,
  ): Promise<void> {
    const claimed: CountryCode[] = [];
    try {
      for (const country of countries) {
        await this.claimOne(deskId, country, all.indexOf(country));
        claimed.push(country);
      }
    } catch (err) {
      await this.release(deskId, claimed);
      throw err;
    }
  }

  private async claimOne(deskId: string, country: CountryCode, index: number): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await this.claims.create({ _id: country, deskId, claimedAt: new Date() });
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      const holder = await this.claims.findById(country).lean<CountryClaimDocument>().exec();
      if (!holder) continue; // released meanwhile: try again
      if (holder.deskId === deskId) return; // left over from an earlier attempt of ours
      const listed = await this.desks.exists({ _id: holder.deskId, countries: country }).exec();
      const stale = !listed && Date.now() - holder.claimedAt.getTime() > STALE_CLAIM_MS;
      if (!stale) throw countryCovered(country, holder.deskId, index);
      await this.claims
        .deleteOne({ _id: country, deskId: holder.deskId, claimedAt: holder.claimedAt })
        .exec();
    }
    throw new ApiError('CONFLICT', `Country ${country} is being assigned concurrently; retry.`);
  }

  private async release(deskId: string, countries: readonly string[]): Promise<void> {
    if (countries.length === 0) return;
    await this.claims.deleteMany({ _id: { $in: [...countries] }, deskId }).exec();
  }
}
