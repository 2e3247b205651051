import type { EventEmitter } from 'node:events';
import type { AgentEvents } from '../agents/agent.js';
import type { AgentState, Usage } from '../agents/types.js';
import type { RunHistory } from './history.js';

/** What the recorder reads of an agent: the events it follows and the fields the history keeps. */
export interface RecordedAgent extends Pick<EventEmitter<AgentEvents>, 'on'> {
  readonly id: number;
  readonly state: AgentState;
  readonly reason: string | undefined;
  readonly usage: Usage;
  readonly startedAt: number | undefined;
  readonly finishedAt: number | undefined;
}

/**
 * The run's history as the run writes it (for `runs`, `show`, `resume`): agents are followed
 * through their events, as their JSONL logs are; what needs an order (the run recorded before
 * its agents' changes, its end after the summary) the run writes itself through `record`.
 * A history write never stops a run: the first failure is reported once and later writes are skipped.
 */
export class HistoryRecorder {
  private failed = false;

  constructor(
    private readonly history: RunHistory | undefined,
    private readonly runId: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The history knows the run so far: there is one and no write to it failed. */
  get intact(): boolean {
    return this.history !== undefined && !this.failed;
  }

  record(write: (history: RunHistory, runId: string) => void): void {
    if (!this.history || this.failed) return;
    try {
      write(this.history, this.runId);
    } catch (error) {
      this.failed = true;
      this.warn(`cannot write the run history (${(error as Error).message}); the run goes on, resume will not know it`);
    }
  }

  /** Saves the agent's state, reason, times and usage whenever its state or usage changes. */
  follow(agent: RecordedAgent): void {
    const save = () =>
      this.record((history, runId) =>
        history.updateAgent(runId, agent.id, {
          state: agent.state,
          reason: agent.reason,
          usage: agent.usage,
          startedAt: agent.startedAt,
          finishedAt: agent.finishedAt,
        }),
      );
    agent.on('state', save);
    agent.on('usage', save);
  }
}
