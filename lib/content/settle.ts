/**
 * When the page has said all it will say after a load (banner, sync line), on evidence rather than a fixed wait: no
 * element marks itself aria-busy="true" and nothing has changed for QUIET_MS. A page that never says it is busy gets
 * a longer quiet time; a page busy for ever is believed after BUSY_MAX_MS. A banner that comes even later is still
 * reported (every change is): it reopens what an earlier report said.
 */
const QUIET_AFTER_BUSY_MS = 120;
/**
 * A page that never says it is busy is believed after this long without a change (changes of our own elements do not
 * count: lib/content/watch.ts). Slower pages are covered by the rule above: a later banner reopens the result.
 */
const QUIET_MS = 300;
const BUSY_MAX_MS = 10_000;
/** While busy, how often the page is looked at again. */
const BUSY_POLL_MS = 250;

export class Settle {
  settled = false;
  private readonly loadedAt = performance.now();
  private lastChange = this.loadedAt;
  /** The page said it was busy (aria-busy) at some point of this load: its clearing is the evidence waited for. */
  private sawBusy = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onSettled: () => void) {}

  /** The page changed: until it settles, the quiet time starts again. */
  changed() {
    if (this.settled) return;
    this.lastChange = performance.now();
    queueMicrotask(() => this.check());
  }

  /** Settled once the page is quiet and not busy; checked again after each change until then. */
  check() {
    if (this.settled) return;
    clearTimeout(this.timer);
    const now = performance.now();
    const busy = document.querySelector('[aria-busy="true"]') !== null;
    if (busy) this.sawBusy = true;
    const quiet = this.sawBusy ? QUIET_AFTER_BUSY_MS : QUIET_MS;
    const due = busy ? this.loadedAt + BUSY_MAX_MS : Math.max(this.lastChange + quiet, this.loadedAt + quiet);
    if (now >= due) {
      this.settled = true;
      this.onSettled();
      return;
    }
    this.timer = setTimeout(() => this.check(), Math.min(due - now, busy ? BUSY_POLL_MS : due - now) + 1);
  }

  stop() {
    clearTimeout(this.timer);
  }
}
