/** Rolling-window request limits plus a cap on requests in flight, counted per key (tenant, realm or user). */

export interface LimitWindow {
  /** Named as the provider names the problem, e.g. Xero's X-Rate-Limit-Problem 'minute' / 'day'. */
  name: string;
  limit: number;
  windowMs: number;
}

export type Admission =
  | { ok: true; remaining: Record<string, number>; release: () => void }
  | { ok: false; problem: string; retryAfterS: number; remaining: Record<string, number> };

export class RateLimiter {
  private readonly keys = new Map<string, { stamps: number[]; inFlight: number }>();

  constructor(
    private readonly windows: LimitWindow[],
    private readonly concurrent: number,
    private readonly now: () => number,
  ) {}

  /** Counts the request if it is allowed; `release` must be called when its response is over. */
  admit(key: string): Admission {
    const now = this.now();
    let state = this.keys.get(key);
    if (!state) {
      state = { stamps: [], inFlight: 0 };
      this.keys.set(key, state);
    }
    const longest = Math.max(...this.windows.map((w) => w.windowMs));
    const stamps = state.stamps.filter((t) => t > now - longest);
    state.stamps = stamps;

    const remaining: Record<string, number> = {};
    let exceeded: { problem: string; retryAfterS: number } | undefined;
    for (const window of this.windows) {
      const inWindow = stamps.filter((t) => t > now - window.windowMs);
      remaining[window.name] = Math.max(0, window.limit - inWindow.length - 1);
      if (!exceeded && inWindow.length >= window.limit) {
        // Allowed again once enough of the oldest requests have left the window.
        const freesAt = (inWindow[inWindow.length - window.limit] ?? now) + window.windowMs;
        exceeded = { problem: window.name, retryAfterS: Math.max(1, Math.ceil((freesAt - now) / 1000)) };
      }
    }
    if (exceeded) return { ok: false, ...exceeded, remaining };
    if (state.inFlight >= this.concurrent) return { ok: false, problem: 'concurrent', retryAfterS: 1, remaining };

    stamps.push(now);
    state.inFlight += 1;
    const counted = state;
    let released = false;
    return {
      ok: true,
      remaining,
      release: () => {
        if (released) return;
        released = true;
        counted.inFlight -= 1;
      },
    };
  }

  clear(): void {
    this.keys.clear();
  }
}
