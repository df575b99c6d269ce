export * from './strimzi';
