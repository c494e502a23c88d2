import {
  applyFactWrite,
  buildDataset,
  type Dataset,
  type EngagementFacts,
  type FactWrite,
  type OrganisationFacts,
} from '@trellis/reporting-domain';
import type { Freshness } from '../read-model/freshness';
import type { FactsObserver, MongoReadModelStore } from '../read-model/read-model.store';

/** The read models in memory, as reports use them. */
export interface Snapshot {
  loadedAt: number;
  /** Freshness read just before the load (the data is at least this fresh). */
  freshness: Freshness;
  /** Tombstones when loaded: a new one (another replica's erasure) forces a reload. */
  tombstones: number;
  engagements: Map<string, Record<string, unknown>>;
  organisations: Map<string, Record<string, unknown>>;
  dataset?: Dataset;
}

/**
 * The read models held in memory for the reports: loaded in full once (a full read of every
 * bucket), then kept current with every change this process stores (the same writes, applied
 * with the same semantics), so reports normally cost only their computation. Reloaded in the
 * background every `reloadMs` (changes made by other replicas), and at once, before answering,
 * when another replica erased an organisation (a new tombstone), so an erased organisation is
 * never served.
 */
export class ReportSnapshots implements FactsObserver {
  private current?: Snapshot;
  private loading?: Promise<Snapshot>;
  /** Changes made while a load runs, applied to its result (they commute and repeat safely). */
  private pending: ((snapshot: Snapshot) => void)[] = [];

  constructor(
    private readonly store: MongoReadModelStore,
    private readonly freshness: () => Promise<Freshness>,
    private readonly reloadMs: number,
  ) {
    store.observe(this);
  }

  applied(writes: readonly FactWrite[]): void {
    const change = (s: Snapshot) => {
      for (const write of writes) {
        const docs = write.collection === 'engagements' ? s.engagements : s.organisations;
        docs.set(write.id, applyFactWrite(docs.get(write.id), write));
      }
      s.dataset = undefined;
    };
    this.change(change);
  }

  purged(organisation: string): void {
    this.change((s) => {
      for (const [id, doc] of s.engagements)
        if (doc['organisation'] === organisation) s.engagements.delete(id);
      s.organisations.delete(organisation);
      s.dataset = undefined;
    });
  }

  /** The snapshot to report from, with its dataset. */
  async get(): Promise<Snapshot & { dataset: Dataset }> {
    let snapshot = this.current;
    if (!snapshot || (await this.store.tombstoneCount()) > snapshot.tombstones) {
      snapshot = await this.load();
    } else if (Date.now() - snapshot.loadedAt >= this.reloadMs) {
      void this.load().catch(() => undefined);
    }
    snapshot.dataset ??= buildDataset(
      [...snapshot.engagements.values()] as unknown as EngagementFacts[],
      [...snapshot.organisations.values()] as unknown as OrganisationFacts[],
    );
    return snapshot as Snapshot & { dataset: Dataset };
  }

  private change(change: (s: Snapshot) => void): void {
    if (this.current) change(this.current);
    if (this.loading) this.pending.push(change);
  }

  private load(): Promise<Snapshot> {
    this.loading ??= (async () => {
      try {
        const freshness = await this.freshness();
        const tombstones = await this.store.tombstoneCount();
        const { engagements, organisations } = await this.store.loadAll();
        const snapshot: Snapshot = {
          loadedAt: Date.now(),
          freshness,
          tombstones,
          engagements: new Map(
            engagements.map((d) => [d._id, d as unknown as Record<string, unknown>]),
          ),
          organisations: new Map(
            organisations.map((d) => [d._id, d as unknown as Record<string, unknown>]),
          ),
        };
        for (const change of this.pending) change(snapshot);
        this.current = snapshot;
        return snapshot;
      } finally {
        this.pending = [];
        this.loading = undefined;
      }
    })();
    return this.loading;
  }
}
