import { AppError } from '../domain/errors';
import { clickHouseCodeOf } from '../clickhouse/errors';

/** An error that happened during a named step of a command (`backfill`, `migrate`, …). */
export class StepFailure extends Error {
  constructor(
    readonly step: string,
    readonly error: unknown,
  ) {
    super(`${step} failed`, { cause: error });
  }
}

/** Runs `fn` as `step`: a failure leaves it as a StepFailure naming the step. */
export async function inStep<T>(step: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof StepFailure ? err : new StepFailure(step, err);
  }
}

/** At most this much of an engine message is printed (it can quote a whole statement). */
const MAX_CAUSE_CHARS = 400;

/**
 * What the CLI prints for a failed command: the message, the step it was in, and the
 * underlying cause with its ClickHouse code. A caller-facing AppError says only "Internal
 * error." to an API client; an operator at a terminal needs the engine's own words.
 */
export function describeFailure(err: unknown): string[] {
  const step = err instanceof StepFailure ? err.step : null;
  const error = err instanceof StepFailure ? err.error : err;
  const message = error instanceof Error ? error.message : String(error);
  const lines = [`error: ${step ? `${step}: ` : ''}${message}`];
  // An error that carries its own hint (a setup problem) says what to do; the cause adds nothing.
  const cause = error instanceof AppError && !(error as { hint?: string }).hint ? error.cause : null;
  if (cause !== undefined && cause !== null) {
    const code = clickHouseCodeOf(cause);
    const text = (cause instanceof Error ? cause.message : String(cause)).split('\n')[0].slice(0, MAX_CAUSE_CHARS);
    lines.push(`cause: ${text}${code !== null && !text.startsWith(`Code: ${code}`) ? ` (ClickHouse code ${code})` : ''}`);
  }
  return lines;
}
