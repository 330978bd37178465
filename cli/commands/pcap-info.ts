// `xdp2hw pcap-info`: streams a pcap file (or stdin) and prints counts, sizes and protocols.
// Wiring only: the summary is simulator/pcap/summary.ts.

import type { CommandModule } from 'yargs';
import { createProgress } from '../../simulator/io/progress.js';
import { summarizePcap } from '../../simulator/pcap/index.js';
import type { PcapSummary } from '../../simulator/pcap/index.js';
import { JSON_OUTPUT } from '../options.js';

interface InfoArgs {
  file: string;
  'max-packets'?: number;
  json: boolean;
}

function table(title: string, counts: Record<string, number>, total: number): string {
  const rows = Object.entries(counts).filter(([, n]) => n > 0);
  if (!rows.length) return '';
  const pct = (n: number): string => `${((100 * n) / Math.max(1, total)).toFixed(1)}%`;
  return `${title}:\n${rows.map(([k, n]) => `  ${k.padEnd(12)} ${String(n).padStart(10)}  ${pct(n).padStart(6)}`).join('\n')}\n`;
}

function render(file: string, s: PcapSummary): string {
  const j = s.toJSON() as { sizes: Record<string, number>; spanSeconds: number; minSize: number };
  const vl: Record<string, number> = {};
  for (const [k, n] of Object.entries(s.vlans)) vl[k === '0' ? 'untagged' : `${k} tag${k === '1' ? '' : 's'}`] = n;
  return `${file}: ${s.packets} packets, ${s.wireBytes} bytes on the wire (${s.capturedBytes} captured, ${s.snapped} cut by snaplen)\n`
    + `frame sizes ${j.minSize}..${s.maxSize} bytes; the capture spans ${j.spanSeconds.toFixed(6)} s (first to last timestamp); ${s.flows} TCP/UDP flows\n`
    + table('frame sizes', j.sizes, s.packets) + table('VLAN', vl, s.packets)
    + table('L3', s.l3, s.packets) + table('L4', s.l4, s.packets);
}

export const pcapInfoCommand: CommandModule<object, InfoArgs> = {
  command: 'pcap-info <file>',
  describe: 'summarize a pcap file: counts, sizes, VLANs, protocols, flows ("-" reads stdin)',
  builder: (y) => y
    .positional('file', { type: 'string', demandOption: true, describe: 'pcap file, or - for stdin' })
    .option('max-packets', { type: 'number', describe: 'stop after N packets' })
    .option('json', JSON_OUTPUT),
  handler: async (a) => {
    // yargs hands a lone "-" over as ""
    const stdin = a.file === '-' || a.file === '';
    const source = stdin ? process.stdin : a.file;
    const bar = createProgress('pcap-info', 'B');
    let s: PcapSummary;
    try {
      s = await summarizePcap(source, {
        name: stdin ? '<stdin>' : a.file,
        maxPackets: a['max-packets'],
        onProgress: (r) => bar.update(r.bytesRead, r.size),
      });
    } finally {
      bar.end();
    }
    process.stdout.write(a.json ? `${JSON.stringify({ file: stdin ? '-' : a.file, ...s.toJSON() }, null, 2)}\n` : render(stdin ? '<stdin>' : a.file, s));
  },
};
