import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { Roles, type Role } from '@trellis/platform-auth';
import { CONFIG } from '@trellis/platform-config';
import { ApiOperation, ValidQuery } from '@trellis/platform-http';
import { REPORT_NAMES, REPORTS, type ReportName } from '@trellis/reporting-domain';
import type { FastifyReply } from 'fastify';
import type { ReportingConfig } from '../config';
import {
  FreshnessResponseSchema,
  ReportListSchema,
  reportQuerySchema,
  ReportResponseSchema,
  type ReportQuery,
  type ReportResponse,
} from './reports.schema';
import { ReportsService } from './reports.service';

/** Who may read reports: analysts and admins (nobody can write through this service). */
export const REPORT_ROLES: Role[] = ['analyst', 'admin'];

const QUERY = Object.fromEntries(
  REPORT_NAMES.map((name) => [name, reportQuerySchema(REPORTS[name])]),
) as Record<ReportName, ReturnType<typeof reportQuerySchema>>;

function operation(name: ReportName) {
  const definition = REPORTS[name];
  return ApiOperation({
    summary: definition.title,
    description:
      `Date range: ${definition.dateRange}. JSON by default; CSV with format=csv or Accept: text/csv. ` +
      'Figures are {value} or {value: null, suppressed: true} (fewer organisations than MIN_CELL_SIZE, ' +
      'or withheld so that a suppressed figure cannot be recomputed).',
    tags: ['reports'],
    roles: REPORT_ROLES,
    query: QUERY[name],
    response: ReportResponseSchema,
  });
}

/** `/reports/...`: analyst reports, JSON or CSV, read-only. */
@Controller('reports')
@Roles(...REPORT_ROLES)
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    @Inject(CONFIG) private readonly config: ReportingConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'The reports and their parameters',
    tags: ['reports'],
    roles: REPORT_ROLES,
    response: ReportListSchema,
  })
  list() {
    return {
      minCellSize: this.config.MIN_CELL_SIZE,
      reports: REPORT_NAMES.map((name) => {
        const d = REPORTS[name];
        return {
          name,
          title: d.title,
          path: `/reports/${name}`,
          dateRange: d.dateRange,
          dimensions: [...d.dimensions],
          defaultGroupBy: [...d.defaultGroupBy],
          dimensionFilters: d.dimensionFilters,
        };
      }),
    };
  }

  @Get('freshness')
  @ApiOperation({
    summary: 'As of which event the read models are, and the event → read model lag',
    tags: ['reports'],
    roles: REPORT_ROLES,
    response: FreshnessResponseSchema,
  })
  async freshness() {
    return { ...(await this.reports.read()), checkedAt: new Date().toISOString() };
  }

  @Get('engagements-by-phase')
  @operation('engagements-by-phase')
  engagementsByPhase(
    @ValidQuery(QUERY['engagements-by-phase']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('engagements-by-phase', q, accept, reply);
  }

  @Get('milestone-attainment')
  @operation('milestone-attainment')
  milestoneAttainment(
    @ValidQuery(QUERY['milestone-attainment']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('milestone-attainment', q, accept, reply);
  }

  @Get('time-to-milestone')
  @operation('time-to-milestone')
  timeToMilestone(
    @ValidQuery(QUERY['time-to-milestone']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('time-to-milestone', q, accept, reply);
  }

  @Get('autonomy-levels')
  @operation('autonomy-levels')
  autonomyLevels(
    @ValidQuery(QUERY['autonomy-levels']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('autonomy-levels', q, accept, reply);
  }

  @Get('follow-up-adherence')
  @operation('follow-up-adherence')
  followUpAdherence(
    @ValidQuery(QUERY['follow-up-adherence']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('follow-up-adherence', q, accept, reply);
  }

  @Get('trainings')
  @operation('trainings')
  trainings(
    @ValidQuery(QUERY['trainings']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('trainings', q, accept, reply);
  }

  @Get('cascade-reach')
  @operation('cascade-reach')
  cascadeReach(
    @ValidQuery(QUERY['cascade-reach']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('cascade-reach', q, accept, reply);
  }

  @Get('risk-levels')
  @operation('risk-levels')
  riskLevels(
    @ValidQuery(QUERY['risk-levels']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('risk-levels', q, accept, reply);
  }

  @Get('incidents-by-type')
  @operation('incidents-by-type')
  incidentsByType(
    @ValidQuery(QUERY['incidents-by-type']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('incidents-by-type', q, accept, reply);
  }

  @Get('organisation-trajectories')
  @operation('organisation-trajectories')
  organisationTrajectories(
    @ValidQuery(QUERY['organisation-trajectories']) q: ReportQuery,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.respond('organisation-trajectories', q, accept, reply);
  }

  /** JSON, or CSV for `format=csv` / `Accept: text/csv`; freshness also in headers. */
  private async respond(
    name: ReportName,
    query: ReportQuery,
    accept: string | undefined,
    reply: FastifyReply,
  ): Promise<ReportResponse | string> {
    const report = await this.reports.run(name, query);
    void reply.header('x-report-min-cell-size', String(report.minCellSize));
    if (report.asOf) {
      void reply.header('x-report-as-of-event', report.asOf.eventId);
      void reply.header('x-report-as-of', report.asOf.occurredAt);
    }
    if (report.lag) void reply.header('x-report-lag-ms', String(report.lag.lastEventMs));
    const csv = query.format === 'csv' || (query.format === undefined && wantsCsv(accept));
    if (!csv) return report;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    void reply.header('content-disposition', `attachment; filename="${name}.csv"`);
    return this.reports.csv(report);
  }
}

function wantsCsv(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .map((part) => part.split(';')[0]?.trim().toLowerCase())
    .some((type) => type === 'text/csv');
}
