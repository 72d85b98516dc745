// Sign-in: the server requires a token (it answered 401). The token is kept in sessionStorage
// for this tab only and sent as `Authorization: Bearer …` (DESIGN.md "HTTP").
import { useState } from 'react';

export function SignIn({ onSignedIn }: { onSignedIn: (token: string) => Promise<void> }) {
  const [token, setTokenText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="signin" id="main">
      <form
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          if (!token.trim()) return setError('Enter the API token your kaudit administrator gave you.');
          setBusy(true);
          setError(null);
          try {
            await onSignedIn(token.trim());
          } catch (err) {
            setError((err as Error).message);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="signin-title">Sign in to kaudit</h1>
        <p>
          This server requires an API token (a <code>tokens:</code> entry of its config file). The token stays
          in this browser tab only.
        </p>
        <label className="field block">
          <span>Token</span>
          <input
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setTokenText(e.target.value)}
            aria-label="Token"
            autoFocus
          />
        </label>
        {error && (
          <div className="error" role="alert">
            {error}
          </div>
        )}
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
