import fs from 'node:fs';
import path from 'node:path';
import { appendPrivateFile, makePrivateDir } from './privateFiles.js';
import type { Redactor } from './redact.js';

/** One line of `agent<N>_<ts>.jsonl`. */
export interface AgentLogEntry {
  time: string;
  type: string;
  data: unknown;
}

export const agentLogPath = (logDir: string, agent: number, ts: string): string => path.join(logDir, `agent${agent}_${ts}.jsonl`);

/**
 * Append-only JSONL log of one agent. Each entry is written synchronously as it
 * happens, so a crash loses nothing that was logged; masked, and readable by its owner only.
 */
export class AgentLog {
  private failed = false;

  constructor(
    readonly file: string,
    private readonly redactor: Redactor,
    private readonly onError: (error: Error) => void = () => {},
  ) {
    try {
      makePrivateDir(path.dirname(file));
    } catch (error) {
      // Reported on the first append, like any other write failure.
      this.folderError = error as Error;
    }
  }

  private folderError: Error | undefined;

  append(type: string, data: unknown = {}): void {
    if (this.failed) return;
    if (this.folderError) {
      this.failed = true;
      this.onError(this.folderError);
      return;
    }
    const line = JSON.stringify({ time: new Date().toISOString(), type, data } satisfies AgentLogEntry);
    try {
      appendPrivateFile(this.file, `${this.redactor.redact(line)}\n`);
    } catch (error) {
      // A full disk or read-only folder must not kill the run: report once, keep going.
      this.failed = true;
      this.onError(error as Error);
    }
  }
}

export const readAgentLog = (file: string): AgentLogEntry[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AgentLogEntry);
