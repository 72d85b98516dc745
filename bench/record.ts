// Benchmarks record their figures in docs/benchmarks.md, one "## <title>" section each: a run
// replaces its own section and leaves the others alone.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

export const BENCHMARKS_MD = join(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md');

export function machineDescription(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} vCPU ${cpu.trim()}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** Replaces (or appends) the section `## title` of docs/benchmarks.md with `body`. */
export function recordSection(title: string, body: string, file = BENCHMARKS_MD): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const heading = `## ${title}`;
  const section = `${heading}\n\n${body.trim()}\n`;
  const start = text.indexOf(`${heading}\n`);
  let out: string;
  if (start === -1) out = text.trimEnd() + '\n\n' + section;
  else {
    const next = text.indexOf('\n## ', start + heading.length);
    out = text.slice(0, start) + section + (next === -1 ? '' : text.slice(next));
  }
  writeFileSync(file, out);
}
