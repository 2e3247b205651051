import { stripVTControlCharacters } from 'node:util';

/**
 * Turns raw pty output into finished plain-text lines for headless mode and logs:
 * ANSI stripped, and a `\r`-rewritten progress line reduced to what it finally showed.
 */
export class OutputLines {
  private pending = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(data: string): void {
    const text = this.pending + data;
    const parts = text.split('\n');
    this.pending = parts.pop() ?? '';
    for (const part of parts) this.emit(part);
  }

  /** The last unfinished line, if any (process exit). */
  flush(): void {
    if (this.pending) this.emit(this.pending);
    this.pending = '';
  }

  private emit(raw: string): void {
    // A carriage return rewrites the line: keep the last non-empty rewrite.
    const rewrites = stripVTControlCharacters(raw).split('\r');
    const line = [...rewrites].reverse().find((segment) => segment.trim().length > 0) ?? '';
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    const clean = line.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trimEnd();
    if (clean) this.onLine(clean);
  }
}
