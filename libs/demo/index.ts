export * from './demo-msp';
export * from './demo-attack';
