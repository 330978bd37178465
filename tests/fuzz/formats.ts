// The fuzz harnesses by format, in the order the fuzz table lists them.
import { cliHarness } from './cli-options.js';
import { dataFileHarness } from './data-file.js';
import { elfHarness } from './elf.js';
import type { Harness } from './harness.js';
import { listingHarness } from './listing.js';
import { pcapHarness } from './pcap.js';
import { fixtureHarness } from './fixture.js';
import { rawHarness } from './raw.js';
import { trafficSpecHarness } from './traffic-spec.js';

export const HARNESSES: readonly Harness[] = [
  elfHarness, rawHarness, listingHarness, dataFileHarness, pcapHarness, fixtureHarness, trafficSpecHarness, cliHarness,
] as Harness[];

export function harness(format: string): Harness {
  const h = HARNESSES.find((x) => x.format === format);
  if (!h) throw new Error(`no fuzz harness for '${format}' (formats: ${HARNESSES.map((x) => x.format).join(', ')})`);
  return h;
}
