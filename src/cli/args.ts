type Values = Record<string, string | boolean | undefined>;

/** A usage error: the CLI exits 2 with this message and hint. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly hint = 'delivery-overview --help',
  ) {
    super(message);
  }
}

/** Resolves on SIGINT/SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (sig: NodeJS.Signals) => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(sig);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

export function intOption(v: Values, name: string, fallback: number, min: number, max: number): number {
  const raw = v[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}`);
  }
  return n;
}
