// Splitting followed bytes into records without ever cutting one: only text up to a newline is a
// record, because a reader racing the writer can see half of the last line (k8s-audit.md §3,
// "Buffer up to \n"). Container-runtime lines (`<time> stdout P <piece>` … `F <last piece>`) are
// joined into one record, and a record is consumed only when its final piece is there. The caller
// moves its offset by `consumed` and keeps the rest for the next read.
import { splitCriLine } from '../../event/decode.js';

export interface TextRecord {
  /** The record to decode: a JSON line, or the joined payload of CRI pieces. */
  text: string;
  /** 1-based line number of the record's first line in the file. */
  line: number;
}

export interface SplitResult {
  records: TextRecord[];
  /** Bytes of `buf` that the records (and skipped blank lines) cover. */
  consumed: number;
  /** Newline-terminated lines in `consumed`. */
  lines: number;
}

/**
 * Splits `buf` (which starts at a record boundary, after `linesBefore` lines) into complete records.
 * With `final` (the file will not grow: it was rotated away), an unterminated last line and an
 * unfinished CRI sequence are records too.
 */
export function splitRecords(buf: Buffer, linesBefore: number, final: boolean): SplitResult {
  const records: TextRecord[] = [];
  let pos = 0;
  let line = linesBefore;
  let consumed = 0;
  let consumedLines = linesBefore;
  let criText = '';
  let criLine = 0;
  while (pos < buf.length) {
    const nl = buf.indexOf(10, pos);
    const end = nl === -1 ? buf.length : nl;
    if (nl === -1 && !final) break;
    line++;
    let text = buf.toString('utf8', pos, end > pos && buf[end - 1] === 13 ? end - 1 : end);
    pos = nl === -1 ? buf.length : nl + 1;
    const cri = splitCriLine(text);
    if (cri) {
      if (cri.partial) {
        if (!criText) criLine = line;
        criText += cri.payload;
        continue;
      }
      if (criText) {
        records.push({ text: criText + cri.payload, line: criLine });
        criText = '';
      } else if (cri.payload.trim() !== '') records.push({ text: cri.payload, line });
      consumed = pos;
      consumedLines = line;
      continue;
    }
    if (criText) {
      // A plain line after unfinished pieces: the pieces were all there is of that record.
      records.push({ text: criText, line: criLine });
      criText = '';
    }
    text = text.trim() === '' ? '' : text;
    if (text) records.push({ text, line });
    consumed = pos;
    consumedLines = line;
  }
  if (criText && final) {
    records.push({ text: criText, line: criLine });
    consumed = pos;
    consumedLines = line;
  }
  return { records, consumed, lines: consumedLines - linesBefore };
}
