// Paths the tests share: the project root, ../shared and its conformance suite.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SHARED_DIR = resolve(ROOT, '../shared');
export const CONFORMANCE_DIR = resolve(SHARED_DIR, 'conformance');
export const PROGRAMS_DIR = resolve(ROOT, 'programs');
