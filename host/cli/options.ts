// Parsers for command-line option values. Each one throws a UsageError naming the option and what is
// allowed, so every command rejects bad input the same way.
import { UsageError } from './errors.ts';
import { BAUD_RATES } from '../transport/baud.ts';

export function oneOf<T extends string>(option: string, allowed: readonly T[]) {
  return (value: string): T => {
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`${option} must be one of ${allowed.join('|')}, got '${value}'`);
  };
}

export function integer(option: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^[-+]?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
      throw new UsageError(`${option} must be ${range}, got '${value}'`);
    }
    return n;
  };
}

/** A number in [min, max) (or [min, max] when maxInclusive). */
export function real(option: string, min: number, max: number, maxInclusive = false) {
  return (value: string): number => {
    const n = Number(value);
    const ok = value.trim() !== '' && Number.isFinite(n) && n >= min && (maxInclusive ? n <= max : n < max);
    if (!ok) throw new UsageError(`${option} must be a number in [${min}, ${max}${maxInclusive ? ']' : ')'}, got '${value}'`);
    return n;
  };
}

export function positive(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`${option} must be a number > 0, got '${value}'`);
    return n;
  };
}

/** A comma-separated list, each item parsed by `item`. */
export function list<T>(option: string, item: (v: string) => T) {
  return (value: string): T[] => {
    const parts = value.split(',').map((s) => s.trim());
    if (parts.length === 0 || parts.some((p) => p === '')) throw new UsageError(`${option} must be a comma-separated list, got '${value}'`);
    return parts.map(item);
  };
}

export const BAUD_HELP = 'serial line rate in baud, a standard one (9600, 57600, 115200, 230400, 921600, ...)';

/** A serial line rate: one of BAUD_RATES (host/transport/baud.ts), written as plain digits. */
export function baud(option: string) {
  return (value: string): number => {
    const n = Number(value);
    if (/^\d+$/.test(value.trim()) && BAUD_RATES.includes(n)) return n;
    throw new UsageError(`${option} must be a standard baud rate, one of ${BAUD_RATES.join('|')}, got '${value}'`);
  };
}
