// Workflow entry of the start benchmark's worker (tools/bench): the real workflows and the bare
// baselines in one bundle, alternating on one worker.
export * from '@trellis/workflows';
export * from './bare.workflows';
