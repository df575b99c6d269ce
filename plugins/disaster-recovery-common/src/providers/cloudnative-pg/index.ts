export * from './cloudnativePg';
