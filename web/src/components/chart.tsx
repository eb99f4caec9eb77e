import { useEffect, useRef } from 'react';
import uPlot, { type AlignedData, type Options } from 'uplot';
import type { SeriesFieldsFragment } from '../gql/graphql';
import { formatCount } from '../format';

/**
 * Neutral, distinguishable line colours (no red or green: a reason or an event name is not
 * good or bad by itself), with dashes so colour is never the only cue.
 */
const COLOURS = ['#2f5fb3', '#8a4fb3', '#1f7a99', '#a36200', '#5b6472', '#b3408a', '#3f51b5', '#6d5d2f'];
const DASHES = [[], [6, 3], [2, 3], [10, 3, 2, 3], [4, 4], [1, 2]];

export interface ChartProps {
  series: SeriesFieldsFragment[];
  timeZone: string;
  /** What the lines count, for the caption: e.g. "Failed delivery events per hour". */
  title: string;
  /** One line per series (by reason) or their sum. */
  split: boolean;
}

/**
 * The first bucket, when the range covers only part of it, is left out (a gap): drawn, it reads
 * as a drop to zero at the start. The last one stays: it holds the newest reports.
 */
function alignedData(series: SeriesFieldsFragment[], split: boolean): AlignedData {
  const points = series[0]?.points ?? [];
  const times = points.map((p) => Date.parse(p.at) / 1000);
  const left = (i: number) => i === 0 && points[0]?.partial;
  const value = (s: SeriesFieldsFragment, i: number) => (left(i) ? null : (s.points[i]?.count ?? 0));
  if (!split) return [times, times.map((_, i) => (left(i) ? null : series.reduce((sum, s) => sum + (value(s, i) ?? 0), 0)))];
  return [times, ...series.map((s) => s.points.map((_, i) => value(s, i)))];
}

function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function optionsFor(series: SeriesFieldsFragment[], split: boolean, timeZone: string, width: number): Options {
  const axis = {
    stroke: cssColour('--text-2', '#4b5563'),
    grid: { stroke: cssColour('--line', '#eef0f3') },
    ticks: { stroke: cssColour('--line-strong', '#d1d5db') },
  };
  const lines = split
    ? series.map((s, i) => ({ label: s.reason ?? 'all', stroke: COLOURS[i % COLOURS.length], dash: DASHES[i % DASHES.length], width: 1.5 }))
    : [{ label: 'events', stroke: cssColour('--accent', COLOURS[0]), width: 1.5, fill: 'rgba(47,95,179,0.08)' }];
  return {
    width,
    height: 200,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
    legend: { show: split },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true } },
    axes: [axis, { ...axis, size: 64, values: (_u, values) => values.map((v) => formatCount(v)) }],
    series: [{}, ...lines],
  };
}

/** The selected step over time, drawn by uPlot on a canvas, with a text summary beside it. */
export function Chart({ series, timeZone, title, split }: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  // The plot is rebuilt only when its lines change; a live refresh only swaps the data (no flicker).
  const shape = JSON.stringify([split, timeZone, split ? series.map((s) => s.reason) : series.length > 0]);
  useEffect(() => {
    const element = host.current;
    if (!element || series.length === 0) return;
    const made = new uPlot(optionsFor(series, split, timeZone, element.clientWidth || 800), alignedData(series, split), element);
    plot.current = made;
    const resize = new ResizeObserver(() => made.setSize({ width: element.clientWidth, height: 200 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      made.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape]);
  useEffect(() => {
    if (plot.current && series.length > 0) plot.current.setData(alignedData(series, split));
  }, [series, split]);
  const total = series.reduce((sum, s) => sum + s.total, 0);
  const partial = series[0]?.points[0]?.partial;
  return (
    <figure className="chart">
      <figcaption>
        {title} · {formatCount(total)} in the range
        {partial && <span className="subtle"> · the first bucket, which the range covers only in part, is left out</span>}
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
