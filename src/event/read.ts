// Reading audit input (files, gzip, stdin) into decoded events and rejects, with line numbers.
// JSON lines are streamed; a file whose first record spans several lines (a pretty-printed EventList
// or JSON array) is read as one document, bounded in size.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import type { AuditEvent } from './types.js';
import { decodeJsonValue, decodeLine, splitCriLine, type DecodeOutcome } from './decode.js';

export const MAX_EVENT_BYTES = 10 * 1024 * 1024;
/** A multi-line JSON document (EventList, array) is read whole up to this size. */
export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024;
/** How much of a rejected line is kept for `kaudit rejects`. */
export const MAX_REJECT_RAW = 64 * 1024;

export type ReadItem =
  | {
      type: 'event';
      event: AuditEvent;
      timeUs: number;
      line: number;
      bytes: number;
      /** The record's JSON text, when it was exactly this event unchanged (saves re-serialising it). */
      text?: string;
    }
  | { type: 'reject'; line: number; reason: string; raw: string };

export interface ReadOptions {
  maxEventBytes?: number;
  /** Called with the number of input bytes consumed (compressed bytes for .gz), for progress. */
  onBytes?: (n: number) => void;
  /** Items per yielded batch. */
  batchSize?: number;
}

/** Thrown for input that cannot be read at all (missing, unreadable, not gzip though named .gz …). */
export class InputError extends Error {}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

async function isGzipFile(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(2);
    const { bytesRead } = await fh.read(buf, 0, 2, 0);
    return bytesRead === 2 && buf[0] === GZIP_MAGIC_0 && buf[1] === GZIP_MAGIC_1;
  } finally {
    await fh.close();
  }
}

function ioMessage(path: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return `${path} does not exist; check the path`;
    case 'EACCES':
    case 'EPERM':
      return `${path} is not readable by this user; fix its permissions or run kaudit as a user that can read it`;
    case 'EISDIR':
      return `${path} is a directory; pass it to kaudit import, which reads the audit logs inside`;
    default:
      return `${path} could not be read (${err.code ?? err.message})`;
  }
}

/** Opens a path ('-' = stdin) as a text byte stream, gunzipping when the content is gzip. */
export async function openInput(path: string, opts: ReadOptions = {}): Promise<Readable> {
  if (path === '-') {
    return gunzipIfNeeded(process.stdin, opts);
  }
  let gz: boolean;
  try {
    gz = await isGzipFile(path);
  } catch (e) {
    throw new InputError(ioMessage(path, e as NodeJS.ErrnoException));
  }
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  if (opts.onBytes) raw.on('data', (c: Buffer | string) => opts.onBytes!(c.length));
  if (!gz) return raw;
  const gunzip = createGunzip();
  raw.on('error', (e) => gunzip.destroy(e));
  return raw.pipe(gunzip);
}

async function gunzipIfNeeded(stream: Readable, opts: ReadOptions): Promise<Readable> {
  // Peek at the first chunk of a stream we cannot re-open.
  const { PassThrough } = await import('node:stream');
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let decided = false;
  stream.on('data', (chunk: Buffer) => {
    opts.onBytes?.(chunk.length);
    if (!decided) {
      decided = true;
      if (chunk.length >= 2 && chunk[0] === GZIP_MAGIC_0 && chunk[1] === GZIP_MAGIC_1) {
        const gunzip = createGunzip();
        gunzip.on('error', (e) => out.destroy(e));
        stream.removeAllListeners('data');
        stream.removeAllListeners('end');
        gunzip.pipe(out);
        gunzip.write(chunk);
        stream.pipe(gunzip);
        return;
      }
    }
    if (!out.write(chunk)) {
      stream.pause();
      out.once('drain', () => stream.resume());
    }
  });
  stream.on('end', () => out.end());
  stream.on('error', (e) => out.destroy(e));
  return out;
}

/**
 * Reads audit events from a path ('-' = stdin) in batches. Malformed records become `reject` items
 * with their line number; they never stop the read. I/O failures throw InputError.
 */
