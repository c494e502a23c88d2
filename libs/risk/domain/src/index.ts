/**
 * @trellis/risk-domain — the pure rules of the risk context: the risk equation
 * (risk = threats × vulnerabilities / capacities) with its scales and level bands, the order
 * of the five threat-assessment steps, security wheel aggregation, plan item rules and
 * catalogue suggestions, and when an incident is serious.
 */
export * from './risk';
export * from './threat-steps';
export * from './security-wheel';
export * from './security-plan';
export * from './incidents';
