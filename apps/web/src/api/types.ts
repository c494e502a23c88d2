/*
 * The answers of the services as the web application reads them (the subset of fields it
 * uses). The services' `*.schema.ts` files and `GET /api/openapi.json` are the reference.
 */
import type {
  AgreementTerms,
  AutonomyLevel,
  FollowUpKind,
  MilestoneId,
  ObligationKind,
  Phase,
  RiskLevel,
  SpokeId,
} from '@trellis/contracts';

export interface EngagementView {
  id: string;
  organisationId: string;
  unitId: string;
  routedTo: { kind: 'desk'; deskId?: string } | { kind: 'tru' };
  country: string;
  setting: string;
  focusAreas: string[];
  phase: Phase;
  programManagerId: string;
  leadOfficerId?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrganisationView {
  id: string;
  unitId: string;
  name: string;
  country: string;
  setting: string;
  focusAreas: string[];
  size: string;
}

export interface TimelineEntry {
  at: string;
  source: 'follow-up' | 'autonomy-review' | 'notification';
  id: string;
  what: string;
  details?: Record<string, string | number | boolean | null>;
}

export interface Signature {
  party: 'protection-organisation' | 'defender-organisation';
  signerId: string;
  signedAt: string;
}

export type AgreementStatus = 'draft' | 'proposed' | 'signed' | 'active' | 'superseded';

export interface AgreementVersionSummary {
  version: number;
  status: AgreementStatus;
  signatures: Signature[];
  amendsVersion?: number;
  proposedAt?: string;
  activatedAt?: string;
  supersededAt?: string;
  createdAt: string;
}

export interface AgreementView {
  agreementId: string;
  engagementId: string;
  organisationId: string;
  activeVersion?: number;
  latestVersion: number;
  versions: AgreementVersionSummary[];
}

/** Agreement terms as read: the contract's terms with each intervention's rationale. */
export type AgreementTermsView = Omit<AgreementTerms, 'interventions'> & {
  interventions: Array<AgreementTerms['interventions'][number] & { rationale?: string }>;
};

export interface AgreementVersionView extends AgreementVersionSummary {
  terms: AgreementTermsView;
}

export interface AgreementDiffView {
  from: number;
  to: number;
  changedSections: string[];
  changes: Array<{ path: string; before?: unknown; after?: unknown }>;
}

export interface ThreatRisk {
  threatFactor: number;
  vulnerability: number;
  capacity: number;
  score: number;
  level: RiskLevel;
}

export type ThreatStep = 'facts' | 'pattern' | 'objective' | 'author' | 'conclusion';

export interface ThreatFactor {
  id: string;
  category: string;
  description: string;
  rating: number;
}

export interface ThreatView {
  id: string;
  engagementId: string;
  threatType: string;
  likelihood: number;
  impact: number;
  steps: Partial<
    Record<
      ThreatStep,
      {
        narrative: string;
        isPattern?: boolean;
        sourceActorType?: string;
        canBeCarriedOut?: boolean;
        recordedAt: string;
      }
    >
  >;
  nextStep?: ThreatStep;
  concluded: boolean;
  vulnerabilities: ThreatFactor[];
  capacities: ThreatFactor[];
  risk: ThreatRisk;
  version: number;
  createdAt: string;
}

export interface MatrixCell {
  likelihood: number;
  impact: number;
  level: RiskLevel;
  threatIds: string[];
}

export interface RiskAssessmentView {
  id: string;
  engagementId: string;
  assessedAt: string;
  trigger: string;
  threats: Array<{ threatId: string; threatType: string; score: number; level: RiskLevel }>;
  overallScore: number;
  overallLevel: RiskLevel;
  matrix: MatrixCell[][];
}

export type PlanItemStatus = 'planned' | 'in-progress' | 'implemented';

export interface PlanItem {
  id: string;
  kind: 'policy' | 'preventive-protocol' | 'emergency-protocol' | 'measure';
  title: string;
  description?: string;
  threatIds: string[];
  vulnerabilityIds: string[];
  capacityIds: string[];
  catalogueRefs: string[];
  ownerRole: string;
  dueDate: string;
  status: PlanItemStatus;
  rehearsalCadence?: string;
  lastRehearsedAt?: string;
}

export interface SecurityPlanView {
  id: string;
  engagementId: string;
  organisationId: string;
  currentVersion: {
    planVersion: number;
    riskAssessmentId: string;
    items: PlanItem[];
    adopted: boolean;
    adoptedAt?: string;
    adoptedByRole?: string;
    createdAt: string;
  };
  versions: Array<{ planVersion: number; createdAt: string; adoptedAt?: string }>;
  version: number;
}

export interface IncidentView {
  id: string;
  engagementId: string;
  occurredAt: string;
  incidentType: string;
  severity: number;
  serious: boolean;
  narrative: string;
  linkedThreatIds: string[];
  version: number;
  createdAt: string;
}

export interface WheelRoundView {
  id: string;
  engagementId: string;
  roundNumber: number;
  status: 'open' | 'completed';
  participants: Array<{ participantId: string; group: 'leadership' | 'staff' }>;
  aggregate?: {
    participantCount: number;
    spokeMeans: Record<SpokeId, number>;
    spokes: Array<{ spoke: SpokeId; mean: number; leadershipMean?: number; staffMean?: number }>;
  };
  comparison?: Array<{ spoke: SpokeId; previousMean: number; mean: number; change: number }>;
  completedAt?: string;
  version: number;
}

export interface Participant {
  participantId: string;
  role: string;
  gender?: string;
}

export interface SessionView {
  id: string;
  engagementId: string;
  planItemId: string | null;
  moduleIds: string[];
  level: string;
  mode: string;
  facilitatorId: string;
  startsAt: string;
  endsAt: string;
  status: 'scheduled' | 'held' | 'cancelled';
  participants: Participant[];
  heldAt: string | null;
  knowledge: { averageKnowledgeGain: number | null; knowledgeCheckCount: number } | null;
  version: number;
}

export interface TrainingPlanView {
  id: string;
  engagementId: string;
  baselineLevel: string;
  organisationLevel: string;
  items: Array<{ planItemId: string; moduleIds: string[]; level: string; dueAt: string }>;
  version: number;
}

export interface FollowUpView {
  id: string;
  engagementId: string;
  kind: FollowUpKind;
  state: 'planned' | 'held' | 'missed' | 'cancelled';
  dueAt: string;
  assigneeId: string;
  obligationId?: string;
  heldAt?: string;
  behaviourChange?: string;
  notes?: string;
  checkIn?: { checkInId: string; state: string; dueAt: string };
  version: number;
  createdAt: string;
}

export interface MilestoneView {
  milestoneId: MilestoneId;
  status: 'not-started' | 'in-progress' | 'claimed' | 'verified';
  claimedBy?: string;
  verifiedBy?: string;
}

export interface AutonomyReviewView {
  id: string;
  engagementId: string;
  state: 'draft' | 'recorded';
  reviewedAt: string;
  spokeMaturity: Record<SpokeId, number>;
  milestones: MilestoneView[];
  level?: AutonomyLevel;
  levelName?: string;
  meanMaturity?: number;
  version: number;
}

export interface CascadeView {
  id: string;
  engagementId: string;
  generation: number;
  audienceType: string;
  reachCount: number;
  moduleIds: string[];
  deliveredAt: string;
  recordedBy: string;
  status: 'recorded' | 'verified';
  verifiedBy: string | null;
  verifiedAt: string | null;
  version: number;
}

export interface NotificationView {
  id: string;
  kind: 'reminder' | 'escalation' | 'check-in-missed';
  engagementId: string;
  obligationId?: string;
  obligationKind?: ObligationKind;
  stage?: string;
  dueAt?: string;
  read: boolean;
  createdAt: string;
}

export interface MeView {
  id: string;
  username: string;
  roles: string[];
  unitId?: string;
  organisationId?: string;
}
