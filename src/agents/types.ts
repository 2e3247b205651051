import type { PaneViewport } from './viewport.js';

/**
 * Agent lifecycle: queued → starting → working ⇄ waiting → succeeded | failed | stopped.
 * `waiting` = aider finished a turn and waits (for input, or for the orchestrator's next turn).
 */
export type AgentState = 'queued' | 'starting' | 'working' | 'waiting' | 'succeeded' | 'failed' | 'stopped';

/** The reason of `waiting` while a person types into the agent's aider (focus mode): it waits for them. */
export const WAITING_FOR_PERSON = 'a person is typing into aider (focus mode): the agent goes on when they leave';

export const FINAL_STATES: readonly AgentState[] = ['succeeded', 'failed', 'stopped'];
export const isFinalState = (state: AgentState): boolean => FINAL_STATES.includes(state);

export interface TokenCounts {
  prompt: number;
  completion: number;
  total: number;
}

/** What the analytics log says so far (see agents/analyticsLog.ts). */
export interface Usage {
  /** `message_send` events = LLM turns. */
  iterations: number;
  tokens: TokenCounts;
  /** USD, as aider reports it (0 when the model has no known price). */
  cost: number;
}

export const emptyUsage = (): Usage => ({ iterations: 0, tokens: { prompt: 0, completion: 0, total: 0 }, cost: 0 });

/**
 * What the UI may read of a running agent. A pane draws `viewport` (styled rows from the
 * agent's headless terminal, never raw pty bytes or the emulator itself); `write` sends
 * keystrokes to aider's pty.
 */
export interface AgentView {
  readonly id: number;
  readonly title: string;
  readonly files: readonly string[];
  readonly branch: string;
  readonly worktree: string;
  readonly state: AgentState;
  readonly reason: string | undefined;
  readonly usage: Usage;
  readonly maxIterations: number;
  /** The supervisor's latest decision (progress, thought), shown under the pane title; undefined before one. */
  readonly supervision?: { progress: string; thought: string; action: string } | undefined;
  /** ms since epoch; undefined until the agent starts / finishes. */
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
  /** The agent's screen and scrollback, as a pane reads them. */
  readonly viewport: PaneViewport;
  /** Raw bytes to aider's pty (focus mode). */
  write(data: string): void;
  /** Focus mode begins or ends: while a person types into aider, the app types nothing into it. */
  setFocused?(focused: boolean): void;
  /** Resize pty and terminal together (pane size changed). */
  resize(cols: number, rows: number): void;
}
