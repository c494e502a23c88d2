/**
 * @trellis/training-domain — the pure rules of the training context: level adaptation from
 * the baseline and progress, prerequisite checks, knowledge-gain arithmetic, cascade
 * generations and reach (lineage).
 */
export * from './levels';
export * from './prerequisites';
export * from './knowledge';
export * from './cascades';
