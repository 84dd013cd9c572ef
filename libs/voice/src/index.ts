export * from './signature';
export * from './signed-url';
export * from './rcml';
export * from './call-status';
export * from './call-api';
export * from './settings';
export * from './callback-url';
