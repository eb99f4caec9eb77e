import { direction, formatPoints, formatRelative, formatSignedCount } from '../format';

/**
 * A change against the previous period as an arrow, a number and (for screen readers) a word;
 * the colour says good or bad, but the arrow and the text carry the meaning on their own.
 */
export function ChangeText({
  points,
  count,
  relative,
  goodWhenUp = false,
}: {
  points?: number | null;
  count?: number | null;
  relative?: number | null;
  goodWhenUp?: boolean;
}) {
  const value = points ?? relative ?? count ?? null;
  const dir = direction(points !== undefined ? points : value === null ? null : Math.sign(value));
  const text = points !== undefined ? formatPoints(points) : relative !== undefined ? formatRelative(relative) : formatSignedCount(count);
  const tone = dir.sign === 'flat' ? 'flat' : (dir.sign === 'up') === goodWhenUp ? 'good' : 'bad';
  return (
    <span className={`change change-${tone}`}>
      <span aria-hidden="true" className="change-arrow">
        {dir.arrow}
      </span>{' '}
      {text}
      <span className="visually-hidden"> ({dir.word} against the previous period)</span>
    </span>
  );
}
