export * from './config';
export * from './preferences';
export * from './priceBand';
