/** Generation of training by the protection organisation itself (its sessions). */
export const OWN_TRAINING_GENERATION = 1;

/** Where a cascade's trainers were trained: our sessions, or a parent cascade. */
export interface CascadeOrigin {
  /** Sessions (generation 1) the trainers attended; for a generation-2 cascade. */
  readonly trainerSessionIds: readonly string[];
  /** The cascade the trainers were trained in, with its generation; from generation 3. */
  readonly parent?: { readonly cascadeId: string; readonly generation: number } | undefined;
}

/**
 * The generation a cascade must have given where its trainers were trained: the parent's
 * generation + 1, or 2 when trained in our sessions. Null when the origin is empty or names
 * both (no generation follows).
 */
export function expectedGeneration(origin: CascadeOrigin): number | null {
  if (origin.parent)
    return origin.trainerSessionIds.length > 0 ? null : origin.parent.generation + 1;
  return origin.trainerSessionIds.length > 0 ? OWN_TRAINING_GENERATION + 1 : null;
}

/**
 * Why a claimed generation does not follow from the cascade's trainers, or null when it does.
 */
export function generationProblem(claimed: number, origin: CascadeOrigin): string | null {
  const expected = expectedGeneration(origin);
  if (expected === null) {
    return origin.parent
      ? 'a cascade trained by a parent cascade names no trainer sessions'
      : 'a cascade needs trainers from our sessions (generation 2) or a parent cascade';
  }
  if (claimed !== expected) {
    return `generation ${claimed} does not follow from its trainers (expected ${expected})`;
  }
  return null;
}

/** A cascade as the lineage needs it. */
export interface LineageCascade {
  readonly cascadeId: string;
  readonly parentCascadeId?: string | undefined;
  readonly generation: number;
  readonly reachCount: number;
  readonly verified: boolean;
  readonly audienceType: string;
  readonly moduleIds: readonly string[];
}

/** A node of the cascade tree, labelled pseudonymously by its position (`C1`, `C1.2`). */
export interface LineageNode {
  readonly label: string;
  readonly cascadeId: string;
  readonly generation: number;
  readonly audienceType: string;
  readonly reachCount: number;
  readonly verified: boolean;
  readonly moduleIds: readonly string[];
  /** Reach of this node and everything below it. */
  readonly subtreeReach: number;
  readonly children: LineageNode[];
}

/** The cascade tree of an engagement with its reach. */
export interface Lineage {
  /** Generation-2 cascades (trained by people we trained), each with its descendants. */
  readonly roots: LineageNode[];
  /** People reached by all cascades. */
  readonly totalReach: number;
  /** People reached by verified cascades only. */
  readonly verifiedReach: number;
  /** Cascades per generation (`{"2": 3, "3": 1}`). */
  readonly generations: Record<string, number>;
}

/**
 * Builds the lineage: cascades without a (known) parent are roots, children follow their
 * parent, in the given order. Labels are positions, never names: the second child of the first
 * root is `C1.2`.
 */
export function cascadeLineage(cascades: readonly LineageCascade[]): Lineage {
  const ids = new Set(cascades.map((c) => c.cascadeId));
  const childrenOf = new Map<string | undefined, LineageCascade[]>();
  for (const c of cascades) {
    const parent = c.parentCascadeId && ids.has(c.parentCascadeId) ? c.parentCascadeId : undefined;
    const list = childrenOf.get(parent) ?? [];
    list.push(c);
    childrenOf.set(parent, list);
  }
  const build = (c: LineageCascade, label: string, path: Set<string>): LineageNode => {
    const next = new Set(path).add(c.cascadeId);
    const children = (childrenOf.get(c.cascadeId) ?? [])
      .filter((child) => !next.has(child.cascadeId))
      .map((child, i) => build(child, `${label}.${i + 1}`, next));
    return {
      label,
      cascadeId: c.cascadeId,
      generation: c.generation,
      audienceType: c.audienceType,
      reachCount: c.reachCount,
      verified: c.verified,
      moduleIds: c.moduleIds,
      subtreeReach: c.reachCount + children.reduce((sum, n) => sum + n.subtreeReach, 0),
      children,
    };
  };
  const roots = (childrenOf.get(undefined) ?? []).map((c, i) => build(c, `C${i + 1}`, new Set()));
  const generations: Record<string, number> = {};
  for (const c of cascades)
    generations[String(c.generation)] = (generations[String(c.generation)] ?? 0) + 1;
  return {
    roots,
    totalReach: cascades.reduce((sum, c) => sum + c.reachCount, 0),
    verifiedReach: cascades.filter((c) => c.verified).reduce((sum, c) => sum + c.reachCount, 0),
    generations,
  };
}
