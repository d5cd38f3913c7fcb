import { defineConfig } from 'drizzle-kit';

/** `npm run db:generate -w server` writes forward-only SQL migrations to ./drizzle from the TypeScript schema. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema/index.ts',
  out: './drizzle',
  strict: true,
  verbose: true,
});
