// `npm start`: fill the store with the demo week (only when it is empty), then run the server.
// Until `kaudit serve` exists, it stops after the demo and says so.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join, dirname } from 'node:path';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kaudit.js');
const args = process.argv.slice(2);
const demo = spawnSync(process.execPath, [bin, 'demo', ...args], { stdio: 'inherit' });
if (demo.status !== 0) process.exit(demo.status ?? 1);
const { buildProgram } = await import('../dist/src/cli/main.js');
if (!buildProgram().commands.some((c) => c.name() === 'serve')) {
  process.stdout.write('\n(kaudit serve is not part of this release yet; use the commands above.)\n');
  process.exit(0);
}
const serve = spawnSync(process.execPath, [bin, 'serve', ...args], { stdio: 'inherit' });
process.exit(serve.status ?? 1);
