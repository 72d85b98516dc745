// Saved searches: kept by the server (GET/POST /api/v1/saved-searches, DELETE …/:id) and shared by
// everyone using it; open one, save the current query under a name, delete.
import { useCallback, useEffect, useState } from 'react';
import { api, type SavedSearchItem } from '../lib/api.js';

export function SavedSearches({ current, onOpen }: { current: string; onOpen: (q: string) => void }) {
  const [items, setItems] = useState<SavedSearchItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [saving, setSaving] = useState(false);
  const reload = useCallback(async () => {
    try {
      const r = await api<{ searches: SavedSearchItem[] }>('GET', '/api/v1/saved-searches');
      setItems(r.searches);
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return (
    <div className="saved">
      <label className="field">
        <span>Saved searches</span>
        <select
          aria-label="Saved searches"
          value=""
          onChange={(e) => {
            const s = items?.find((x) => x.id === e.target.value);
            if (s) onOpen(s.query);
          }}
        >
          <option value="">{items?.length ? 'Open a saved search…' : 'No saved searches yet'}</option>
          {items?.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </label>
      {!saving ? (
        <button type="button" className="link" disabled={!current.trim()} onClick={() => setSaving(true)}>
          Save this search
        </button>
      ) : (
        <form
          className="inline-form"
          onSubmit={async (e) => {
            e.preventDefault();
            try {
              await api('POST', '/api/v1/saved-searches', { name, query: current });
              setName('');
              setSaving(false);
              await reload();
            } catch (err) {
              setError((err as Error).message);
            }
          }}
        >
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Name"
            aria-label="Name of the saved search"
            autoFocus
          />
          <button type="submit" disabled={!name.trim()}>
            Save
          </button>
          <button type="button" className="link" onClick={() => setSaving(false)}>
            Cancel
          </button>
        </form>
      )}
      {items && items.length > 0 && (
        <details className="manage">
          <summary>Manage</summary>
          <ul>
            {items.map((s) => (
              <li key={s.id}>
                <code title={s.query}>{s.name}</code>{' '}
                <button
                  type="button"
                  className="link"
                  aria-label={`Delete saved search ${s.name}`}
                  onClick={async () => {
                    try {
                      await api('DELETE', `/api/v1/saved-searches/${encodeURIComponent(s.id)}`);
                      await reload();
                    } catch (err) {
                      setError((err as Error).message);
                    }
                  }}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        </details>
      )}
      {error && (
        <span className="inline-error" role="alert">
          Saved searches: {error}
        </span>
      )}
    </div>
  );
}
