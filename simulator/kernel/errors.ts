// Typed failures of the kernel oracle: a verifier rejection (with the log lines that matter) and
// any other refusal by bpftool, libbpf or the kernel. Both print as one line in the CLI.

/** The kernel or bpftool refused something (setup, load, a map update, a test run). */
export class KernelError extends Error {
  constructor(message: string, readonly detail?: string) {
    super(message);
    this.name = 'KernelError';
  }
}

/** The verifier rejected a program: `log` holds the lines that say why. */
export class VerifierError extends KernelError {
  constructor(
    readonly file: string,
    readonly program: string | undefined,
    /** the instruction the verifier stopped at, when its log names one */
    readonly insn: number | undefined,
    readonly log: readonly string[],
    fullLog: string,
  ) {
    const who = program !== undefined ? `program '${program}'` : 'a program';
    const where = insn !== undefined ? ` at instruction ${insn}` : '';
    super(`${file}: the verifier rejected ${who}${where}: ${log.join('; ')}`, fullLog);
    this.name = 'VerifierError';
  }
}

export interface VerifierExcerpt {
  program?: string;
  insn?: number;
  lines: string[];
}

const INSN_LINE = /^(\d+): /;

/**
 * The part of libbpf's stderr that explains a rejection: the lines after the last instruction the
 * verifier printed, up to its "processed N insns" summary. Undefined when stderr holds no log.
 */
export function verifierExcerpt(stderr: string): VerifierExcerpt | undefined {
  const begin = stderr.lastIndexOf('-- BEGIN PROG LOAD LOG --');
  if (begin < 0) return undefined;
  const prog = /prog '([^']+)': BPF program load failed/.exec(stderr);
  let body = stderr.slice(begin).split('\n').slice(1);
  const end = body.findIndex((l) => l.startsWith('-- END PROG LOAD LOG --') || l.startsWith('libbpf:'));
  if (end >= 0) body = body.slice(0, end);
  const done = body.findIndex((l) => /^processed \d+ insns/.test(l));
  if (done >= 0) body = body.slice(0, done);
  const lines = body.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith(';'));
  let last = -1;
  for (let i = 0; i < lines.length; i++) if (INSN_LINE.test(lines[i]) && lines[i].includes('(')) last = i;
  const why = last >= 0 && last < lines.length - 1 ? lines.slice(last + 1) : lines.slice(-3);
  const out: VerifierExcerpt = { lines: why.slice(0, 4) };
  if (prog) out.program = prog[1];
  if (last >= 0) out.insn = Number(INSN_LINE.exec(lines[last])![1]);
  return out;
}

/** The libbpf/bpftool lines that explain a failure that is not a verifier rejection. */
export function toolComplaint(stderr: string, stdout = ''): string {
  const lines = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const errs = lines.filter((l) => /^(libbpf: .*(fail|error|invalid|unsupported|not)|Error:)/i.test(l) && !/^Warning/.test(l));
  const json = /"error":"([^"]*)"/.exec(stdout);
  const pick = errs.length > 0 ? errs.slice(0, 3) : json ? [json[1]] : lines.slice(0, 2);
  return pick.join('; ') || 'no message';
}
