// Waiting for a message: each waiter has a matcher (returns a value to resolve with, an Error to
// reject with, or undefined to keep waiting) and a timeout. Incoming messages are offered to every
// waiter; failAll() rejects them all (link closed).
import type { Envelope } from '../protocol/index.ts';
import { TimeoutError } from './errors.ts';

export type Matcher<T> = (e: Envelope) => T | Error | undefined;

interface Waiter {
  what: string;
  match: Matcher<unknown>;
  resolve(v: unknown): void;
  reject(err: Error): void;
}

export class Waiters {
  private readonly list = new Set<Waiter>();

  wait<T>(what: string, match: Matcher<T>, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const w: Waiter = {
        what,
        match,
        resolve: (v) => done(() => resolve(v as T)),
        reject: (err) => done(() => reject(err)),
      };
      const timer = setTimeout(() => w.reject(new TimeoutError(what)), timeoutMs);
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.list.delete(w);
        f();
      };
      this.list.add(w);
    });
  }

  feed(e: Envelope): void {
    for (const w of [...this.list]) {
      const r = w.match(e);
      if (r instanceof Error) w.reject(r);
      else if (r !== undefined) w.resolve(r);
    }
  }

  /** Rejects every waiter with the error `make` builds from what it was waiting for. */
  failAll(make: (what: string) => Error): void {
    for (const w of [...this.list]) w.reject(make(w.what));
  }
}
