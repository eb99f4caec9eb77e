import { discardKindOf } from '../../domain/steps';
import type { AlertEventValue } from '../store';

/** The structured alert every channel carries (webhook `alert`, email JSON part). */
export interface AlertPayload {
  id: string;
  state: 'FIRING' | 'RESOLVED';
  ruleId: string;
  ruleName: string;
  kind: string;
  workspaceId: string;
  at: string;
  previousStateSince: string;
  destinationId: string | null;
  mappingId: string | null;
  sourceId: string | null;
  step: string | null;
  reason: string | null;
  value: number | null;
  threshold: number;
  volume: number;
  baseline: number | null;
  windowMinutes: number;
  message: string;
}

export function alertPayload(e: AlertEventValue): AlertPayload {
  return {
    id: e.id,
    state: e.state === 'firing' ? 'FIRING' : 'RESOLVED',
    ruleId: e.ruleId,
    ruleName: e.ruleName,
    kind: e.kind.toUpperCase(),
    workspaceId: e.workspaceId,
    at: new Date(e.at).toISOString(),
    previousStateSince: new Date(e.previousSince).toISOString(),
    destinationId: e.destinationId,
    mappingId: e.mappingId,
    sourceId: e.sourceId,
    step: e.step ? discardKindOf(e.step) : null,
    reason: e.reason,
    value: e.value,
    threshold: e.threshold,
    volume: e.volume,
    baseline: e.baseline,
    windowMinutes: e.windowMinutes,
    message: e.message,
  };
}

/** One line people read first: Slack shows it as the message, email uses it as the subject. */
export function headline(e: AlertEventValue): string {
  return e.state === 'firing' ? `[FIRING] ${e.ruleName}` : `[RESOLVED] ${e.ruleName}`;
}

/** Slack-style text (mrkdwn): the headline in bold, then the sentence. */
export function slackText(e: AlertEventValue): string {
  const icon = e.state === 'firing' ? ':rotating_light:' : ':white_check_mark:';
  return `${icon} *${headline(e)}*\n${e.message}`;
}
