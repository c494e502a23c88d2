import { MongoModule } from '@trellis/platform-mongo';
import {
  KNOWN_ENGAGEMENT_MODEL,
  knownEngagementSchema,
} from '../engagements/known-engagements.schema';
import { INCIDENT_MODEL, incidentSchema } from '../incidents/incidents.schema';
import {
  RISK_ASSESSMENT_MODEL,
  riskAssessmentSchema,
} from '../assessments/risk-assessments.schema';
import { SECURITY_PLAN_MODEL, securityPlanSchema } from '../plans/security-plans.schema';
import { THREAT_MODEL, threatSchema } from '../threats/threats.schema';
import { WHEEL_ROUND_MODEL, wheelRoundSchema } from '../wheel/security-wheel.schema';

/** Models whose documents carry an outbox (the relay's sources). */
export const OUTBOX_MODEL_NAMES = [
  THREAT_MODEL,
  RISK_ASSESSMENT_MODEL,
  INCIDENT_MODEL,
  WHEEL_ROUND_MODEL,
  SECURITY_PLAN_MODEL,
] as const;

/** Every model of the risk service's database, registered once on its connection. */
export const RISK_MODELS = MongoModule.forFeature([
  { name: KNOWN_ENGAGEMENT_MODEL, schema: knownEngagementSchema, collection: 'known_engagements' },
  { name: THREAT_MODEL, schema: threatSchema, collection: 'threats' },
  { name: RISK_ASSESSMENT_MODEL, schema: riskAssessmentSchema, collection: 'risk_assessments' },
  { name: INCIDENT_MODEL, schema: incidentSchema, collection: 'incidents' },
  { name: WHEEL_ROUND_MODEL, schema: wheelRoundSchema, collection: 'security_wheel_rounds' },
  { name: SECURITY_PLAN_MODEL, schema: securityPlanSchema, collection: 'security_plans' },
]);
