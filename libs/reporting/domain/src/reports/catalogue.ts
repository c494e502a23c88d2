import type { Dataset } from '../dataset';
import {
  autonomyLevels,
  LEVEL_DIMENSIONS,
  MILESTONE_DIMENSIONS,
  milestoneAttainment,
  organisationTrajectories,
  timeToMilestone,
} from './autonomy.reports';
import { ENGAGEMENT_DIMENSIONS, engagementsByPhase } from './engagements.report';
import type { ReportRequest, ReportTable } from './report-table';
import { INCIDENT_DIMENSIONS, incidentsByType, riskLevels } from './risk.reports';
import {
  ADHERENCE_DIMENSIONS,
  CASCADE_DIMENSIONS,
  cascadeReach,
  followUpAdherence,
  TRAINING_DIMENSIONS,
  trainings,
} from './support.reports';

/** A report analysts can request. */
export interface ReportDefinition {
  /** URL segment and `report` field, e.g. `milestone-attainment`. */
  name: string;
  title: string;
  /** What the date range (`from`, `to`) selects. */
  dateRange: string;
  /** Dimensions `groupBy` may name. */
  dimensions: readonly string[];
  /** `groupBy` when none is given. */
  defaultGroupBy: readonly string[];
  /** Accepts the unit, country and focus-area filters. */
  dimensionFilters: boolean;
  build(dataset: Dataset, request: ReportRequest): ReportTable;
}

/** Every report, by name. */
export const REPORTS = {
  'engagements-by-phase': {
    name: 'engagements-by-phase',
    title: 'Engagements by phase, unit, country and region',
    dateRange: 'engagements created in the range; phase at the end of `to` (default now)',
    dimensions: ENGAGEMENT_DIMENSIONS,
    defaultGroupBy: ['unit'],
    dimensionFilters: true,
    build: engagementsByPhase,
  },
  'milestone-attainment': {
    name: 'milestone-attainment',
    title: 'Autonomy milestone attainment by cohort (start quarter), unit and country',
    dateRange: 'cohorts: organisations whose first agreement was activated in the range',
    dimensions: MILESTONE_DIMENSIONS,
    defaultGroupBy: ['cohort'],
    dimensionFilters: true,
    build: milestoneAttainment,
  },
  'time-to-milestone': {
    name: 'time-to-milestone',
    title: 'Days from agreement to each milestone and to autonomy (median, quartiles)',
    dateRange: 'cohorts: organisations whose first agreement was activated in the range',
    dimensions: MILESTONE_DIMENSIONS,
    defaultGroupBy: [],
    dimensionFilters: true,
    build: timeToMilestone,
  },
  'autonomy-levels': {
    name: 'autonomy-levels',
    title: 'Share of organisations at each autonomy level per quarter',
    dateRange: 'quarters shown (default: first review to now)',
    dimensions: LEVEL_DIMENSIONS,
    defaultGroupBy: [],
    dimensionFilters: true,
    build: autonomyLevels,
  },
  'follow-up-adherence': {
    name: 'follow-up-adherence',
    title: 'Follow-up adherence (on time, late, missed) and open escalations per unit',
    dateRange: 'follow-ups due and escalations raised in the range',
    dimensions: ADHERENCE_DIMENSIONS,
    defaultGroupBy: ['unit'],
    dimensionFilters: true,
    build: followUpAdherence,
  },
  trainings: {
    name: 'trainings',
    title: 'Trainings held, participants reached and knowledge gain',
    dateRange: 'sessions held in the range',
    dimensions: TRAINING_DIMENSIONS,
    defaultGroupBy: [],
    dimensionFilters: true,
    build: trainings,
  },
  'cascade-reach': {
    name: 'cascade-reach',
    title: 'Cascade reach by generation and cascade multiplier',
    dateRange: 'sessions held and verified cascades delivered in the range',
    dimensions: CASCADE_DIMENSIONS,
    defaultGroupBy: [],
    dimensionFilters: true,
    build: cascadeReach,
  },
  'risk-levels': {
    name: 'risk-levels',
    title: 'Organisations at each overall risk level per quarter',
    dateRange: 'quarters shown (default: first assessment to now)',
    dimensions: LEVEL_DIMENSIONS,
    defaultGroupBy: [],
    dimensionFilters: true,
    build: riskLevels,
  },
  'incidents-by-type': {
    name: 'incidents-by-type',
    title: 'Incidents by type',
    dateRange: 'incidents that happened in the range',
    dimensions: INCIDENT_DIMENSIONS,
    defaultGroupBy: [],
    dimensionFilters: true,
    build: incidentsByType,
  },
  'organisation-trajectories': {
    name: 'organisation-trajectories',
    title: 'Pseudonymous trajectories: autonomy, risk and milestones per quarter since start',
    dateRange: 'cohorts: organisations whose first agreement was activated in the range',
    dimensions: [],
    defaultGroupBy: [],
    dimensionFilters: false,
    build: organisationTrajectories,
  },
} as const satisfies Record<string, ReportDefinition>;

/** A report name. */
export type ReportName = keyof typeof REPORTS;

/** Every report name. */
export const REPORT_NAMES = Object.keys(REPORTS) as ReportName[];
