// The closing line of the test run counts a test file that failed to load (its module has errors
// and no tests) and unhandled errors as failed, besides failed tests.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestModule } from 'vitest/node';
import { SummaryReporter } from './summary-reporter.js';

/** A stand-in for vitest's TestModule: module-level errors and tests in the given states. */
function testModule(errors: number, states: string[]): TestModule {
  return {
    errors: () => Array.from({ length: errors }, () => ({ message: 'Cannot find module' })),
    children: { allTests: () => states.map((state) => ({ result: () => ({ state }) })) },
  } as unknown as TestModule;
}

describe('SummaryReporter', () => {
  afterEach(() => vi.restoreAllMocks());

  function closingLine(modules: TestModule[], unhandled = 0): string {
    let out = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
    new SummaryReporter().onTestRunEnd(modules, Array.from({ length: unhandled }, () => ({ message: 'x' })));
    vi.restoreAllMocks();
    return out.trim();
  }

  it('counts passed, failed and skipped tests', () => {
    expect(closingLine([testModule(0, ['passed', 'passed', 'failed', 'skipped'])])).toBe('tests: 2 passed, 1 failed, 1 skipped');
  });

  it('a file that fails to load is one failed test', () => {
    expect(closingLine([testModule(0, ['passed']), testModule(1, [])])).toBe('tests: 1 passed, 1 failed, 0 skipped');
  });

  it('an unhandled error is a failure', () => {
    expect(closingLine([testModule(0, ['passed'])], 1)).toBe('tests: 1 passed, 1 failed, 0 skipped');
  });
});
