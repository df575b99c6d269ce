export * from './volsync';
