export * from './velero';
