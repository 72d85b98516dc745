// One JSON POST for the HTTP channels, with a timeout and errors that name only the URL's origin
// (webhook URLs carry tokens in their path or query).
import { safeOrigin } from './render.js';

export interface PostResult {
  status: number;
  text: string;
}

export async function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  what: string,
): Promise<PostResult> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    const reason =
      err.name === 'TimeoutError'
        ? `no answer within ${timeoutMs / 1000}s`
        : (err.cause?.code ?? err.message);
    throw new Error(`${what} ${safeOrigin(url)} could not be reached (${reason})`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status >= 300) {
    throw new Error(
      `${what} ${safeOrigin(url)} answered HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
    );
  }
  return { status: res.status, text };
}
