import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import type { SeriesFieldsFragment } from '../gql/graphql';
import { formatCount } from '../format';

/** Restrained, distinguishable line colours (and dashes, so colour is not the only cue). */
const COLOURS = ['#2f5fb3', '#c2571a', '#2c8a6a', '#8a4fb3', '#b3323f', '#6b7280', '#a37a00', '#1f7a99'];
const DASHES = [[], [6, 3], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];

export interface ChartProps {
  series: SeriesFieldsFragment[];
  timeZone: string;
  /** What the lines count, for the caption: e.g. "Failed delivery events per hour". */
  title: string;
  /** One line per series (by reason) or their sum. */
  split: boolean;
}

function alignedData(series: SeriesFieldsFragment[], split: boolean): AlignedData {
  const times = (series[0]?.points ?? []).map((p) => Date.parse(p.at) / 1000);
  if (!split) return [times, times.map((_, i) => series.reduce((sum, s) => sum + (s.points[i]?.count ?? 0), 0))];
  return [times, ...series.map((s) => s.points.map((p) => p.count))];
}

/** The selected step over time, drawn by uPlot on a canvas, with a text summary beside it. */
export function Chart({ series, timeZone, title, split }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element || series.length === 0) return;
    const lines = split ? series.map((s, i) => ({ label: s.reason ?? 'all', stroke: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length], width: 1.5 })) : [{ label: 'events', stroke: COLOURS[0], width: 1.5, fill: 'rgba(47,95,179,0.08)' }];
    const options: Options = {
      width: element.clientWidth || 800,
      height: 200,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
      legend: { show: split },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [
        { stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d1d5db' } },
        { stroke: '#4b5563', grid: { stroke: '#eef0f3' }, ticks: { stroke: '#d1d5db' }, size: 64, values: (_u, values) => values.map((v) => formatCount(v)) },
      ],
      series: [{}, ...lines],
    };
    const plot = new uPlot(options, alignedData(series, split), element);
    const resize = new ResizeObserver(() => plot.setSize({ width: element.clientWidth, height: 200 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [series, split, timeZone]);
  const total = series.reduce((sum, s) => sum + s.total, 0);
  return (
    <figure className="chart">
      <figcaption>
        {title} · {formatCount(total)} in the range
      </figcaption>
      <div ref={host} className="chart-canvas" aria-hidden="true" />
      {split && series.length > 0 && (
        <ul className="visually-hidden">
          {series.map((s) => (
            <li key={s.reason ?? 'all'}>
              {s.reason}: {formatCount(s.total)}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
