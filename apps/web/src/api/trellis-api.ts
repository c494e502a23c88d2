import type { ApiClient } from './client';
import type {
  AgreementDiffView,
  AgreementVersionView,
  AgreementView,
  AutonomyReviewView,
  CascadeView,
  EngagementView,
  FollowUpView,
  IncidentView,
  MeView,
  NotificationView,
  OrganisationView,
  PlanItem,
  RiskAssessmentView,
  SecurityPlanView,
  SessionView,
  ThreatStep,
  ThreatView,
  TimelineEntry,
  TrainingPlanView,
  WheelRoundView,
} from './types';

const id = (value: string) => encodeURIComponent(value);

/** A plan item as sent to the risk service (status and rehearsals are kept by id). */
export type PlanItemInput = Omit<PlanItem, 'id' | 'status' | 'lastRehearsedAt'> & { id?: string };

/**
 * Every endpoint of the public API the web application calls, grouped by context
 * (`/api/<context>/...` on the gateway). One method per request; no caching here.
 */
export class TrellisApi {
  constructor(readonly client: ApiClient) {}

  // ------------------------------------------------------------------ identity
  me = () => this.client.get<MeView>('/api/identity/me');

  // ------------------------------------------------------------------ engagement
  engagements = (signal?: AbortSignal) =>
    this.client.get<EngagementView[]>('/api/engagement/engagements', { signal });
  engagement = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<EngagementView>(`/api/engagement/engagements/${id(engagementId)}`, { signal });
  organisations = (signal?: AbortSignal) =>
    this.client.get<OrganisationView[]>('/api/engagement/organisations', { signal });
  organisation = (organisationId: string, signal?: AbortSignal) =>
    this.client.get<OrganisationView>(`/api/engagement/organisations/${id(organisationId)}`, {
      signal,
    });
  agreement = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<AgreementView>(`/api/engagement/engagements/${id(engagementId)}/agreements`, {
      signal,
    });
  agreementVersion = (engagementId: string, version: number, signal?: AbortSignal) =>
    this.client.get<AgreementVersionView>(
      `/api/engagement/engagements/${id(engagementId)}/agreements/versions/${version}`,
      { signal },
    );
  agreementDiff = (engagementId: string, from: number, to: number, signal?: AbortSignal) =>
    this.client.get<AgreementDiffView>(
      `/api/engagement/engagements/${id(engagementId)}/agreements/diff`,
      { query: { from, to }, signal },
    );
  signAgreement = (engagementId: string, version: number) =>
    this.client.post<AgreementVersionView>(
      `/api/engagement/engagements/${id(engagementId)}/agreements/versions/${version}/sign`,
    );

  // ------------------------------------------------------------------ training
  sessions = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<SessionView[]>('/api/training/sessions', {
      query: { engagementId },
      signal,
    });
  scheduleSession = (body: {
    engagementId: string;
    planItemId?: string;
    moduleIds?: string[];
    level?: string;
    mode: string;
    facilitatorId: string;
    startsAt: string;
    endsAt: string;
    participants?: Array<{ participantId: string; role: string }>;
  }) => this.client.post<SessionView>('/api/training/sessions', body);
  holdSession = (
    sessionId: string,
    body: {
      version: number;
      heldAt?: string;
      attendance: Array<{
        participantId: string;
        present: boolean;
        preScore?: number;
        postScore?: number;
      }>;
      notes?: string;
    },
  ) => this.client.post<SessionView>(`/api/training/sessions/${id(sessionId)}/hold`, body);
  trainingPlan = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<TrainingPlanView>('/api/training/training-plans', {
      query: { engagementId },
      signal,
    });
  cascades = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<CascadeView[]>('/api/training/cascades', { query: { engagementId }, signal });
  recordCascade = (body: {
    engagementId: string;
    generation: number;
    trainerParticipantIds: string[];
    audienceType: string;
    reachCount: number;
    moduleIds: string[];
    deliveredAt: string;
  }) => this.client.post<CascadeView>('/api/training/cascades', body);
  verifyCascade = (cascadeId: string, version: number) =>
    this.client.post<CascadeView>(`/api/training/cascades/${id(cascadeId)}/verify`, { version });

