import { SLEEP_HOOK } from '../../src/provider/sleep';
/**
 * The clock of the local world: what `Date.now()` returns inside a handler invocation, and how the Provider
 * framework's waiter waits between polls.
 *
 * - `RealClock` waits for real, a fixed number of milliseconds per retry whatever the state machine says (the
 *   waiter's 30-second interval compressed, so the existing suites run in seconds).
 * - `VirtualClock` is real time plus the waits it skipped: a waiter's interval advances it at once, so the
 *   provider's 55-minute total, the replicator's `timeout` and the handler's grace periods elapse in milliseconds
 *   of real time, while the handler (whose `Date.now()` reads this clock) sees the full minutes go by. Give the same
 *   clock to the MSK simulator (`MskSimulator.start({ clock: () => clock.now() })`) so that the service's
 *   transitions follow it too.
 */
export interface WorldClock {
  now(): number;
  /** Waits `virtualMs` of the world's time (a retry interval of the waiter). */
  sleep(virtualMs: number): Promise<void>;
  /** Runs `fn` with `Date.now()` reading this clock (a Lambda invocation). */
  run<T>(fn: () => Promise<T>): Promise<T>;
}

const realNow = Date.now.bind(Date);

export class RealClock implements WorldClock {
  /** @param realSleepMs real milliseconds per retry of the waiter, whatever its interval. */
  constructor(private readonly realSleepMs: number) {}
  public now(): number {
    return realNow();
  }
  public sleep(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.realSleepMs));
  }
  public run<T>(fn: () => Promise<T>): Promise<T> {
    return fn();
  }
}

export class VirtualClock implements WorldClock {
  private skipped = 0;
  private installed = 0;

  public now(): number {
    return realNow() + this.skipped;
  }

  /**
   * The MSK simulator's clocks in this world (`MskSimulator.start({ ...clock.forService(), timing })`): its state
   * transitions and the `Date` header of its answers follow the time the handler reads. AWS stamps its own time, which a
   * caller with a synchronized clock agrees with; a `Date` header left on the real time would be minutes or hours behind
   * the handler's virtual `Date.now()`, and the SDK would take it for clock skew and retry an error it came with once
   * (simulator `dateClock`): a NotFound of a lagging read, say, hidden from the handler, as AWS would not.
   */
  public forService(): { readonly clock: () => number; readonly dateClock: () => number } {
    return { clock: () => this.now(), dateClock: () => this.now() };
  }

  /** Moves the world's time forward without waiting. */
  public advance(ms: number): void {
    this.skipped += ms;
  }

  public async sleep(virtualMs: number): Promise<void> {
    this.advance(virtualMs);
    // let pending I/O (the simulator's sockets) proceed, as real time would
    await new Promise((resolve) => setImmediate(resolve));
  }

  public async run<T>(fn: () => Promise<T>): Promise<T> {
    const original = Date.now;
    const hooks = globalThis as Record<string, unknown>;
    if (this.installed++ === 0) {
      Date.now = () => this.now();
      // the handler's own waits (src/provider/sleep.ts) pass on this clock too
      hooks[SLEEP_HOOK] = (ms: number) => this.sleep(ms);
    }
    try {
      return await fn();
    } finally {
      if (--this.installed === 0) {
        Date.now = original;
        delete hooks[SLEEP_HOOK];
      }
    }
  }
}
