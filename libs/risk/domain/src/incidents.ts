import type { IncidentType } from '@trellis/contracts';

/*
 * When an incident is serious: it then makes the orchestrator demand a re-assessment (the
 * `risk.incident.reported` event carries `serious`).
 */

/** Severity from which every incident is serious (1 minor … 5 life-threatening). */
export const SERIOUS_SEVERITY = 4;

/** Incident types that are serious whatever severity was entered. */
export const ALWAYS_SERIOUS_INCIDENT_TYPES: readonly IncidentType[] = [
  'physical-attack',
  'sexual-violence',
  'kidnapping-disappearance',
  'killing',
  'arbitrary-detention',
  'raid-break-in',
];

/** An incident is serious when its severity is 4 or 5, or its type is always serious. */
export function isSeriousIncident(type: IncidentType, severity: number): boolean {
  return severity >= SERIOUS_SEVERITY || ALWAYS_SERIOUS_INCIDENT_TYPES.includes(type);
}
