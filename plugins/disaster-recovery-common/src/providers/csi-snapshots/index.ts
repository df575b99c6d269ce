export * from './csiSnapshots';
