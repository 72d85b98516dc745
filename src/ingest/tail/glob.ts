// Expanding `--watch` patterns. A pattern without wildcards is followed by name even before the file
// exists (the apiserver may not have started yet); wildcards (`*`, `?`, `[abc]`, `[!abc]`) may appear
// in any path segment and are matched against the directory entries present now — the file source
// expands them again on every poll, so files that appear later are picked up. `**` is not supported.
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

export function hasWildcard(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** The regular expression for one glob segment (no path separators). */
export function segmentRegExp(segment: string): RegExp {
  let re = '^';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) re += '\\[';
      else {
        let body = segment.slice(i + 1, close);
        const negate = body.startsWith('!') || body.startsWith('^');
        if (negate) body = body.slice(1);
        re += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
        i = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(re + '$');
}

/**
 * The regular files matching a pattern now, as absolute paths, sorted. A pattern without wildcards
 * returns itself (resolved) whether it exists or not.
 */
export function expandPattern(pattern: string): string[] {
  const abs = isAbsolute(pattern) ? pattern : resolve(pattern);
  if (!hasWildcard(abs)) return [abs];
  const segments = abs.split(sep).filter((s) => s !== '');
  let dirs: string[] = [sep];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const d of dirs) {
      if (!hasWildcard(seg)) {
        next.push(join(d, seg));
        continue;
      }
      const re = segmentRegExp(seg);
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      // Hidden files only when the pattern asks for them, as in a shell.
      for (const n of names)
        if (re.test(n) && (!n.startsWith('.') || seg.startsWith('.'))) next.push(join(d, n));
    }
    dirs = next;
    if (last) break;
  }
  return dirs
    .filter((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    })
    .sort();
}