  // ------------------------------------------------------------------ risk
  threats = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<ThreatView[]>('/api/risk/threats', { query: { engagementId }, signal });
  createThreat = (body: {
    engagementId: string;
    organisationId: string;
    unitId: string;
    threatType: string;
    likelihood: number;
    impact: number;
  }) => this.client.post<ThreatView>('/api/risk/threats', body);
  recordThreatStep = (threatId: string, step: ThreatStep, body: Record<string, unknown>) =>
    this.client.put<ThreatView>(`/api/risk/threats/${id(threatId)}/steps/${step}`, body);
  addThreatFactor = (
    threatId: string,
    kind: 'vulnerabilities' | 'capacities',
    body: { version: number; category: string; description: string; rating: number },
  ) => this.client.post<ThreatView>(`/api/risk/threats/${id(threatId)}/${kind}`, body);
  riskAssessments = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<RiskAssessmentView[]>('/api/risk/risk-assessments', {
      query: { engagementId },
      signal,
    });
  assessRisk = (body: { engagementId: string; trigger: string; triggeringIncidentIds: string[] }) =>
    this.client.post<RiskAssessmentView>('/api/risk/risk-assessments', body);
  securityPlans = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<SecurityPlanView[]>('/api/risk/security-plans', {
      query: { engagementId },
      signal,
    });
  createSecurityPlan = (body: { riskAssessmentId: string; items: PlanItemInput[] }) =>
    this.client.post<SecurityPlanView>('/api/risk/security-plans', body);
  reviseSecurityPlan = (
    planId: string,
    body: { version: number; riskAssessmentId?: string; items: PlanItemInput[] },
  ) => this.client.put<SecurityPlanView>(`/api/risk/security-plans/${id(planId)}`, body);
  adoptSecurityPlan = (planId: string, body: { version: number; adoptedByRole: string }) =>
    this.client.post<SecurityPlanView>(`/api/risk/security-plans/${id(planId)}/adopt`, body);
  setPlanItemStatus = (planId: string, itemId: string, body: { version: number; status: string }) =>
    this.client.put<SecurityPlanView>(
      `/api/risk/security-plans/${id(planId)}/items/${id(itemId)}/status`,
      body,
    );
  incidents = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<IncidentView[]>('/api/risk/incidents', { query: { engagementId }, signal });
  reportIncident = (body: {
    engagementId: string;
    organisationId: string;
    unitId: string;
    occurredAt: string;
    incidentType: string;
    severity: number;
    narrative: string;
    linkedThreatIds: string[];
  }) => this.client.post<IncidentView>('/api/risk/incidents', body);
  wheelRounds = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<WheelRoundView[]>('/api/risk/security-wheel/rounds', {
      query: { engagementId },
      signal,
    });
  openWheelRound = (body: { engagementId: string; organisationId: string; unitId: string }) =>
    this.client.post<WheelRoundView>('/api/risk/security-wheel/rounds', body);
  scoreWheelParticipant = (
    roundId: string,
    participantId: string,
    body: {
      version: number;
      group: string;
      spokes: Record<string, { score: number; barriers?: string; solutions?: string }>;
    },
  ) =>
    this.client.put<WheelRoundView>(
      `/api/risk/security-wheel/rounds/${id(roundId)}/participants/${id(participantId)}`,
      body,
    );
  completeWheelRound = (roundId: string, version: number) =>
    this.client.post<WheelRoundView>(`/api/risk/security-wheel/rounds/${id(roundId)}/complete`, {
      version,
    });

  // ------------------------------------------------------------------ coaching
  followUps = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<FollowUpView[]>(`/api/coaching/engagements/${id(engagementId)}/follow-ups`, {
      signal,
    });
  planFollowUp = (engagementId: string, body: { kind: string; dueAt: string }) =>
    this.client.post<FollowUpView>(
      `/api/coaching/engagements/${id(engagementId)}/follow-ups`,
      body,
    );
  holdFollowUp = (
    followUpId: string,
    body: {
      version: number;
      heldAt: string;
      behaviourChange: string;
      notes?: string;
      observedChange?: string;
      obstacles?: string;
    },
  ) => this.client.post<FollowUpView>(`/api/coaching/follow-ups/${id(followUpId)}/held`, body);
  timeline = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<TimelineEntry[]>(`/api/coaching/engagements/${id(engagementId)}/timeline`, {
      signal,
    });
  autonomyReviews = (engagementId: string, signal?: AbortSignal) =>
    this.client.get<AutonomyReviewView[]>(
      `/api/coaching/engagements/${id(engagementId)}/autonomy-reviews`,
      { signal },
    );
  openAutonomyReview = (
    engagementId: string,
    body: {
      reviewedAt: string;
      spokeMaturity: Record<string, number>;
      milestones: Array<{
        milestoneId: string;
        status: string;
        evidence?: { description: string };
      }>;
    },
  ) =>
    this.client.post<AutonomyReviewView>(
      `/api/coaching/engagements/${id(engagementId)}/autonomy-reviews`,
      body,
    );
  verifyMilestone = (reviewId: string, milestoneId: string, version: number) =>
    this.client.post<AutonomyReviewView>(
      `/api/coaching/autonomy-reviews/${id(reviewId)}/milestones/${id(milestoneId)}/verify`,
      { version },
    );
  recordAutonomyReview = (reviewId: string, version: number) =>
    this.client.post<AutonomyReviewView>(`/api/coaching/autonomy-reviews/${id(reviewId)}/record`, {
      version,
    });
  inbox = (signal?: AbortSignal) =>
    this.client.get<NotificationView[]>('/api/coaching/inbox', { signal });
  unreadCount = (signal?: AbortSignal) =>
    this.client.get<{ unread: number }>('/api/coaching/inbox/unread-count', { signal });
  markRead = (notificationId: string) =>
    this.client.post<NotificationView>(`/api/coaching/inbox/${id(notificationId)}/read`);

  // ------------------------------------------------------------------ OpenAPI (reports)
  openApi = (signal?: AbortSignal) =>
    this.client.get<Record<string, unknown>>('/api/openapi.json', { signal });
}
