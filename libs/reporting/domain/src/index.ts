/**
 * @trellis/reporting-domain — the pure rules of the reporting service: pseudonyms, the facts
 * projected from events (order-independent writes), the read-model store port and its
 * in-memory implementation, small-cell suppression, and every report with its CSV form.
 */
export * from './csv';
export * from './dataset';
export * from './disclosure';
export * from './facts';
export * from './memory-read-model';
export * from './privacy';
export * from './projection';
export * from './reports/autonomy.reports';
export * from './reports/catalogue';
export * from './reports/engagements.report';
export * from './reports/report-table';
export * from './reports/risk.reports';
export * from './reports/support.reports';
export * from './time';
