/**
 * Requests sent to another process and waiting for its answer, by id: one promise each, settled
 * when the answer arrives, all rejected at once when the other side dies. The kernel session's
 * cells and queries and the worker pool's frame calls all wait this way.
 */
export class PendingRequests<Answer, Extra = undefined> {
  private readonly waiting = new Map<number, { resolve(answer: Answer): void; reject(error: Error): void; extra: Extra }>();

  /** `newId` may be shared by registries whose requests travel on one channel, so ids never collide. */
  constructor(private readonly newId: () => number = idCounter()) {}

  /** A fresh id and the promise of its answer; `extra` rides along for `extraOf` (an output sink, say). */
  open(extra: Extra): { id: number; answer: Promise<Answer> } {
    const id = this.newId();
    const answer = new Promise<Answer>((resolve, reject) => this.waiting.set(id, { resolve, reject, extra }));
    return { id, answer };
  }

  extraOf(id: number): Extra | undefined {
    return this.waiting.get(id)?.extra;
  }

  get size(): number {
    return this.waiting.size;
  }

  /** The extras of the requests still waiting, oldest first. */
  extras(): Extra[] {
    return [...this.waiting.values()].map((entry) => entry.extra);
  }

  resolve(id: number, answer: Answer): boolean {
    const entry = this.waiting.get(id);
    this.waiting.delete(id);
    entry?.resolve(answer);
    return entry !== undefined;
  }

  reject(id: number, error: Error): void {
    const entry = this.waiting.get(id);
    this.waiting.delete(id);
    entry?.reject(error);
  }

  rejectAll(error: Error): void {
    const entries = [...this.waiting.values()];
    this.waiting.clear();
    for (const entry of entries) entry.reject(error);
  }
}

/** Ids 1, 2, 3, … */
export function idCounter(): () => number {
  let last = 0;
  return () => ++last;
}
