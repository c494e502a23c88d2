import { prerequisiteOrder, type CatalogueIndex } from '@trellis/catalogue';

/** A session that counts for prerequisites: its modules and when it ends. */
export interface PriorSession {
  readonly moduleIds: readonly string[];
  /** Held sessions always count; scheduled ones when they end before the new one starts. */
  readonly status: 'scheduled' | 'held' | 'cancelled';
  readonly endsAt: Date;
}

/**
 * The prerequisites (transitive) of `moduleIds` not covered when a session with these modules
 * starts at `startsAt`: a prerequisite is covered when it is taught in the same session, in a
 * held session, or in a scheduled session ending by `startsAt`. Cancelled sessions never
 * count. Returns the missing module ids in prerequisite order (empty: all met). Throws the
 * catalogue's errors for unknown ids or ids of other kinds.
 */
export function missingPrerequisites(
  moduleIds: readonly string[],
  startsAt: Date,
  prior: readonly PriorSession[],
  order: CatalogueIndex['prerequisiteOrder'] = prerequisiteOrder,
): string[] {
  const covered = new Set<string>(moduleIds);
  for (const s of prior) {
    if (s.status === 'held' || (s.status === 'scheduled' && s.endsAt <= startsAt)) {
      for (const id of s.moduleIds) covered.add(id);
    }
  }
  return order(moduleIds, { includePrerequisites: true }).filter((id) => !covered.has(id));
}
