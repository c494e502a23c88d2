import type { Principal } from './auth.claims';
import { forbidden } from './auth.errors';

/**
 * The data a caller may see:
 * - `all`: admins and internal service calls
 * - `unit`: program managers and protection officers, the records of their unit
 * - `organisation`: defender users, the records of their own organisation
 * - `analyst`: no identifiable records at all (pseudonymous reports only)
 */
export type DataScope =
  | { kind: 'all' }
  | { kind: 'unit'; unitId: string }
  | { kind: 'organisation'; organisationId: string }
  | { kind: 'analyst' };

/** Where a record belongs, for {@link assertInScope}. */
export interface ScopedRecord {
  unitId?: string | null;
  organisationId?: string | null;
}

/**
 * The caller's {@link DataScope}, from the broadest role they hold. Throws 403 `FORBIDDEN` if a
 * role lacks the membership it needs (cannot happen with a validated token) or there is none.
 */
export function scopeOf(principal: Principal): DataScope {
  const roles = principal.roles;
  if (principal.type === 'service' || roles.includes('admin')) return { kind: 'all' };
  if (roles.includes('program-manager') || roles.includes('protection-officer')) {
    if (!principal.unitId) throw forbidden('your account has no unit');
    return { kind: 'unit', unitId: principal.unitId };
  }
  if (roles.includes('defender')) {
    if (!principal.organisationId) throw forbidden('your account has no organisation');
    return { kind: 'organisation', organisationId: principal.organisationId };
  }
  if (roles.includes('analyst')) return { kind: 'analyst' };
  throw forbidden('your account has no role');
}

/** Whether a record lies within `scope` (analysts are never in scope of identifiable records). */
export function isInScope(scope: DataScope, record: ScopedRecord): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'unit':
      return record.unitId != null && record.unitId === scope.unitId;
    case 'organisation':
      return record.organisationId != null && record.organisationId === scope.organisationId;
    case 'analyst':
      return false;
  }
}

/**
 * Throws 403 `FORBIDDEN` unless the record is within the caller's scope: admins and services
 * see everything, unit staff their unit's records, defenders their organisation's, analysts no
 * identifiable record. A record without the relevant id is out of scope (deny by default).
 */
export function assertInScope(principal: Principal, record: ScopedRecord): void {
  const scope = scopeOf(principal);
  if (isInScope(scope, record)) return;
  switch (scope.kind) {
    case 'unit':
      throw forbidden('this record belongs to another unit');
    case 'organisation':
      throw forbidden('this record belongs to another organisation');
    default:
      throw forbidden('analysts cannot access identifiable records');
  }
}
