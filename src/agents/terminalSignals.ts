/**
 * The signals an interactive aider gives through its terminal (see docs/aider-sessions.md):
 * prompt_toolkit switches bracketed paste on when it starts reading a line and off when the
 * line is accepted, and the notifications command the session gives aider writes a private
 * OSC sequence to the same terminal, in order with everything else aider prints.
 */

/** An OSC sequence no terminal acts on (unknown OSC numbers are ignored); only the session reads it. */
export const NOTIFY_SEQUENCE = '\x1b]6973;aider-orchestrator-notify\x07';

/**
 * What aider runs (through `sh -c`, synchronously) when it waits after an LLM call: a fixed
 * string with no path, no variable and no data in it. Its stdin is aider's terminal, so
 * /dev/tty is the session's pty.
 */
export const NOTIFICATIONS_COMMAND = "printf '\\033]6973;aider-orchestrator-notify\\007' > /dev/tty";

export type TerminalSignal = 'input-on' | 'input-off' | 'notified';

const MARKERS: readonly (readonly [string, TerminalSignal])[] = [
  ['\x1b[?2004h', 'input-on'],
  ['\x1b[?2004l', 'input-off'],
  [NOTIFY_SEQUENCE, 'notified'],
];

/**
 * Finds the signals in pty output, in order, including a sequence split across chunks
 * (the unfinished start of one is kept for the next chunk).
 */
export class TerminalSignalScanner {
  private carry = '';

  scan(chunk: string): TerminalSignal[] {
    const text = this.carry + chunk;
    const found: TerminalSignal[] = [];
    let index = 0;
    let matchedEnd = 0;
    while (index < text.length) {
      const escapeAt = text.indexOf('\x1b', index);
      if (escapeAt < 0) break;
      const marker = MARKERS.find(([sequence]) => text.startsWith(sequence, escapeAt));
      if (marker) {
        found.push(marker[1]);
        index = escapeAt + marker[0].length;
        matchedEnd = index;
      } else {
        index = escapeAt + 1;
      }
    }
    this.carry = '';
    const longest = Math.max(...MARKERS.map(([sequence]) => sequence.length));
    for (let start = Math.max(matchedEnd, text.length - longest + 1); start < text.length; start += 1) {
      const rest = text.slice(start);
      if (rest.startsWith('\x1b') && MARKERS.some(([sequence]) => sequence.startsWith(rest))) {
        this.carry = rest;
        break;
      }
    }
    return found;
  }
}

/**
 * aider's input prompt as it sits left of the cursor: `> `, or the edit format and/or
 * `multi` before it (`diff> `, `architect multi> `, `multi> `).
 */
export const isAiderPrompt = (beforeCursor: string): boolean => /^(?:[a-z-]+(?: multi)?)?> $/.test(beforeCursor);

/** A question waiting for an answer (`... [Yes]: `, `...? `), not aider's input prompt. */
export const isQuestion = (beforeCursor: string): boolean => /(?:\]: |\? |: )$/.test(beforeCursor);

/**
 * aider's crash report asks this with a plain input(), outside prompt_toolkit, and ignores
 * --yes-always (aider/report.py).
 */
export const CRASH_PROMPT = 'Open a GitHub Issue pre-filled with the above error in your browser? (Y/n)';