export async function* readAuditBatches(
  input: string | { name: string; stream: Readable },
  opts: ReadOptions = {},
): AsyncGenerator<ReadItem[]> {
  const path = typeof input === 'string' ? input : input.name;
  const stream = typeof input === 'string' ? await openInput(input, opts) : input.stream;
  const maxEvent = opts.maxEventBytes ?? MAX_EVENT_BYTES;
  const batchSize = opts.batchSize ?? 2000;
  const decoder = new StringDecoder('utf8');
  let batch: ReadItem[] = [];
  let carry = '';
  let oversize = false; // the current line exceeded maxEvent: skip to its end
  let oversizeLen = 0;
  let lineNo = 0;
  let mode: 'unknown' | 'lines' | 'document' = 'unknown';
  let doc = '';
  let docStart = 0;
  let criPartial = '';
  let criStart = 0;

  const emit = (outcome: DecodeOutcome, line: number, raw: string) => {
    const bytes = Buffer.byteLength(raw) + 1;
    if (outcome.bare && outcome.events.length === 1) {
      const e = outcome.events[0];
      batch.push({ type: 'event', event: e.event, timeUs: e.timeUs, line, bytes, text: raw });
    } else {
      for (const e of outcome.events)
        batch.push({ type: 'event', event: e.event, timeUs: e.timeUs, line, bytes });
    }
    for (const reason of outcome.errors) {
      batch.push({
        type: 'reject',
        line,
        reason,
        raw: raw.length > MAX_REJECT_RAW ? raw.slice(0, MAX_REJECT_RAW) : raw,
      });
    }
  };

  const handleLine = (rawLine: string) => {
    lineNo++;
    let line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (mode === 'document') {
      doc += rawLine + '\n';
      if (doc.length > MAX_DOCUMENT_BYTES) {
        throw new InputError(
          `${path}: the JSON document starting at line ${docStart} is larger than ${MAX_DOCUMENT_BYTES >> 20} MiB; convert it to JSON lines first (jq -c '.items[]')`,
        );
      }
      return;
    }
    if (line.trim() === '') return;
    // Container-runtime lines: join partial (P) payloads up to the final (F) one.
    const cri = splitCriLine(line);
    if (cri) {
      if (cri.partial) {
        if (!criPartial) criStart = lineNo;
        criPartial += cri.payload;
        return;
      }
      if (criPartial) {
        line = criPartial + cri.payload;
        criPartial = '';
        emit(decodeLine(line), criStart, line);
        return;
      }
      line = cri.payload;
    }
    if (mode === 'unknown') {
      const t = line.trimStart();
      const c = t[0];
      if (c === '{' || c === '[') {
        try {
          JSON.parse(line);
          mode = 'lines';
        } catch {
          // The first record does not fit on its line: a pretty-printed document.
          mode = 'document';
          docStart = lineNo;
          doc = rawLine + '\n';
          return;
        }
      } else mode = 'lines';
    }
    emit(decodeLine(line), lineNo, line);
  };

  const onText = (text: string) => {
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl === -1) {
        const rest = text.slice(start);
        if (oversize) oversizeLen += rest.length;
        else if (carry.length + rest.length > maxEvent) {
          oversize = true;
          oversizeLen = carry.length + rest.length;
          carry = (carry + rest).slice(0, MAX_REJECT_RAW);
        } else carry += rest;
        return;
      }
      const piece = text.slice(start, nl);
      start = nl + 1;
      if (!oversize && carry.length + piece.length > maxEvent) {
        oversize = true;
        oversizeLen = carry.length;
        carry = (carry + piece.slice(0, MAX_REJECT_RAW)).slice(0, MAX_REJECT_RAW);
      }
      if (oversize) {
        lineNo++;
        const size = oversizeLen + piece.length;
        batch.push({
          type: 'reject',
          line: lineNo,
          reason: `the line is ${(size / 1048576).toFixed(1)} MiB, over the ${Math.round(maxEvent / 1048576)} MiB limit for one event (the apiserver's truncating backend drops such events; enable --audit-log-truncate-enabled)`,
          raw: carry,
        });
        carry = '';
        oversize = false;
        oversizeLen = 0;
        continue;
      }
      if (carry) {
        handleLine(carry + piece);
        carry = '';
      } else handleLine(piece);
    }
  };

  try {
    for await (const chunk of stream) {
      onText(typeof chunk === 'string' ? chunk : decoder.write(chunk));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    onText(decoder.end());
  } catch (e) {
    if (e instanceof InputError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (
      err.code === 'Z_DATA_ERROR' ||
      err.code === 'Z_BUF_ERROR' ||
      /incorrect header check|unexpected end of file/.test(err.message)
    ) {
      // Keep what was read; report where the compressed stream broke.
      batch.push({
        type: 'reject',
        line: lineNo + 1,
        reason: `the gzip data is corrupt or truncated after line ${lineNo} (${err.message}); the events before it were read`,
        raw: '',
      });
      yield batch;
      return;
    }
    throw new InputError(ioMessage(path, err));
  }
  // The last line without a trailing newline.
  if (oversize) onText('\n');
  else if (carry) {
    handleLine(carry);
    carry = '';
  }
  if (criPartial) {
    emit(decodeLine(criPartial), criStart, criPartial);
  }
  // `mode` is changed inside closures, which TypeScript's narrowing does not see.
  if ((mode as string) === 'document') {
    let value: unknown;
    try {
      value = JSON.parse(doc);
    } catch (e) {
      batch.push({
        type: 'reject',
        line: docStart,
        reason: `the JSON document starting here is malformed (${(e as Error).message})`,
        raw: doc.slice(0, MAX_REJECT_RAW),
      });
      value = undefined;
    }
    if (value !== undefined) {
      const outcome: DecodeOutcome = { events: [], errors: [] };
      decodeJsonValue(value, outcome);
      for (const e of outcome.events) {
        batch.push({
          type: 'event',
          event: e.event,
          timeUs: e.timeUs,
          line: docStart,
          bytes: JSON.stringify(e.event).length + 1,
        });
      }
      for (const reason of outcome.errors) batch.push({ type: 'reject', line: docStart, reason, raw: '' });
    }
  }
  if (batch.length) yield batch;
}

/** Reads audit events one by one (see readAuditBatches). */
export async function* readAuditEvents(path: string, opts: ReadOptions = {}): AsyncGenerator<ReadItem> {
  for await (const batch of readAuditBatches(path, opts)) yield* batch;
}
