// JSON text to a value, with a syntax error placed by line and column (JSON.parse only gives a
// character offset, and not always). Reading files and checking shapes is the caller's.

export class JsonSyntaxError extends Error {
  constructor(readonly line: number, readonly column: number, readonly why: string) {
    super(`line ${line}, column ${column}: ${why}`);
    this.name = 'JsonSyntaxError';
  }
}

/** JSON.parse, but a syntax error is a JsonSyntaxError naming line and column (both from 1). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message.split('\n')[0];
    const at = /at position (\d+)/.exec(message);
    // "Unexpected end of JSON input" has no position: the error is at the end
    const offset = at ? Number(at[1]) : text.length;
    const before = text.slice(0, offset).split('\n');
    const why = message.replace(/\s*in JSON at position \d+.*$/, '').replace(/ \(line \d+ column \d+\)$/, '');
    throw new JsonSyntaxError(before.length, before[before.length - 1].length + 1, why);
  }
}
