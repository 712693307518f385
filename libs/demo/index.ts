export * from './demo-msp';
export * from './demo-attack';
export * from './webhook-sink';
