import {
  applyFactWrite,
  type EngagementFacts,
  type FactCollection,
  type FactWrite,
  type OrganisationFacts,
  type PurgeCounts,
} from './facts';
import type { ReadModelStore } from './projection';

/**
 * The read models in memory, with the same semantics as the MongoDB store: for unit tests of
 * the projection and the reports, and as the reference the integration test and the benchmark
 * compare against.
 */
export class MemoryReadModel implements ReadModelStore {
  private readonly docs: Record<FactCollection, Map<string, Record<string, unknown>>> = {
    engagements: new Map(),
    organisations: new Map(),
  };
  private readonly tombstones = new Map<
    string,
    { erasedAt: string; purges: Map<string, PurgeCounts> }
  >();

  isErased(tombstone: string): Promise<boolean> {
    return Promise.resolve(this.tombstones.has(tombstone));
  }

  markErased(tombstone: string, at: string): Promise<void> {
    const existing = this.tombstones.get(tombstone);
    if (!existing) this.tombstones.set(tombstone, { erasedAt: at, purges: new Map() });
    else if (at < existing.erasedAt) existing.erasedAt = at;
    return Promise.resolve();
  }

  apply(writes: readonly FactWrite[]): Promise<void> {
    for (const write of writes) {
      const collection = this.docs[write.collection];
      collection.set(write.id, applyFactWrite(collection.get(write.id), write));
    }
    return Promise.resolve();
  }

  purge(organisation: string): Promise<PurgeCounts> {
    let engagementFacts = 0;
    for (const [id, doc] of this.docs.engagements) {
      if (doc['organisation'] === organisation) {
        this.docs.engagements.delete(id);
        engagementFacts += 1;
      }
    }
    const organisationFacts = this.docs.organisations.delete(organisation) ? 1 : 0;
    return Promise.resolve({ engagementFacts, organisationFacts });
  }

  recordPurge(
    tombstone: string,
    erasureRequestId: string,
    counts: PurgeCounts,
  ): Promise<PurgeCounts> {
    const entry = this.tombstones.get(tombstone);
    if (!entry) throw new Error('recordPurge before markErased');
    const first = entry.purges.get(erasureRequestId) ?? counts;
    entry.purges.set(erasureRequestId, first);
    return Promise.resolve(first);
  }

  /** Every engagement facts document, sorted by id. */
  engagements(): EngagementFacts[] {
    return sortedValues(this.docs.engagements) as unknown as EngagementFacts[];
  }

  /** Every organisation facts document, sorted by id. */
  organisations(): OrganisationFacts[] {
    return sortedValues(this.docs.organisations) as unknown as OrganisationFacts[];
  }

  /** How many organisations were erased. */
  erasedCount(): number {
    return this.tombstones.size;
  }
}

function sortedValues(map: Map<string, Record<string, unknown>>): Record<string, unknown>[] {
  return [...map.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, doc]) => structuredClone(doc));
}
