// A clock whose time moves only when the test says so: now(), setTimeout() and clearTimeout()
// as OdinStream's `clock` option expects.
export class FakeClock {
  #timers = new Map();
  #next = 1;

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now() {
    return this.time;
  }

  setTimeout(fn, ms) {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + Math.max(0, Number(ms) || 0), fn });
    return id;
  }

  clearTimeout(id) {
    this.#timers.delete(id);
  }

  /** Delays (ms from now) of the pending timers, soonest first. */
  pending() {
    return [...this.#timers.values()].map((t) => t.at - this.time).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order. */
  advance(ms) {
    const end = this.time + ms;
    for (;;) {
      let dueId = null;
      let due = null;
      for (const [id, t] of this.#timers) {
        if (t.at <= end && (due === null || t.at < due.at)) [dueId, due] = [id, t];
      }
      if (due === null) break;
      this.#timers.delete(dueId);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
export function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Resolves when `predicate()` is true, polling every 10 ms; rejects after `timeoutMs`. */
export async function waitFor(predicate, what, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
