import type { RunController } from '../../orchestrator/types.js';

/** Frames per second the panes redraw at most (agents' output; keys and state changes draw at once). */
export const PANE_FPS = 30;

/**
 * The UI's view of a run: a version number that changes whenever the run emits an
 * event, read with useSyncExternalStore. Pane output is coalesced to PANE_FPS and
 * each agent's screen has its own version, so only changed panes re-serialize.
 */
export class RunStore {
  private version = 0;
  private readonly paneVersions = new Map<number, number>();
  private readonly listeners = new Set<() => void>();
  private dirty = new Set<number>();
  private frame: NodeJS.Timeout | undefined;
  private readonly detach: () => void;

  constructor(readonly run: RunController) {
    const bump = () => this.notify();
    const onOutput = (agent: number) => {
      this.dirty.add(agent);
      this.frame ??= setTimeout(() => this.flushOutput(), 1000 / PANE_FPS);
    };
    const events = [
      'run:phase',
      'prd:chunk',
      'prd:retry',
      'prd:edited',
      'plan:ready',
      'agent:state',
      'agent:iteration',
      'agent:decision',
      'run:summary',
      'run:warning',
    ] as const;
    for (const event of events) run.on(event, bump);
    run.on('agent:output', onOutput);
    this.detach = () => {
      for (const event of events) run.off(event, bump);
      run.off('agent:output', onOutput);
      if (this.frame) clearTimeout(this.frame);
    };
  }

  private flushOutput(): void {
    this.frame = undefined;
    for (const agent of this.dirty) this.paneVersions.set(agent, (this.paneVersions.get(agent) ?? 0) + 1);
    this.dirty = new Set();
    this.notify();
  }

  /** Something outside the run changed (e.g. a resize): redraw. */
  notify(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  paneVersion(agent: number): number {
    return this.paneVersions.get(agent) ?? 0;
  }

  dispose(): void {
    this.detach();
    this.listeners.clear();
  }
}
