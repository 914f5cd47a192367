// The comms watchdog: calls `onExpire` once when `kick()` has not been called for `ms` milliseconds.
// Re-armed by the next kick(); ms = 0 disables it.
export class Watchdog {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly onExpire: () => void) {}

  /** (Re)starts the countdown. */
  kick(ms: number): void {
    if (ms <= 0) return this.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.onExpire();
    }, ms);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
