/** A pino logger whose lines a test reads back: what an operator would see in the API's log. */

import pino from 'pino';

export interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
  [field: string]: unknown;
}

export interface LogCapture {
  logger: pino.Logger;
  lines: LogLine[];
  /** The lines at `level` or above (pino's numbers: 40 warn, 50 error). */
  atLeast(level: number): LogLine[];
}

export function captureLog(level: pino.Level = 'debug'): LogCapture {
  const lines: LogLine[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines, atLeast: (minimum) => lines.filter((line) => line.level >= minimum) };
}
