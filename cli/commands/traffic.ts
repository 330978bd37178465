// `xdp2hw traffic`: writes a pcap from a traffic spec (docs/TRAFFIC.md), or from the generic
// mix when no spec is given. Wiring only: the generator is simulator/traffic.

import type { CommandModule } from 'yargs';
import { createProgress } from '../../simulator/io/progress.js';
import { compileSpec, genericSpec, loadTrafficSpec, writeTrafficPcap } from '../../simulator/traffic/index.js';
import type { TrafficSpec } from '../../simulator/traffic/index.js';
import { UsageError } from '../errors.js';
import { JSON_OUTPUT } from '../options.js';

interface TrafficArgs {
  spec?: string;
  out?: string;
  packets?: number;
  seed?: number;
  nano: boolean;
  'print-spec': boolean;
  json: boolean;
  'vlan-share'?: number;
  'ipv6-share'?: number;
  'malformed-share'?: number;
  flows?: number;
  zipf?: number;
  size?: string;
}

const GENERIC = ['vlan-share', 'ipv6-share', 'malformed-share', 'flows', 'zipf', 'size'] as const;

function specFromArgs(a: TrafficArgs): TrafficSpec {
  if (a.spec) {
    const given = GENERIC.filter((k) => a[k] !== undefined);
    if (given.length) throw new UsageError(`--${given[0]} is for the generic mix; with --spec, edit the spec`);
    return loadTrafficSpec(a.spec);
  }
  if (a.packets === undefined) throw new UsageError('give --spec, or --count for the generic mix');
  try {
    const size = a.size === undefined ? undefined : /^\d+$/.test(a.size) ? Number(a.size) : a.size;
    return genericSpec({
      count: a.packets, seed: a.seed, vlanShare: a['vlan-share'], ipv6Share: a['ipv6-share'],
      malformedShare: a['malformed-share'], flows: a.flows, zipf: a.zipf, size,
    });
  } catch (e) {
    throw e instanceof RangeError ? new UsageError(e.message) : e;
  }
}

export const trafficCommand: CommandModule<object, TrafficArgs> = {
  command: 'traffic',
  describe: 'write a pcap of generated traffic, from a spec (programs/<name>/traffic.json) or a generic mix',
  builder: (y) => y
    .option('spec', { type: 'string', describe: 'traffic spec (docs/TRAFFIC.md)' })
    .option('out', { alias: 'o', type: 'string', describe: 'pcap file to write (atomically)' })
    .option('packets', { alias: ['count', 'n'], type: 'number', describe: 'number of packets (overrides the spec)' })
    .option('seed', { type: 'number', describe: 'PRNG seed (overrides the spec)' })
    .option('nano', { type: 'boolean', default: false, describe: 'nanosecond pcap (magic a1b23c4d)' })
    .option('print-spec', { type: 'boolean', default: false, describe: 'print the spec as JSON instead of writing a pcap' })
    .option('json', JSON_OUTPUT)
    .option('vlan-share', { type: 'number', describe: 'generic mix: share of VLAN-tagged frames (default 0.1)' })
    .option('ipv6-share', { type: 'number', describe: 'generic mix: share of IPv6 (default 0.2)' })
    .option('malformed-share', { type: 'number', describe: 'generic mix: share of malformed frames (default 0.02)' })
    .option('flows', { type: 'number', describe: 'generic mix: flows per entry (default 1000)' })
    .option('zipf', { type: 'number', describe: 'generic mix: Zipf exponent over flows (default 1.1)' })
    .option('size', { type: 'string', describe: 'generic mix: frame size, e.g. 64 or "60-1518"' })
    .example('$0 traffic --spec programs/router_ipv4/traffic.json --out /tmp/router.pcap', '')
    .example('$0 traffic --count 100000 --ipv6-share 0.5 --out /tmp/mixed.pcap', ''),
  handler: async (a) => {
    const spec = specFromArgs(a);
    if (a.seed !== undefined) spec.seed = a.seed;
    if (a['print-spec']) {
      process.stdout.write(`${JSON.stringify(spec, null, 2)}\n`);
      return;
    }
    if (!a.out) throw new UsageError('--out is required');
    const compiled = compileSpec(spec, a.spec ?? '<generic>');
    const bar = createProgress('traffic', 'pkts');
    const t0 = performance.now();
    let r: { packets: number; bytes: number };
    try {
      r = await writeTrafficPcap(compiled, a.out, { packets: a.packets, nano: a.nano, onProgress: (d, t) => bar.update(d, t) });
    } finally {
      bar.end();
    }
    const seconds = (performance.now() - t0) / 1000;
    process.stdout.write(a.json
      ? `${JSON.stringify({ file: a.out, packets: r.packets, fileBytes: r.bytes, seconds }, null, 2)}\n`
      : `${a.out}: ${r.packets} packets written, a file of ${r.bytes} bytes, in ${seconds.toFixed(2)} s (time taken)\n`);
  },
};
