export * from './encoding';
export * from './url';
export * from './carrier';
