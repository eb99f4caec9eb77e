import { formatCount, formatPoints, formatRelative, formatShare, formatSignedCount } from '../../web/src/format';
import { errorFromBody } from '../../web/src/api/errors';

const MINUS = '\u2212';

describe('the page’s numbers (web/src/format.ts)', () => {
  it('percentages: one decimal under 10 %, none from 10 to 99.5 %, and a real difference from 100 % stays visible', () => {
    expect([0, 0.04, 0.27, 3.376, 9.94, 10, 86.2458, 99.4].map(formatShare)).toEqual(['0 %', '< 0.1 %', '0.3 %', '3.4 %', '9.9 %', '10 %', '86 %', '99 %']);
    expect(formatShare(99.5)).toBe('99.5 %'); // never rounded up to 100 %
    expect(formatShare(99.9)).toBe('99.9 %');
    expect(formatShare(99.97)).toBe('99.97 %');
    expect(formatShare(99.999)).toBe('99.999 %');
    expect(formatShare(100)).toBe('100 %');
    expect(formatShare(null)).toBe('–');
  });

  it('points with one decimal and a sign; counts with separators; relative change', () => {
    expect([0.6208, -0.0797, 0.04, -7].map(formatPoints)).toEqual(['+0.6 pt', `${MINUS}0.1 pt`, '0.0 pt', `${MINUS}7.0 pt`]);
    expect(formatCount(1_914_082)).toBe((1_914_082).toLocaleString());
    expect([1234, -56, 0].map(formatSignedCount)).toEqual([`+${(1234).toLocaleString()}`, `${MINUS}56`, '0']);
    expect([51.2, -3.24, null].map(formatRelative)).toEqual(['+51 %', `${MINUS}3.2 %`, 'new']);
  });
});

describe('what the page tells people about failed requests (web/src/api/errors.ts)', () => {
  it('maps status and error codes to readable kinds, never to the raw GraphQL message', () => {
    expect(errorFromBody(401, undefined, null)).toMatchObject({ kind: 'auth' });
    expect(errorFromBody(200, [{ message: 'raw', extensions: { code: 'FORBIDDEN', required: 'read' } }], null)).toMatchObject({
      kind: 'auth',
      requiredScope: 'read',
      message: 'This token lacks the "read" scope, which this view needs.',
    });
    expect(errorFromBody(429, [{ extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 2.2 } }], '3')).toMatchObject({ kind: 'rate', retryAfterSeconds: 3 });
    expect(errorFromBody(429, undefined, '4')).toMatchObject({ kind: 'rate', retryAfterSeconds: 4 });
    expect(errorFromBody(200, [{ message: 'Query timed out after 10 s', extensions: { code: 'QUERY_TIMEOUT' } }], null)).toMatchObject({ kind: 'timeout' });
    const internal = errorFromBody(500, [{ message: 'ClickHouse exploded at line 3', extensions: { code: 'INTERNAL_SERVER_ERROR' } }], null);
    expect(internal.kind).toBe('server');
    expect(internal.message).not.toContain('ClickHouse');
  });
});
