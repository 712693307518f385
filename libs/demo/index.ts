export * from './demo-msp';
