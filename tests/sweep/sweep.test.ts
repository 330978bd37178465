// `xdp2hw sweep` as a user runs it (the built CLI): two shards then `sweep merge` equal one
// unsharded run (timing fields aside); a killed run and a torn last line resume to the whole grid;
// merge refuses conflicting duplicates; bad options are one line and exit 2 (usage) or 1 (input).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TIMING_FIELDS } from '../../cli/sweep/run-point.js';
import { ROOT, PROGRAMS_DIR } from '../helpers/paths.js';
import { runCli } from '../cli/run.js';

const tmp = mkdtempSync(join(tmpdir(), 'xdp2hw-sweep-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = (name: string) => join(tmp, name);

/** The small sweep of the acceptance: 2 programs × 2 lanes × 2 strategies (8 points), 100 packets each. */
const GRID = ['sweep', '--programs', 'xdp1,xdp2', '--lanes', '2,4', '--strategies', 'list,motion', '--packets', '100'];

type Point = Record<string, unknown> & { id: string };
const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
const points = (file: string): Point[] => lines(file).map((l) => JSON.parse(l) as Point);
/** A point without the fields that time this machine. */
const design = (p: Point): Record<string, unknown> => Object.fromEntries(Object.entries(p).filter(([k]) => !(TIMING_FIELDS as readonly string[]).includes(k)));
const byId = (ps: Point[]) => new Map(ps.map((p) => [p.id, design(p)]));

function ok(args: string[]): string {
  const r = runCli(args);
  expect(r.status, r.stderr).toBe(0);
  return r.stdout;
}

describe('xdp2hw sweep', () => {
  beforeAll(() => {
    ok([...GRID, '--out', at('all.jsonl'), '--jobs', '2']);
  });

  it('writes one JSON line per point with the contract fields', () => {
    const ps = points(at('all.jsonl'));
    expect(ps).toHaveLength(8);
    expect(new Set(ps.map((p) => p.id)).size).toBe(8);
    for (const p of ps) {
      for (const f of ['id', 'program', 'file', 'lanes', 'strategy', 'core', 'passes', 'clockMHz', 'insnsOriginal', 'insnsOptimized', 'rows', 'cyclesMean', 'cyclesMax', 'cyclesP50', 'cyclesP99', 'packets', 'mpps', 'ipc', 'compileMs', 'mismatches'])
        expect(p, f).toHaveProperty(f);
      expect(p.mismatches).toBe(0);
      expect(p.rows as number).toBeGreaterThan(0);
      expect(p.cyclesMax as number).toBeGreaterThanOrEqual(p.cyclesP99 as number);
      expect(p.insnsOptimized as number).toBeLessThanOrEqual(p.insnsOriginal as number);
    }
    expect(new Set(ps.map((p) => `${p.program}/${p.lanes}/${p.strategy}`)).size).toBe(8);
  });

  it('each line has exactly the point fields docs/CLI.md lists (refused only on a refused point)', () => {
    const cli = readFileSync(join(ROOT, 'docs/CLI.md'), 'utf8');
    const table = cli.slice(cli.indexOf('| point field |'));
    const documented = [...table.slice(0, table.indexOf('\n\n')).matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    for (const p of points(at('all.jsonl'))) expect(Object.keys(p).sort()).toEqual(documented.filter((f) => f !== 'refused').sort());
  });

  it('--shard 0/2 and 1/2, then sweep merge, give the points of one unsharded run', () => {
    ok([...GRID, '--out', at('s0.jsonl'), '--shard', '0/2', '--jobs', '1']);
    ok([...GRID, '--out', at('s1.jsonl'), '--shard', '1/2', '--jobs', '2']);
    const s0 = points(at('s0.jsonl'));
    const s1 = points(at('s1.jsonl'));
    expect(s0).toHaveLength(4);
    expect(s1).toHaveLength(4);
    expect(s0.filter((p) => s1.some((q) => q.id === p.id))).toEqual([]);
    const out = ok(['sweep', 'merge', at('s0.jsonl'), at('s1.jsonl'), '--out', at('merged.jsonl'), '--json']);
    expect(JSON.parse(out)).toMatchObject({ points: 8, duplicates: 0 });
    const merged = points(at('merged.jsonl'));
    expect(byId(merged)).toEqual(byId(points(at('all.jsonl'))));
    // merged output is sorted: merging the unsharded run gives the same lines in the same order
    ok(['sweep', 'merge', at('all.jsonl'), '--out', at('all-sorted.jsonl')]);
    expect(points(at('all-sorted.jsonl')).map(design)).toEqual(merged.map(design));
  });

  it('resumes: points already in --out are skipped; a torn last line is cut off and redone', () => {
    const whole = lines(at('all.jsonl'));
    const partial = at('partial.jsonl');
    writeFileSync(partial, `${whole.slice(0, 3).join('\n')}\n${whole[3].slice(0, 40)}`);
    const s = JSON.parse(ok([...GRID, '--out', partial, '--json'])) as Record<string, number>;
    expect(s).toMatchObject({ points: 8, skipped: 3, ran: 5 });
    const after = lines(partial);
    expect(after.slice(0, 3)).toEqual(whole.slice(0, 3));
    expect(after).toHaveLength(8);
    expect(byId(after.map((l) => JSON.parse(l) as Point))).toEqual(byId(points(at('all.jsonl'))));
    // nothing left to do: a rerun runs nothing and leaves the file as it is
    expect(JSON.parse(ok([...GRID, '--out', partial, '--json']))).toMatchObject({ skipped: 8, ran: 0 });
    expect(lines(partial)).toEqual(after);
  });

  it('a run killed while it writes leaves whole lines, and the next run completes the grid', async () => {
    const out = at('killed.jsonl');
    const child = spawn(process.execPath, [resolve(ROOT, 'dist/cli/xdp2hw.js'), ...GRID, '--out', out, '--jobs', '1'], { cwd: ROOT, stdio: 'ignore' });
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    for (let i = 0; i < 3000 && !(existsSync(out) && readFileSync(out, 'utf8').includes('\n')); i++) await new Promise((r) => setTimeout(r, 10));
    child.kill('SIGKILL');
    await exited;
    const text = readFileSync(out, 'utf8');
    const done = text.split('\n');
    const tail = done.pop()!;
    expect(tail === '' || tail.startsWith('{')).toBe(true);
    for (const l of done) expect(() => JSON.parse(l)).not.toThrow();
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.length).toBeLessThan(8); // killed before the end
    const s = JSON.parse(ok([...GRID, '--out', out, '--json'])) as Record<string, number>;
    expect(s.skipped).toBe(done.length);
    expect(byId(points(out))).toEqual(byId(points(at('all.jsonl'))));
  });

  it('the same content at another path is the same point (ids follow bytes, not paths)', () => {
    const dir = at('copy/xdp1');
    mkdirSync(dir, { recursive: true });
    for (const f of ['xdp1.o', 'traffic.pcap', 'maps.json']) copyFileSync(join(PROGRAMS_DIR, 'xdp1', f), join(dir, f));
    const ids = (args: string[]) => ok([...args, '--lanes', '2,4', '--strategies', 'list,motion', '--out', at('none.jsonl'), '--dry-run']).trim().split('\n').map((l) => (JSON.parse(l) as Point).id);
    expect(ids(['sweep', join(dir, 'xdp1.o')])).toEqual(ids(['sweep', '--programs', 'xdp1']));
    expect(existsSync(at('none.jsonl'))).toBe(false); // --dry-run writes nothing
  });

  it('a program the scheduler refuses is one line with `refused` and null figures, and is not redone', () => {
    // mov r0, 2; call local +1; exit; mov r0, 1; exit: a BPF-to-BPF call, which rows cannot hold
    const bin = at('call.bin');
    writeFileSync(bin, Buffer.from(['b700000002000000', '8510000001000000', '9500000000000000', 'b700000001000000', '9500000000000000'].join(''), 'hex'));
    const s = JSON.parse(ok(['sweep', bin, '--out', at('call.jsonl'), '--json'])) as Record<string, number>;
    expect(s).toMatchObject({ ran: 1, refused: 1 });
    const [p] = points(at('call.jsonl'));
    expect(p.refused).toMatch(/BPF-to-BPF calls/);
    expect(p).toMatchObject({ rows: null, cyclesMean: null, mismatches: null, traffic: 'generic' });
    expect(JSON.parse(ok(['sweep', bin, '--out', at('call.jsonl'), '--json']))).toMatchObject({ skipped: 1, ran: 0 });
  });

  it('merge refuses a point given twice with different figures, and accepts one that differs in timing only', () => {
    const ps = lines(at('s0.jsonl')).map((l) => JSON.parse(l) as Point);
    const timing = ps.map((p) => ({ ...p, compileMs: 12345, simulateMs: 1 }));
    writeFileSync(at('timing.jsonl'), timing.map((p) => JSON.stringify(p)).join('\n') + '\n');
    expect(JSON.parse(ok(['sweep', 'merge', at('s0.jsonl'), at('timing.jsonl'), '--out', at('m1.jsonl'), '--json']))).toMatchObject({ points: 4, duplicates: 4 });
    const changed = ps.map((p, i) => (i === 2 ? { ...p, rows: (p.rows as number) + 1 } : p));
    writeFileSync(at('changed.jsonl'), changed.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const r = runCli(['sweep', 'merge', at('s0.jsonl'), at('changed.jsonl'), '--out', at('m2.jsonl')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toBe(`xdp2hw: ${at('changed.jsonl')}: point ${ps[2].id} conflicts with ${at('s0.jsonl')}: rows is ${(ps[2].rows as number) + 1} here, ${ps[2].rows} there\n`);
    expect(existsSync(at('m2.jsonl'))).toBe(false);
  });
});

describe('xdp2hw sweep: bad options and input', () => {
  const obj = join(PROGRAMS_DIR, 'xdp1', 'xdp1.o');
  const usage: [string, string[], RegExp][] = [
    ['no --out', ['sweep', obj], /Missing required argument: out/],
    ['no objects', ['sweep', '--out', at('u.jsonl')], /name the objects to sweep/],
    ['a shard out of range', ['sweep', obj, '--out', at('u.jsonl'), '--shard', '2/2'], /--shard 2\/2: expected i\/n/],
    ['a shard that is not i/n', ['sweep', obj, '--out', at('u.jsonl'), '--shard', 'x'], /--shard x/],
    ['lanes out of range', ['sweep', obj, '--out', at('u.jsonl'), '--lanes', '1,9'], /--lanes: 9 is outside 1-8/],
    ['an unknown strategy', ['sweep', obj, '--out', at('u.jsonl'), '--strategies', 'list,fast'], /--strategies: no strategy fast/],
    ['an unknown pass', ['sweep', obj, '--out', at('u.jsonl'), '--passes', 'all,nope'], /--passes: nope: no pass "nope"/],
    ['a bad clock', ['sweep', obj, '--out', at('u.jsonl'), '--clock', '156.25,0'], /--clock: 0 is not a clock/],
    ['no packets', ['sweep', obj, '--out', at('u.jsonl'), '--packets', '0'], /--packets 0/],
    ['zero jobs', ['sweep', obj, '--out', at('u.jsonl'), '--jobs', '0'], /--jobs 0/],
    ['an unknown corpus program', ['sweep', '--programs', 'nope', '--out', at('u.jsonl')], /--programs: no program nope/],
    ['a sweep option with merge', ['sweep', 'merge', at('all.jsonl'), '--out', at('u.jsonl'), '--lanes', '4'], /--lanes does not apply to sweep merge/],
    ['a usage error before any file is read', ['sweep', at('nope.o'), '--out', at('u.jsonl'), '--strategies', 'fast'], /--strategies: no strategy fast/],
    ['merge with nothing to merge', ['sweep', 'merge', '--out', at('u.jsonl')], /name the shard outputs/],
  ];
  for (const [what, args, want] of usage)
    it(`${what}: usage error, exit 2`, () => {
      const r = runCli(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(want);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(at('u.jsonl'))).toBe(false);
    });

  const input: [string, () => string[], RegExp][] = [
    ['a missing object', () => ['sweep', at('nope.o'), '--out', at('i.jsonl')], /nope\.o: no such file/],
    ['an --out that is not a sweep output', () => {
      writeFileSync(at('not-sweep.txt'), 'hello\nworld\n');
      return ['sweep', obj, '--out', at('not-sweep.txt')];
    }, /not-sweep\.txt: line 1: not JSON/],
    ['an --out of binary bytes without a newline', () => {
      writeFileSync(at('bin.pcap'), Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]));
      return ['sweep', obj, '--out', at('bin.pcap')];
    }, /bin\.pcap: line 1: not a sweep point/],
    ['an --out that is a directory', () => ['sweep', obj, '--out', tmp], /is a directory/],
    ['an --out device that cannot be written (not read: /dev/full reads zeros forever)', () => ['sweep', obj, '--packets', '10', '--out', '/dev/full'], /^xdp2hw: \/dev\/full: cannot write: ENOSPC\n$/],
    ['a missing shard file to merge', () => ['sweep', 'merge', at('missing.jsonl'), '--out', at('i.jsonl')], /missing\.jsonl: no such file/],
    ['a bad core file', () => {
      writeFileSync(at('core.json'), '{"name": "x"}');
      return ['sweep', obj, '--out', at('i.jsonl'), '--core', `xdp2hw,${at('core.json')}`];
    }, /--core .*core\.json: core config: /],
  ];
  for (const [what, args, want] of input)
    it(`${what}: one line, exit 1`, () => {
      const r = runCli(args());
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(want);
      expect(r.stdout).toBe('');
    });

  it('leaves a file that is not a sweep output untouched', () => {
    expect(readFileSync(at('bin.pcap'))).toEqual(Buffer.from([0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0]));
  });
});
