import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test-prop.ts'],
    testTimeout: 60000,
  },
});
