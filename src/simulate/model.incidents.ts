import { DAY, HOUR, MINUTE } from './generator.time';
import type { Incident } from './model.types';
import { connectionIncidents } from './model.connections';

/** The message the docs trace (`trace(messageId: "msg-demo-order-1")`); see TracedMessage. */
export const EXAMPLE_MESSAGE_ID = 'msg-demo-order-1';

/**
 * The demo's incidents, placed relative to `now` (minute-aligned) so that each is
 * inside the last 24 hours (and so the last 7 days), plus an older storm for the week view.
 */
export function demoIncidents(now: number): Incident[] {
  const base = Math.floor(now / MINUTE) * MINUTE;
  return [
    {
      kind: 'rate_limit_storm',
      id: 'storm-amplitude-recent',
      destinationId: 'dst_amplitude',
      start: base - 3 * HOUR - 20 * MINUTE,
      end: base - 3 * HOUR + 20 * MINUTE,
      reason: '429',
      failRate: 0.08,
      retryRate: 0.4,
      retryFailShare: 0.3,
    },
    {
      kind: 'schema_violation_spike',
      id: 'schema-ios-4.0.0',
      sourceId: 'src_ios',
      appVersion: '4.0.0',
      start: base - 9 * HOUR,
      end: base - 8 * HOUR,
      rate: 0.7,
    },
    {
      kind: 'sync_failure',
      id: 'sync-snowflake-credentials',
      destinationId: 'dst_snowflake',
      start: base - 15 * HOUR,
      end: base - 11 * HOUR,
      reason: 'Authentication failed: the private key of warehouse user LOADER was rotated and the destination still holds the old one',
    },
    {
      kind: 'traced_message',
      id: EXAMPLE_MESSAGE_ID,
      sourceId: 'src_web',
      start: base - 2 * HOUR,
      end: base - 2 * HOUR + 5 * MINUTE,
      eventName: 'Order Completed',
      appVersion: '2.5.0',
      retryAt: 'dst_amplitude',
    },
    {
      kind: 'rate_limit_storm',
      id: 'storm-amplitude-older',
      destinationId: 'dst_amplitude',
      start: base - 3 * DAY - 5 * HOUR,
      end: base - 3 * DAY - 5 * HOUR + 40 * MINUTE,
      reason: '429',
      failRate: 0.06,
      retryRate: 0.35,
      retryFailShare: 0.25,
    },
    ...connectionIncidents(now),
  ];
}

// ── The demo workspace ────────────────────────────────────────────────────────────
