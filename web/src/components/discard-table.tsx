import type { DiscardFieldsFragment } from '../gql/graphql';
import { countOf, plural } from '../format';
import { followLink, setParams, withParams } from '../route';
import { SkeletonTableRows } from './skeleton';
import { ChangeCell, CountCell, RowToggle, TableScroller, useOpenRows } from './table-parts';

export type DiscardRow = DiscardFieldsFragment;

/** The catalogue anchor of a reason's docs URL (`/docs/discard-reasons.md#<anchor>`). */
export function docsAnchor(docsUrl: string): string {
  return docsUrl.split('#')[1] ?? '';
}

export interface DiscardTableProps {
  rows: DiscardRow[] | null;
  view: 'percent' | 'counts';
  selectedReason: string | null;
  /** The step's count, for each row's share of its own step. */
  stepTotal: number | null;
  mappingName: string | null;
  /** Undelivered messages a replay of each reason would hold (failed deliveries, a token that may replay). */
  replayCounts?: Map<string, number>;
  onReplay?: (code: string, title: string) => void;
}

/** One row per reason: title first, code second, count and change; what happened, what to do and samples behind a tap on narrow screens. */
export function DiscardTable({ rows, view, selectedReason, stepTotal, mappingName, replayCounts, onReplay }: DiscardTableProps) {
  const { isOpen, toggle } = useOpenRows();
  return (
    <TableScroller label="Discarded events by reason">
      <table className="table discard-table responsive-table">
        <caption className="visually-hidden">Discarded events by reason; select a reason for its events, or open its samples</caption>
        <thead>
          <tr>
            <th scope="col">Reason</th>
            <th scope="col" className="num">
              Events
            </th>
            <th scope="col" className="num">
              Change
            </th>
            <th scope="col" className="col-more">
              What happened · what to do
            </th>
            <th scope="col" className="col-more">
              Samples
            </th>
          </tr>
        </thead>
        <tbody>
          {!rows && <SkeletonTableRows columns={5} />}
          {rows?.map((row) => {
            const code = row.reason.code;
            const selected = selectedReason === code;
            return (
              <tr key={code} data-reason={code} data-count={row.count} className={[selected ? 'row-selected' : '', isOpen(code) ? 'row-open' : ''].join(' ')}>
                <th scope="row">
                  <button
                    type="button"
                    className="link-button reason-title"
                    aria-pressed={selected}
                    onClick={() => setParams({ reason: selected ? null : code })}
                  >
                    {row.reason.title}
                  </button>
                  <code className="reason-code">{code}</code>
                  {row.reason.unknown && <span className="tag">not in the catalogue</span>}
                  <RowToggle open={isOpen(code)} onToggle={() => toggle(code)} label={row.reason.title} />
                  {onReplay && (replayCounts?.get(code) ?? 0) > 0 && (
                    <ReplayReasonButton count={replayCounts!.get(code)!} title={row.reason.title} onReplay={() => onReplay(code, row.reason.title)} />
                  )}
                </th>
                <CountCell row={row} stepTotal={stepTotal} unit="events" />
                <ChangeCell row={row} view={view} unit="events" mappingName={mappingName} goodWhenUp={false} />
                <td className="remedy col-more" data-label="What happened · what to do">
                  <p className="subtle">{row.reason.description}</p>
                  <p>{row.reason.remedy}</p>
                  <a href={withParams({ doc: docsAnchor(row.reason.docsUrl) })} onClick={followLink} className="docs-link">
                    Docs: {row.reason.title}
                  </a>
                </td>
                <td className="col-more" data-label="Samples">
                  {row.samples.length > 0 ? (
                    <button
                      type="button"
                      className="button-small"
                      onClick={() => setParams({ samples: code })}
                      aria-label={`${row.samples.length} ${plural(row.samples.length, 'sample')} of ${row.reason.title}`}
                    >
                      {row.samples.length} {plural(row.samples.length, 'sample')} ▸
                    </button>
                  ) : (
                    <span className="muted">none kept</span>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {rows && rows.length === 0 && <p className="empty-state">Nothing was discarded at this step in the range.</p>}
    </TableScroller>
  );
}

/** Beside the reason (visible on every screen, unlike the columns behind "More"): replay its undelivered messages. */
function ReplayReasonButton({ count, title, onReplay }: { count: number; title: string; onReplay: () => void }) {
  return (
    <button type="button" className="button-small button-replay row-replay" data-replay-count={count} onClick={onReplay}>
      ↻ Replay {countOf(count, 'message')}
      <span className="visually-hidden"> of {title}</span>
    </button>
  );
}
