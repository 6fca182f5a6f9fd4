import type { LoggerProtocol } from '../../src/index.js';

/** A logger that keeps every message, so tests can count events and read what was logged. */
export class CountingLogger implements LoggerProtocol {
  readonly lines: Array<{ level: string; message: string; meta?: Record<string, unknown> }> = [];

  debug(message: string, meta?: Record<string, unknown>): void {
    this.lines.push({ level: 'debug', message, meta });
  }

  warn(message: string, meta?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, meta });
  }

  count(message: string): number {
    return this.lines.filter((line) => line.message === message).length;
  }
}
