import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test-prop.ts'],
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/**/*.test.ts', 'src/**/*.test-prop.ts', 'src/**/index.ts', 'src/**/testing/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});
