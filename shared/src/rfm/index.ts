export * from './config';
export * from './mean';
export * from './quantiles';
export * from './scoreBase';
export * from './segment';
export * from './sql';
export * from './valueLayer';
export * from './window';
