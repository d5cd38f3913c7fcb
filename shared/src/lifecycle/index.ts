export * from './config';
export * from './sql';
export * from './stage';
