// The ingest transforms chosen on the command line: the audit policy filter and redaction.
import type { EventTransforms } from '../ingest/prepare.js';
import { UserError } from './errors.js';

export async function ingestTransforms(opts: { policy?: string; redact: boolean }): Promise<EventTransforms> {
  if (opts.policy) throw new UserError('--policy at ingest is not wired in yet');
  return {};
}
