/**
 * A figure of a report: its value, or `null` with `suppressed: true` when it could disclose
 * something about fewer organisations than the threshold.
 */
export interface Figure {
  value: number | string | null;
  suppressed?: true;
}

/** A reference to a cell of a {@link DisclosureControl}. */
export type CellRef = number & { readonly __cell: unique symbol };

interface Cell {
  value: number | string | null;
  /** Distinct organisations behind the value (null: not a population cell). */
  organisations: number | null;
  /** Not published: only part of relations (e.g. "not reached" = total − reached). */
  hidden: boolean;
  /** Cells this one is computed from (a share, a median, a multiplier, ...). */
  deps: CellRef[];
  suppressed: boolean;
}

interface Relation {
  parts: CellRef[];
  /** The total cell, or undefined when the total is published elsewhere (another query). */
  total?: CellRef;
}

/**
 * Small-cell suppression for one report (statistical disclosure control):
 *
 * 1. **Primary**: a count (or statistic) whose value rests on at least one but fewer than
 *    `minCellSize` distinct organisations is suppressed. Zero is shown: it discloses no
 *    organisation, and suppressing it would force the complementary suppression of non-zero
 *    neighbours (a unit without any follow-up would hide another unit's counts).
 * 2. **Complementary**: for every additive relation (parts summing to a total that is shown
 *    in the report, or that another query of the same report publishes, e.g. a column total
 *    or the report without `groupBy`), a protected cell must never be the only unknown
 *    member, or it could be recomputed by subtraction. While a relation has exactly one
 *    unknown member and that member is protected, the smallest published part (else the
 *    total) is suppressed as well; repeated until no relation changes. Hidden parts (such as
 *    "organisations that did not reach a milestone") count as unknown and are protected when
 *    small, so e.g. an attainment count is withheld when the organisations that did *not*
 *    reach the milestone are fewer than the threshold.
 * 3. **Derived**: a share, mean, median or ratio is suppressed when any cell it is computed
 *    from is, or when its own population is below the threshold.
 *
 * Protects each response on its own and its published margins; differencing between queries
 * with different filters is not prevented (README: privacy rules).
 */
export class DisclosureControl {
  private readonly cells: Cell[] = [];
  private readonly relations: Relation[] = [];
  private resolved = false;

  constructor(readonly minCellSize: number) {
    if (!Number.isInteger(minCellSize) || minCellSize < 1) {
      throw new RangeError('minCellSize must be a whole number of at least 1');
    }
  }

  /** A count resting on these organisations (a set of pseudonyms, or how many there are). */
  count(
    value: number,
    organisations: ReadonlySet<string> | number,
    options: { hidden?: boolean } = {},
  ): CellRef {
    return this.add({
      value,
      organisations: typeof organisations === 'number' ? organisations : organisations.size,
      hidden: options.hidden ?? false,
      deps: [],
      suppressed: false,
    });
  }

  /**
   * A figure computed from other cells (suppressed with any of them); with `organisations`,
   * also suppressed when that population is below the threshold. `undefined` values (no
   * data) are shown as `null` without the suppression marker.
   */
  derived(
    value: number | string | null | undefined,
    deps: readonly CellRef[],
    organisations?: ReadonlySet<string> | number,
  ): CellRef {
    return this.add({
      value: value ?? null,
      organisations:
        organisations === undefined
          ? null
          : typeof organisations === 'number'
            ? organisations
            : organisations.size,
      hidden: false,
      deps: [...deps],
      suppressed: false,
    });
  }

  /** Declares `total = sum(parts)`; without `total`, the total is published elsewhere. */
  sum(parts: readonly CellRef[], total?: CellRef): void {
    if (parts.length === 0) return;
    this.relations.push({ parts: [...parts], ...(total === undefined ? {} : { total }) });
  }

  /** Applies primary, complementary and derived suppression (idempotent). */
  resolve(): void {
    if (this.resolved) return;
    this.resolved = true;
    const k = this.minCellSize;
    for (const cell of this.cells) {
      if (cell.organisations !== null && cell.organisations > 0 && cell.organisations < k) {
        cell.suppressed = true;
      }
    }
    for (let changed = true, rounds = 0; changed && rounds < 1000; rounds++) {
      changed = false;
      for (const relation of this.relations) {
        const members =
          relation.total === undefined ? relation.parts : [...relation.parts, relation.total];
        const unknown = members.filter((ref) => this.cell(ref).suppressed || this.cell(ref).hidden);
        if (unknown.length !== 1 || !this.cell(unknown[0]).suppressed) continue;
        const candidate = this.smallestPublished(relation.parts) ?? this.published(relation.total);
        if (candidate === undefined) continue;
        this.cell(candidate).suppressed = true;
        changed = true;
      }
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const cell of this.cells) {
        if (!cell.suppressed && cell.deps.some((ref) => this.cell(ref).suppressed)) {
          cell.suppressed = true;
          changed = true;
        }
      }
    }
  }

  /** The published figure of a cell (resolves first). */
  figure(ref: CellRef): Figure {
    this.resolve();
    const cell = this.cell(ref);
    if (cell.hidden) throw new Error('a hidden cell is never published');
    return cell.suppressed ? { value: null, suppressed: true } : { value: cell.value };
  }

  /** Whether a cell is suppressed (resolves first). */
  isSuppressed(ref: CellRef): boolean {
    this.resolve();
    return this.cell(ref).suppressed;
  }

  private smallestPublished(refs: readonly CellRef[]): CellRef | undefined {
    let best: CellRef | undefined;
    for (const ref of refs) {
      const cell = this.cell(ref);
      if (cell.suppressed || cell.hidden) continue;
      if (best === undefined || numeric(cell.value) < numeric(this.cell(best).value)) best = ref;
    }
    return best;
  }

  private published(ref: CellRef | undefined): CellRef | undefined {
    if (ref === undefined) return undefined;
    const cell = this.cell(ref);
    return cell.suppressed || cell.hidden ? undefined : ref;
  }

  private add(cell: Cell): CellRef {
    if (this.resolved) throw new Error('cells cannot be added after resolve()');
    this.cells.push(cell);
    return (this.cells.length - 1) as CellRef;
  }

  private cell(ref: CellRef): Cell {
    const cell = this.cells[ref];
    if (!cell) throw new RangeError(`unknown cell ${ref}`);
    return cell;
  }
}

function numeric(value: number | string | null): number {
  return typeof value === 'number' ? value : Number.POSITIVE_INFINITY;
}
