import { defineConfig } from 'vitest/config';
import { SummaryReporter } from './tests/setup/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/build.ts'],
    reporters: ['default', new SummaryReporter()],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
