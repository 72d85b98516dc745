// Text encodings the generator needs to look exactly like kube-apiserver output.
//
// kube-apiserver writes events with Go's encoding/json, which escapes `<`, `>` and `&` as
// \u003c, \u003e, \u0026 (HTML-safe output) and U+2028/U+2029 as \u2028/\u2029, on top of what
// JSON requires (../shared/spec/k8s-audit.md §2.2: requestURI shows `&` as `\u0026`). Query strings
// in request URIs are built the way client-go's url.Values.Encode does: keys sorted, values
// escaped with Go's url.QueryEscape.

const GO_HTML_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** A JSON string literal (with quotes) encoded as Go's encoding/json encodes it. */
export function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => GO_HTML_ESCAPES[c]);
}

/** Any JSON value encoded as Go's encoding/json would (compact, HTML-safe escapes). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_HTML_ESCAPES[c]);
}

/** The body of a JSON string literal (no quotes), Go-escaped: for splicing into templates. */
export function goStringBody(s: string): string {
  const q = goString(s);
  return q.slice(1, q.length - 1);
}

/** Go's url.QueryEscape: unreserved characters stay, space becomes `+`, the rest %XX (upper case). */
export function queryEscape(s: string): string {
  if (/^[A-Za-z0-9\-_.~]*$/.test(s)) return s; // the common case: nothing to escape
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/**
 * A query string as url.Values.Encode builds it (keys sorted, repeated keys in insertion order),
 * already JSON-escaped for a requestURI: the `&` separators appear as \u0026.
 */
export function encodeQuery(params: ReadonlyArray<readonly [string, string]>): string {
  const sorted = params
    .map((p, i) => ({ key: p[0], value: p[1], i }))
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : x.i - y.i));
  return sorted.map((p) => queryEscape(p.key) + '=' + queryEscape(p.value)).join('\\u0026');
}

/** A Go time.Duration string for whole seconds, e.g. 463 → `7m43s`, 3600 → `1h0m0s`. */
export function goDuration(seconds: number): string {
  const s = Math.floor(seconds);
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${m}m${sec}s` : `${m}m${sec}s`;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** Kubernetes metav1.Time (`2006-01-02T15:04:05Z`, seconds precision) for object bodies. */
export function rfc3339Seconds(unixSeconds: number): string {
  // Civil date from days since the epoch (H. Hinnant's algorithm): no Date object per call.
  const t = Math.floor(unixSeconds);
  const days = Math.floor(t / 86400);
  const sod = t - days * 86400;
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const hh = Math.floor(sod / 3600);
  const mm = Math.floor((sod - hh * 3600) / 60);
  return (
    y +
    '-' +
    TWO_DIGITS[m] +
    '-' +
    TWO_DIGITS[d] +
    'T' +
    TWO_DIGITS[hh] +
    ':' +
    TWO_DIGITS[mm] +
    ':' +
    TWO_DIGITS[sod % 60] +
    'Z'
  );
}
