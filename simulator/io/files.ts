// Why a file could not be read, worded as the loader words it for objects ("no such file",
// "permission denied", "is a directory"), so every input file fails with the same line.

/** The short reason for a failed open or read; `cannot read: ...` for anything else. */
export function readProblem(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return `cannot read: ${String(err?.message ?? e).split('\n')[0]}`;
  }
}
