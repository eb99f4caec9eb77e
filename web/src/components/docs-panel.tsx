import { useEffect, useState } from 'react';
import { Markdown, parseBlocks, section } from '../markdown';
import { SidePanel } from './side-panel';

const CATALOGUE = '/docs/discard-reasons.md';
let catalogue: Promise<string> | null = null;

/** The catalogue is public and the same for everyone: fetched once per page load. */
function loadCatalogue(): Promise<string> {
  catalogue ??= fetch(CATALOGUE, { credentials: 'omit' }).then((res) => {
    if (!res.ok) throw new Error(String(res.status));
    return res.text();
  });
  catalogue.catch(() => (catalogue = null));
  return catalogue;
}

/** One entry of the remedy catalogue, rendered (not raw markdown), in a side panel. */
export function DocsPanel({ anchor, onClose }: { anchor: string; onClose: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    loadCatalogue().then(setText, () => setFailed(true));
  }, []);
  const blocks = text ? section(parseBlocks(text), anchor) : [];
  return (
    <SidePanel title="Troubleshooting" onClose={onClose}>
      {failed && <p className="notice notice-error">The troubleshooting page could not be loaded; try again later.</p>}
      {text && blocks.length === 0 && <p>The catalogue has no entry for this reason yet.</p>}
      {!text && !failed && <span className="skeleton skeleton-text wide" />}
      <Markdown blocks={blocks} />
      <p className="hint">
        From the remedy catalogue (<span className="mono">{CATALOGUE}</span>).
      </p>
    </SidePanel>
  );
}
