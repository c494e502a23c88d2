import { SERVICE_IDS, type Actor, type Role, type ServiceId } from '@trellis/contracts';
import { forbidden, scopeOf, type Principal } from '@trellis/platform-auth';
import { DataScope } from '@trellis/platform-mongo';

/** Staff who plan, schedule, hold and verify training. */
export const STAFF: Role[] = ['admin', 'program-manager', 'protection-officer'];

/** Staff plus the organisation's own defender users (their sessions and cascades). */
export const READERS: Role[] = [...STAFF, 'defender'];

/** Who may override a prerequisite (with a reason). */
export const OVERRIDERS: Role[] = ['admin', 'program-manager'];

/** Every role, analysts included: the catalogue is not identifiable. */
export const EVERYONE: Role[] = [...READERS, 'analyst'];

/**
 * The repository scope of a caller: admins and services everything (the `reason` goes to the
 * audit hook), unit staff their unit's records, defenders their organisation's. Analysts get
 * 403: training records are identifiable.
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
      throw forbidden('analysts see pseudonymous reports only, not training records');
  }
}

/** Whether the caller sees records as a defender user of the organisation (no internal notes). */
export function isDefenderView(principal: Principal): boolean {
  return scopeOf(principal).kind === 'organisation';
}

/** Whether the caller holds one of `roles`. */
export function holdsRole(principal: Principal, roles: readonly Role[]): boolean {
  return principal.roles.some((r) => roles.includes(r));
}

function isServiceId(id: string): id is ServiceId {
  return (SERVICE_IDS as readonly string[]).includes(id);
}

/**
 * The `actor` of an event caused by `principal`: a service, or a user with the first of
 * `acting` roles they hold (the role the endpoint let them act in).
 */
export function actorOf(principal: Principal, acting: readonly Role[] = READERS): Actor {
  if (principal.type === 'service') {
    if (!isServiceId(principal.id)) throw forbidden('unknown calling service');
    return { kind: 'service', id: principal.id };
  }
  const role = acting.find((r) => principal.roles.includes(r)) ?? principal.roles[0];
  if (!role) throw forbidden('your account has no role');
  return { kind: 'user', id: principal.id, role };
}

/** The actor of events this service raises by itself (from consumed events). */
export const SERVICE_ACTOR: Actor = { kind: 'service', id: 'training-service' };
