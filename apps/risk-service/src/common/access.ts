import { SERVICE_IDS, type Actor, type Role, type ServiceId } from '@trellis/contracts';
import { forbidden, scopeOf, type Principal } from '@trellis/platform-auth';
import { DataScope } from '@trellis/platform-mongo';

/**
 * Who may use the risk records: staff of the engagement's unit (program managers and
 * protection officers), the organisation's own defender users, admins. Analysts get nothing
 * here (403): every record is identifiable.
 */
export const RISK_ROLES = ['admin', 'program-manager', 'protection-officer', 'defender'] as const;

/**
 * The repository scope of a caller: admins and services see everything (the `reason` goes to
 * the audit hook), unit staff their unit's records, defenders their organisation's. Analysts
 * get 403: this service holds identifiable data only.
 */
export function dataScopeOf(principal: Principal, reason: string): DataScope {
  const scope = scopeOf(principal);
  switch (scope.kind) {
    case 'all':
      return DataScope.all(`${principal.type}:${principal.id}: ${reason}`);
    case 'unit':
      return DataScope.unit(scope.unitId);
    case 'organisation':
      return DataScope.organisation(scope.organisationId);
    case 'analyst':
      throw forbidden('analysts see pseudonymous reports only, not risk records');
  }
}

function isServiceId(id: string): id is ServiceId {
  return (SERVICE_IDS as readonly string[]).includes(id);
}

/**
 * The `actor` of an event caused by `principal`: a service, or a user with the first of
 * `acting` roles they hold (the role the endpoint let them act in).
 */
export function actorOf(principal: Principal, acting: readonly Role[] = RISK_ROLES): Actor {
  if (principal.type === 'service') {
    if (!isServiceId(principal.id)) throw forbidden('unknown calling service');
    return { kind: 'service', id: principal.id };
  }
  const role = acting.find((r) => principal.roles.includes(r)) ?? principal.roles[0];
  if (!role) throw forbidden('your account has no role');
  return { kind: 'user', id: principal.id, role };
}
