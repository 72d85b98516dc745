// Tabs as the WAI-ARIA tabs pattern: one tab stop, arrow keys (and Home/End) move and select.
import { useRef } from 'react';

export interface TabItem {
  id: string;
  title: string;
}

export function TabList({
  tabs,
  selected,
  label,
  onSelect,
}: {
  tabs: TabItem[];
  selected: string | undefined;
  label: string;
  onSelect: (id: string) => void;
}) {
  const list = useRef<HTMLDivElement>(null);
  const focusTab = (index: number) => {
    const next = tabs[index];
    onSelect(next.id);
    (list.current?.children[index] as HTMLElement | undefined)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={label} ref={list}>
      {tabs.map((t, i) => (
        <button
          key={t.id}
          role="tab"
          type="button"
          aria-selected={t.id === selected}
          tabIndex={t.id === selected ? 0 : -1}
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => {
            const n = tabs.length;
            const target =
              e.key === 'ArrowRight'
                ? (i + 1) % n
                : e.key === 'ArrowLeft'
                  ? (i - 1 + n) % n
                  : e.key === 'Home'
                    ? 0
                    : e.key === 'End'
                      ? n - 1
                      : -1;
            if (target < 0) return;
            e.preventDefault();
            focusTab(target);
          }}
        >
          {t.title}
        </button>
      ))}
    </div>
  );
}
