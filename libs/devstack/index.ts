export * from './local-services';
export * from './free-port';
