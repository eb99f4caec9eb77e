import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A panel that slides in from the right for samples, sync detail and docs. Focus moves into
 * it when it opens and back to where it was when it closes; Escape closes it.
 */
export function SidePanel({ title, onClose, children, wide }: { title: ReactNode; onClose: () => void; children: ReactNode; wide?: boolean }) {
  const panel = useRef<HTMLElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    panel.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        onClose();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener && document.contains(opener)) opener.focus();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <aside
      ref={panel}
      className={`side-panel${wide ? ' side-panel-wide' : ''}`}
      role="dialog"
      aria-modal="false"
      aria-labelledby="side-panel-title"
      tabIndex={-1}
    >
      <div className="side-panel-head">
        <h2 id="side-panel-title">{title}</h2>
        <button type="button" className="button-quiet" onClick={onClose} aria-label="Close panel (Escape)">
          ×
        </button>
      </div>
      <div className="side-panel-body">{children}</div>
    </aside>
  );
}
