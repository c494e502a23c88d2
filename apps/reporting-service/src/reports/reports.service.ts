import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CONFIG } from '@trellis/platform-config';
import { REPORTS, reportToCsv, type ReportName } from '@trellis/reporting-domain';
import type { ReportingConfig } from '../config';
import { FreshnessTracker, type Freshness } from '../read-model/freshness';
import { MongoReadModelStore } from '../read-model/read-model.store';
import { ReportSnapshots } from './report-snapshot';
import type { ReportQuery, ReportResponse } from './reports.schema';

/**
 * Computes reports at request time from the read models (aggregated in code by
 * `@trellis/reporting-domain`, as FerretDB's `$group` computes one accumulator only), with the
 * small-cell threshold from configuration and the freshness of the data used. The read models
 * are held in memory by {@link ReportSnapshots}.
 */
@Injectable()
export class ReportsService implements OnModuleInit {
  private readonly snapshots: ReportSnapshots;

  constructor(
    store: MongoReadModelStore,
    private readonly freshness: FreshnessTracker,
    @Inject(CONFIG) private readonly config: ReportingConfig,
  ) {
    this.snapshots = new ReportSnapshots(store, () => freshness.read(), config.REPORT_RELOAD_MS);
  }

  onModuleInit(): void {
    // Warm up in the background; the first report waits for it if it is not done.
    void this.snapshots.get().catch(() => undefined);
  }

  /** The report as JSON. */
  async run(name: ReportName, query: ReportQuery, now = new Date()): Promise<ReportResponse> {
    const definition = REPORTS[name];
    const snapshot = await this.snapshots.get();
    // Everything this process applied is in the snapshot: the newer of the two is honest.
    const freshness = newer(snapshot.freshness, this.freshness.local());
    const { format: _format, groupBy, ...filters } = query;
    const table = definition.build(snapshot.dataset, {
      filters,
      groupBy,
      minCellSize: this.config.MIN_CELL_SIZE,
      now: now.toISOString(),
    });
    return {
      report: definition.name,
      title: definition.title,
      generatedAt: now.toISOString(),
      asOf: freshness.asOf,
      lag: freshness.lag,
      minCellSize: this.config.MIN_CELL_SIZE,
      filters: filters,
      groupBy,
      dateRange: definition.dateRange,
      dimensions: table.dimensions,
      figures: table.figures,
      ...(table.suppressed ? { suppressed: true as const } : {}),
      rows: table.rows,
    };
  }

  /** A report as CSV (see `reportToCsv`). */
  csv(report: ReportResponse): string {
    return reportToCsv(report);
  }

  /** How fresh the read models are. */
  read(): Promise<Freshness> {
    return this.freshness.read();
  }
}

function newer(a: Freshness, b: Freshness): Freshness {
  if (!b.asOf) return a;
  if (!a.asOf) return b;
  return b.asOf.processedAt > a.asOf.processedAt ? b : a;
}
