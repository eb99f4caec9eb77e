/**
 * Long loops over a request's records give the event loop back every few milliseconds, so one
 * tenant's 10 MiB batch (parsing it, redacting its samples) never holds every other tenant's
 * requests for its whole duration (docs/security.md#the-event-loop-budget).
 */
export class TimeSlice {
  private started = performance.now();

  constructor(private readonly budgetMs = 10) {}

  /** Yields (one turn of the event loop) once this slice has run its budget; cheap otherwise. */
  async pause(): Promise<void> {
    if (performance.now() - this.started < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.started = performance.now();
  }
}
