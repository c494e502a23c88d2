import {
  CountryCodeSchema,
  FocusAreaSchema,
  IsoDateSchema,
  UnitIdSchema,
} from '@trellis/contracts';
import type { ReportDefinition } from '@trellis/reporting-domain';
import { z } from 'zod';

/** Output formats. */
export const REPORT_FORMATS = ['json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report's query, validated. */
export interface ReportQuery {
  from?: string;
  to?: string;
  unit?: string;
  country?: string;
  focusArea?: z.infer<typeof FocusAreaSchema>;
  groupBy: string[];
  format?: ReportFormat;
}

/**
 * The query string of a report: `from` / `to` (ISO dates, inclusive; `from` ≤ `to`), `unit`,
 * `country`, `focusArea` (reports that accept them), `groupBy` (comma-separated dimensions of
 * the report, or `none`), `format` (`json` or `csv`). Any other parameter is refused with its
 * name as the field at fault.
 */
export function reportQuerySchema(definition: ReportDefinition) {
  const dimensions = definition.dimensions;
  const shape = {
    from: IsoDateSchema.optional(),
    to: IsoDateSchema.optional(),
    format: z.enum(REPORT_FORMATS).optional(),
    ...(definition.dimensionFilters
      ? {
          unit: UnitIdSchema.optional(),
          country: CountryCodeSchema.optional(),
          focusArea: FocusAreaSchema.optional(),
        }
      : {}),
    ...(dimensions.length > 0
      ? {
          groupBy: z
            .string()
            .regex(
              /^[a-z,]+$/,
              `must be none or a comma-separated list of ${dimensions.join(', ')}`,
            )
            .optional()
            .describe(`Comma-separated: ${dimensions.join(', ')}; or none`),
        }
      : {}),
  };
  const known = new Set(Object.keys(shape));
  return z
    .looseObject(shape)
    .superRefine((query, ctx) => {
      for (const key of Object.keys(query)) {
        if (!known.has(key))
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is not a parameter of this report',
          });
      }
      const { from, to, groupBy } = query as { from?: string; to?: string; groupBy?: string };
      if (from && to && from > to)
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
      if (groupBy !== undefined && groupBy !== 'none') {
        const list = groupBy.split(',');
        if (list.some((d) => !dimensions.includes(d))) {
          ctx.addIssue({
            code: 'custom',
            path: ['groupBy'],
            message: `must be none or a comma-separated list of ${dimensions.join(', ')}`,
          });
        } else if (new Set(list).size !== list.length) {
          ctx.addIssue({
            code: 'custom',
            path: ['groupBy'],
            message: 'must not repeat a dimension',
          });
        }
      }
    })
    .transform((query): ReportQuery => {
      const { groupBy, ...rest } = query as Omit<ReportQuery, 'groupBy'> & { groupBy?: string };
      const filters = Object.fromEntries(Object.entries(rest).filter(([k]) => known.has(k)));
      return {
        ...(filters as Omit<ReportQuery, 'groupBy'>),
        groupBy:
          groupBy === undefined
            ? [...definition.defaultGroupBy]
            : groupBy === 'none'
              ? []
              : groupBy.split(','),
      };
    });
}

const FigureSchema = z.object({
  value: z.union([z.number(), z.string(), z.null()]),
  suppressed: z.literal(true).optional(),
});

const AsOfSchema = z.object({
  eventId: z.string(),
  eventType: z.string(),
  occurredAt: z.string(),
  processedAt: z.string(),
});

const LagSchema = z.object({
  lastEventMs: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  maxMs: z.number(),
  sampleSize: z.number(),
});

/** A report as JSON (for OpenAPI). */
export const ReportResponseSchema = z.object({
  report: z.string(),
  title: z.string(),
  generatedAt: z.string(),
  asOf: AsOfSchema.nullable().describe(
    'The last event applied to the read models, null before the first',
  ),
  lag: LagSchema.nullable().describe('Event → read model lag over the last 1,000 events'),
  minCellSize: z.number(),
  filters: z.record(z.string(), z.string()),
  groupBy: z.array(z.string()),
  dateRange: z.string(),
  dimensions: z.array(z.string()),
  figures: z.array(z.string()),
  suppressed: z.literal(true).optional().describe('The whole report is withheld'),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.null(), FigureSchema]))),
});
export type ReportResponse = z.infer<typeof ReportResponseSchema>;

/** `GET /reports`: the catalogue. */
export const ReportListSchema = z.object({
  minCellSize: z.number(),
  reports: z.array(
    z.object({
      name: z.string(),
      title: z.string(),
      path: z.string(),
      dateRange: z.string(),
      dimensions: z.array(z.string()),
      defaultGroupBy: z.array(z.string()),
      dimensionFilters: z.boolean(),
    }),
  ),
});

/** `GET /reports/freshness`. */
export const FreshnessResponseSchema = z.object({
  asOf: AsOfSchema.nullable(),
  lag: LagSchema.nullable(),
  eventsApplied: z.number(),
  checkedAt: z.string(),
});
