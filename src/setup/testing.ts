// For the tests beside this module: the repository root, found upward from the running file, so the
// tests read test/fixtures/ both from source (tsx) and compiled (dist/src/setup).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function repoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${start}`);
    dir = up;
  }
  return dir;
}
