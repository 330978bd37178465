// JSON text to a value, with a syntax error placed by line and column: JSON.parse gives only a
// character offset, and not for every error, so on failure a small scanner finds where the text
// stops being JSON. Reading files and checking shapes is the caller's.

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
  } catch {
    const [offset, why] = firstError(text);
    const before = text.slice(0, offset).split('\n');
    throw new JsonSyntaxError(before.length, before[before.length - 1].length + 1, why);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

/** The offset of the first syntax error in `text` and what is wrong there. */
function firstError(text: string): [number, string] {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const fail = (what: string): never => {
    throw [i, i >= text.length ? `unexpected end of input, expected ${what}` : `unexpected ${JSON.stringify(text[i])}, expected ${what}`];
  };
  const token = (re: RegExp): boolean => {
    re.lastIndex = i;
    if (!re.test(text)) return false;
    i = re.lastIndex;
    return true;
  };
  const list = (close: string, item: () => void) => {
    i++;
    ws();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (text[i] === close) return void i++;
      if (text[i] !== ',') fail(`',' or '${close}'`);
      i++;
      ws();
    }
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{')
      list('}', () => {
        if (!token(STRING)) fail('a property name in double quotes');
        ws();
        if (text[i] !== ':') fail("':'");
        i++;
        value();
      });
    else if (c === '[') list(']', value);
    else if (!token(STRING) && !token(NUMBER) && !token(LITERAL)) fail('a value');
  };
  try {
    value();
    ws();
    if (i < text.length) fail('the end of the input');
  } catch (e) {
    if (Array.isArray(e)) return e as [number, string];
    if (e instanceof RangeError) return [i, 'nested too deeply']; // the call stack ran out
    throw e;
  }
  return [text.length, 'not JSON'];
}
