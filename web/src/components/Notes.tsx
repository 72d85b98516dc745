// Empty states and errors: each says what happened and what to do next.
import type { ReactNode } from 'react';
import { lineAndColumn } from '../lib/sls.js';

export function Empty({ children }: { children: ReactNode }) {
  return (
    <div className="empty" role="status">
      {children}
    </div>
  );
}

export function ErrorNote({ message, title }: { message: string; title?: string }) {
  return (
    <div className="error" role="alert">
      {title && <strong>{title} </strong>}
      {message}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      Loading {what}…
    </div>
  );
}

/** A query error with a caret under the position the server named (POST /api/v1/query → 400). */
export function QueryErrorNote({
  query,
  message,
  position,
  suggestion,
}: {
  query: string;
  message: string;
  position: number | null;
  suggestion?: string | null;
}) {
  const at = position === null ? null : lineAndColumn(query, position);
  const line = at ? query.split('\n')[at.line] : '';
  return (
    <div className="error query-error" role="alert">
      <div>
        <strong>Query error{at ? ` at line ${at.line + 1}, column ${at.column + 1}` : ''}:</strong> {message}
      </div>
      {at && (
        <pre className="caret" aria-label={`The error is at column ${at.column + 1}`}>
          {line}
          {'\n'}
          <span data-testid="caret">{' '.repeat(at.column) + '^'}</span>
        </pre>
      )}
      {suggestion && (
        <div>
          Did you mean: <code>{suggestion}</code>?
        </div>
      )}
    </div>
  );
}
