// A vitest reporter that ends the run with one plain line, "tests: N passed, N failed, N skipped",
// which CI and people read without knowing vitest's own format. A test file that fails to load
// (an import or a top-level read throws) counts as one failed test, as does an unhandled error.
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const m of testModules) {
      // errors of the module itself: it failed to load or a hook outside every test threw
      if (m.errors().length > 0) failed++;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
