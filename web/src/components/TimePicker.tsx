// The time range picker: presets (15m … 30d) or an absolute from/to in the browser's local time.
import { useState } from 'react';
import type { Navigate } from '../App.js';
import type { ViewState } from '../lib/state.js';
import { fromInputValue, PRESETS, resolveRange, toInputValue } from '../lib/time.js';

export function TimePicker({ state, navigate }: { state: ViewState; navigate: Navigate }) {
  const [custom, setCustom] = useState(state.range === 'abs');
  const initial = resolveRange(state, Date.now() / 1000);
  const [from, setFrom] = useState(toInputValue(initial.from));
  const [to, setTo] = useState(toInputValue(initial.to));
  const [error, setError] = useState<string | null>(null);

  const apply = (e: React.FormEvent) => {
    e.preventDefault();
    const f = fromInputValue(from);
    const t = fromInputValue(to);
    if (f === null || t === null) return setError('Enter both times as date and time.');
    if (f >= t) return setError('The start must be before the end.');
    setError(null);
    navigate({ range: 'abs', from: f, to: t, p: 1 });
  };

  return (
    <div className="timepicker">
      <label className="field">
        <span>Time range</span>
        <select
          aria-label="Time range"
          value={custom ? 'abs' : state.range}
          onChange={(e) => {
            if (e.target.value === 'abs') {
              setCustom(true);
              return;
            }
            setCustom(false);
            navigate({ range: e.target.value, from: undefined, to: undefined, p: 1 });
          }}
        >
          {PRESETS.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
          <option value="abs">Absolute range…</option>
        </select>
      </label>
      {custom && (
        <form className="abs-range" onSubmit={apply} aria-label="Absolute time range">
          <label className="field">
            <span>From</span>
            <input
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              aria-label="From"
            />
          </label>
          <label className="field">
            <span>To</span>
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} aria-label="To" />
          </label>
          <button type="submit">Apply</button>
          {error && (
            <span className="inline-error" role="alert">
              {error}
            </span>
          )}
        </form>
      )}
    </div>
  );
}
