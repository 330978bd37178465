// The progress bar (simulator/io/progress.ts): drawn on a terminal, erased at the end, and
// silent when stderr is not a TTY.

import { describe, expect, it } from 'vitest';
import { createProgress } from '../../simulator/io/progress.js';

function fakeStream(isTTY: boolean): NodeJS.WriteStream & { text: string } {
  const s = { isTTY, columns: 80, text: '', write(c: string) { s.text += c; return true; } };
  return s as unknown as NodeJS.WriteStream & { text: string };
}

describe('createProgress', () => {
  it('draws a bar with percentage on a TTY and erases it at the end', () => {
    const s = fakeStream(true);
    const p = createProgress('traffic', 'pkts', s);
    p.update(500, 1000);
    expect(s.text).toMatch(/^\rtraffic \[#{14}-{14}\]  50%  500\/1.00k pkts/);
    expect(s.text.length).toBeLessThan(80 + 8);
    p.update(600, 1000); // within 100 ms: not redrawn
    expect(s.text).not.toContain('600');
    p.update(1000, 1000); // the end is always drawn
    expect(s.text).toContain('100%');
    p.end();
    expect(s.text.endsWith('\r\x1b[K')).toBe(true);
  });

  it('counts without a total', () => {
    const s = fakeStream(true);
    createProgress('pcap-info', 'B', s).update(2_500_000, undefined);
    expect(s.text).toMatch(/pcap-info 2\.50M B/);
  });

  it('writes nothing when the stream is not a TTY', () => {
    const s = fakeStream(false);
    const p = createProgress('traffic', 'pkts', s);
    p.update(1, 2);
    p.update(2, 2);
    p.end();
    expect(s.text).toBe('');
  });
});
