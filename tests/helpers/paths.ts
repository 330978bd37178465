// Paths the tests share: the project root, the vendored bpf_conformance suite and the programs.
// Everything a test reads lives inside the repository.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** bpf_conformance's .data files (MIT, tests/conformance/LICENSE) and assembled.jsonl */
export const CONFORMANCE_DIR = resolve(ROOT, 'tests/conformance');
export const PROGRAMS_DIR = resolve(ROOT, 'programs');
