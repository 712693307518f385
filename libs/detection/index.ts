// Detection: the Sigma engine, Sigma correlations, built-in OT detections, the rule store and the
// per-batch pipeline. Each part keeps its own names; import the part you need.
export * as sigma from './sigma';
export * as correlation from './correlation';
export * as ot from './ot';
export * as rules from './rules';
export * as pipeline from './pipeline';
