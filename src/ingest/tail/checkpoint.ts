// Checkpoints of the file source: where reading of a followed path stands, so that a restart (or a
// `kill -9`) resumes exactly there. One checkpoint per followed path (the active file name, e.g.
// /var/log/kubernetes/audit/audit.log); it names the file it points into by device + inode and by a
// fingerprint of its first bytes, because the same name is a different file after each rotation and
// an inode number is reused once a file is deleted. A checkpoint is saved only after the rows before
// `offset` are durable in the store (or acknowledged by the server, for the agent).
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../../cli/errors.js';

export interface Checkpoint {
  /** `st_dev` of the file read at `offset`. */
  device: number;
  /** `st_ino` of that file. */
  inode: number;
  /** Bytes of complete lines consumed (uncompressed bytes when the file is gzip). */
  offset: number;
  /** Lines consumed, for the line numbers of rejects. */
  line: number;
  /** SHA-1 (hex) of the first `fingerprintBytes` bytes of the (uncompressed) content. */
  fingerprint: string;
  fingerprintBytes: number;
  /** The file is a gzip backup (read through gunzip). */
  compressed?: boolean;
  /** Name of the file when the checkpoint was saved (the followed path, or a rotated backup). */
  name: string;
  /**
   * Last time (ms since the epoch) this file was seen as the active file under the followed path.
   * Backups rotated at or after this time came after it (their names carry the rotation time).
   */
  activeAt: number;
  /** When the checkpoint was saved (ms since the epoch). */
  updated: number;
}

/** Where checkpoints live: the store's settings (serve) or a local JSON file (agent). */
export interface CheckpointStore {
  load(key: string): Promise<Checkpoint | undefined>;
  save(key: string, cp: Checkpoint): Promise<void>;
}

function parseCheckpoint(text: string | undefined): Checkpoint | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<Checkpoint>;
    if (
      typeof v.device === 'number' &&
      typeof v.inode === 'number' &&
      typeof v.offset === 'number' &&
      typeof v.fingerprint === 'string' &&
      typeof v.fingerprintBytes === 'number'
    ) {
      return {
        line: 0,
        name: '',
        activeAt: 0,
        updated: 0,
        ...v,
      } as Checkpoint;
    }
  } catch {
    /* a damaged checkpoint is treated as none */
  }
  return undefined;
}

/** Settings key of a followed path's checkpoint in the store. */
export function settingsKey(path: string): string {
  return `checkpoint:file:${path}`;
}

/**
 * Checkpoints in the store's settings table (`kaudit serve`): key `checkpoint:file:<absolute path>`,
 * value the Checkpoint as JSON. The settings live in the same DuckDB file as the store's metadata.
 */
export class SettingsCheckpointStore implements CheckpointStore {
  constructor(
    private readonly settings: {
      getSetting(key: string): Promise<string | undefined>;
      setSetting(key: string, value: string): Promise<void>;
    },
  ) {}

  async load(key: string): Promise<Checkpoint | undefined> {
    return parseCheckpoint(await this.settings.getSetting(settingsKey(key)));
  }

  async save(key: string, cp: Checkpoint): Promise<void> {
    await this.settings.setSetting(settingsKey(key), JSON.stringify(cp));
  }
}

/**
 * Checkpoints in a local JSON file (`kaudit agent`): `{"version":1,"files":{"<path>":Checkpoint}}`.
 * Every save rewrites the whole file atomically: write a temporary file, fsync it, rename it over the
 * old one, fsync the directory — so a crash leaves either the old or the new file, never half of one.
 */
export class JsonFileCheckpointStore implements CheckpointStore {
  private files: Record<string, Checkpoint> = {};
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        throw new UserError(
          `cannot read the checkpoint file ${path} (${code}); fix its permissions or pass another --checkpoint`,
        );
      }
    }
    if (text !== undefined) {
      let doc: { files?: Record<string, unknown> };
      try {
        doc = JSON.parse(text) as typeof doc;
      } catch {
        throw new UserError(
          `the checkpoint file ${path} is not valid JSON; move it away (the agent then starts per --start-at) or pass another --checkpoint`,
        );
      }
      for (const [k, v] of Object.entries(doc.files ?? {})) {
        const cp = parseCheckpoint(JSON.stringify(v));
        if (cp) this.files[k] = cp;
      }
    }
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw new UserError(
        `cannot create the directory of the checkpoint file ${path} (${(e as NodeJS.ErrnoException).code}); pass a writable --checkpoint`,
      );
    }
  }

  load(key: string): Promise<Checkpoint | undefined> {
    return Promise.resolve(this.files[key]);
  }

  save(key: string, cp: Checkpoint): Promise<void> {
    this.files[key] = cp;
    // Serialise writes: each one writes the latest state of all paths.
    this.writing = this.writing.catch(() => {}).then(() => this.flush());
    return this.writing;
  }

  private async flush(): Promise<void> {
    const tmp = `${this.path}.tmp-${process.pid}`;
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify({ version: 1, files: this.files }, null, 1) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.path);
    try {
      const dir = await open(dirname(this.path), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
    } catch {
      /* some filesystems cannot fsync a directory; the rename is still atomic */
    }
  }
}

/** Checkpoints in memory only (tests, `--no-checkpoint`). */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly files = new Map<string, Checkpoint>();
  load(key: string): Promise<Checkpoint | undefined> {
    return Promise.resolve(this.files.get(key));
  }
  save(key: string, cp: Checkpoint): Promise<void> {
    this.files.set(key, { ...cp });
    return Promise.resolve();
  }
}
