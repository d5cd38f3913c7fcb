export * from './activity';
export * from './config';
export * from './decay';
export * from './sql';
