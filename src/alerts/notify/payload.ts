import { eventStepKind, type AlertEventValue } from '../values';

/** The fields channels send in another form than the event holds them (and the two they never send). */
type Rewritten = 'state' | 'severity' | 'previousSeverity' | 'kind' | 'at' | 'previousStateSince' | 'step' | 'mutedUntil' | 'recordedAt' | 'silenced';

/**
 * The structured alert every channel carries (webhook `alert`, email JSON part): the event's
 * own fields, with dates as ISO text and states, severities, kinds and the step upper-case.
 */
export type AlertPayload = Omit<AlertEventValue, Rewritten> & {
  state: 'FIRING' | 'RESOLVED';
  /** The severity it fired or changed to; for a recovery, the one it recovered from. */
  severity: 'WARNING' | 'CRITICAL';
  /** A change of severity: the one it left. */
  previousSeverity: 'WARNING' | 'CRITICAL' | null;
  kind: string;
  at: string;
  previousStateSince: string;
  /** The pipeline box of the rule's step. */
  step: string | null;
  /** The rule's mute at the time, when it was muted (only recoveries are sent then). */
  mutedUntil: string | null;
};

/** The value as channels send it: ISO dates, upper-case state and kind, the step as its pipeline box. */
export function alertPayload(e: AlertEventValue): AlertPayload {
  const { recordedAt: _internal, silenced: _withheld, ...fields } = e;
  const upper = (s: 'warning' | 'critical') => (s === 'critical' ? 'CRITICAL' : 'WARNING');
  return {
    ...fields,
    state: e.state === 'firing' ? 'FIRING' : 'RESOLVED',
    severity: upper(e.severity),
    previousSeverity: e.previousSeverity === null ? null : upper(e.previousSeverity),
    mutedUntil: e.mutedUntil === null ? null : new Date(e.mutedUntil).toISOString(),
    kind: e.kind.toUpperCase(),
    at: new Date(e.at).toISOString(),
    previousStateSince: new Date(e.previousStateSince).toISOString(),
    step: eventStepKind(e),
  };
}

/** One line people read first: Slack shows it as the message, email uses it as the subject. */
export function headline(e: AlertEventValue): string {
  if (e.state === 'resolved') return `[RESOLVED] ${e.ruleName}`;
  return e.severity === 'critical' ? `[FIRING] [CRITICAL] ${e.ruleName}` : `[FIRING] ${e.ruleName}`;
}

/** Slack-style text (mrkdwn): the headline in bold, then the sentence. */
export function slackText(e: AlertEventValue): string {
  const icon = e.state === 'firing' ? ':rotating_light:' : ':white_check_mark:';
  return `${icon} *${headline(e)}*\n${e.message}`;
}
