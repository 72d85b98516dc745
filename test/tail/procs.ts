// Running kaudit and the test writer as real processes, both from the sources (under tsx, when the
// test itself runs from a .ts file) and from the build (dist/, under `npm test`).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const FROM_SOURCE = import.meta.url.endsWith('.ts');

function findRepo(start: string): string {
  let d = start;
  while (!existsSync(join(d, 'package.json'))) d = dirname(d);
  return d;
}
export const REPO = findRepo(HERE);

/** node arguments that run `kaudit ARGS`. */
export function kauditArgv(args: string[]): string[] {
  if (!FROM_SOURCE) return [join(REPO, 'bin', 'kaudit.js'), ...args];
  const main = pathToFileURL(join(REPO, 'src', 'cli', 'main.ts')).href;
  const code = `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(['node', 'kaudit', ...process.argv.slice(1)]);`;
  return ['--import', 'tsx', '--input-type=module', '-e', code, ...args];
}

/** node arguments that run the test writer. */
export function writerArgv(args: string[]): string[] {
  return FROM_SOURCE
    ? ['--import', 'tsx', join(HERE, 'writer.ts'), ...args]
    : [join(HERE, 'writer.js'), ...args];
}

export interface Proc {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exited: Promise<number | null>;
  /** Resolves with the first stdout line matching `re`. */
  line(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
}

export function run(argv: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const child = spawn(process.execPath, argv, {
    cwd: REPO,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const p: Proc = {
    child,
    stdout: '',
    stderr: '',
    exited: new Promise((r) => child.on('exit', (code) => r(code))),
    line(re, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(p.stdout);
          if (m) {
            clearTimeout(timer);
            child.stdout!.off('data', check);
            resolve(m);
          }
        };
        const timer = setTimeout(() => {
          child.stdout!.off('data', check);
          reject(
            new Error(`no output matching ${re} within ${timeoutMs} ms; stderr: ${p.stderr.slice(-2000)}`),
          );
        }, timeoutMs);
        child.stdout!.on('data', check);
        check();
      });
    },
  };
  child.stdout!.on('data', (c: Buffer) => (p.stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (p.stderr += c.toString()));
  return p;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
