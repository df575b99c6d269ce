export * from './cadence';
export * from './evaluate';
export * from './kubernetes';
export * from './selectors';
export * from './target';
export * from './types';
export * from './resources';
export * from './retention';
