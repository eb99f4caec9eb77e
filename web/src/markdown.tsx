/**
 * A tiny markdown renderer for the remedy catalogue: headings, paragraphs, lists, inline code,
 * bold and links, rendered as React elements (never as HTML strings, so nothing in the text
 * can run). The catalogue's `<a id>` anchors become heading ids.
 */
import type { ReactNode } from 'react';

const INLINE = /(`[^`]+`|\*\*[^*]+\*\*|\[[^\]]+\]\([^)\s]+\))/g;
const ANCHOR = /<a id="([^"]+)"><\/a>/;

function inline(text: string): ReactNode[] {
  return text.split(INLINE).map((part, i) => {
    if (part.startsWith('`') && part.endsWith('`') && part.length > 1) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 3) return <strong key={i}>{part.slice(2, -2)}</strong>;
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      const external = /^https?:/.test(link[2]);
      const href = link[2].startsWith('#') ? `?doc=${encodeURIComponent(link[2].slice(1))}` : link[2];
      return (
        <a key={i} href={href} {...(external ? { target: '_blank', rel: 'noopener noreferrer' } : {})}>
          {link[1]}
        </a>
      );
    }
    return part;
  });
}

interface Block {
  kind: 'heading' | 'paragraph' | 'list';
  level?: number;
  id?: string;
  lines: string[];
}

export function parseBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let current: Block | null = null;
  for (const raw of markdown.split('\n')) {
    const line = raw.trimEnd();
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      const id = ANCHOR.exec(heading[2])?.[1];
      blocks.push({ kind: 'heading', level: heading[1].length, id, lines: [heading[2].replace(ANCHOR, '')] });
      current = null;
    } else if (!line.trim()) current = null;
    else if (/^[-*]\s+/.test(line)) {
      if (current?.kind !== 'list') blocks.push((current = { kind: 'list', lines: [] }));
      current.lines.push(line.replace(/^[-*]\s+/, ''));
    } else if (current) current.lines.push(line);
    else blocks.push((current = { kind: 'paragraph', lines: [line] }));
  }
  return blocks;
}

/** The blocks of the section that starts at the heading with this anchor, up to the next heading of its level or above. */
export function section(blocks: Block[], anchor: string): Block[] {
  const start = blocks.findIndex((b) => b.kind === 'heading' && b.id === anchor);
  if (start < 0) return [];
  const level = blocks[start].level!;
  const end = blocks.findIndex((b, i) => i > start && b.kind === 'heading' && b.level! <= level);
  return blocks.slice(start, end < 0 ? undefined : end);
}

export function Markdown({ blocks }: { blocks: Block[] }) {
  return (
    <div className="markdown">
      {blocks.map((block, i) => {
        if (block.kind === 'heading') {
          const Tag = `h${Math.min(6, block.level! + 1)}` as 'h3';
          return (
            <Tag key={i} id={block.id ? `doc-${block.id}` : undefined}>
              {inline(block.lines[0])}
            </Tag>
          );
        }
        if (block.kind === 'list') {
          return (
            <ul key={i}>
              {block.lines.map((l, j) => (
                <li key={j}>{inline(l)}</li>
              ))}
            </ul>
          );
        }
        return <p key={i}>{inline(block.lines.join(' '))}</p>;
      })}
    </div>
  );
}
