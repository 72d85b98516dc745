// The ingest transforms chosen on the command line: the audit policy filter (--policy) and
// redaction of credentials (on by default, --no-redact turns it off).
import type { EventTransforms } from '../ingest/prepare.js';
import { applyPolicyToEvent, loadCompiledPolicy, redactEvent } from '../policy/index.js';

export async function ingestTransforms(opts: {
  policy?: string;
  redact: boolean;
  /** Do not print the policy's warnings (a worker thread repeating what the command said). */
  quiet?: boolean;
}): Promise<EventTransforms> {
  const transforms: EventTransforms = {};
  if (opts.policy) {
    const { compiled, warnings } = loadCompiledPolicy(opts.policy);
    if (!opts.quiet) for (const w of warnings) process.stderr.write(`kaudit: warning: ${w.message}\n`);
    transforms.policy = (event) => {
      const r = applyPolicyToEvent(event, compiled);
      return { event: r.event, action: r.action };
    };
  }
  if (opts.redact) transforms.redact = (event) => redactEvent(event);
  return transforms;
}
