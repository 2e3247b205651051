import { useEffect, useState } from 'react';
import { isUserError } from '../../errors.js';
import type { RunController } from '../../orchestrator/types.js';

/** Aider's line for a commit it made (`Commit 1a2b3c4 feat: greet`): the diff has changed. */
const COMMIT_LINE = /(^|\s)Commit [0-9a-f]{7,40}\b/;

export interface AgentDiff {
  /** The patch since the run's base; undefined until it is first read. */
  text: string | undefined;
  /** Why the last read failed (the worktree is gone...). */
  error: string | undefined;
  /** When the patch was last read (ms since epoch). */
  readAt: number | undefined;
}

/**
 * The agent's diff against the run's base, read again whenever the agent may have committed:
 * aider's commit line, the end of a turn (its state, usage or supervisor decision changes), the
 * summary. Reads never overlap: an event during a read asks for one more read after it.
 */
export const useAgentDiff = (run: RunController, agent: number): AgentDiff => {
  const [diff, setDiff] = useState<AgentDiff>({ text: undefined, error: undefined, readAt: undefined });
  useEffect(() => {
    let closed = false;
    let reading = false;
    let again = false;
    const read = () => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      run
        .diff(agent)
        .then(
          (text) => !closed && setDiff({ text, error: undefined, readAt: Date.now() }),
          (error: unknown) =>
            !closed &&
            setDiff((last) => ({ ...last, error: isUserError(error) ? error.message : (error as Error).message.split('\n')[0] })),
        )
        .finally(() => {
          reading = false;
          if (again && !closed) {
            again = false;
            read();
          }
        });
    };
    const onAgent = (id: number) => {
      if (id === agent) read();
    };
    const onLine = (id: number, line: string) => {
      if (id === agent && COMMIT_LINE.test(line)) read();
    };
    run.on('agent:state', onAgent);
    run.on('agent:iteration', onAgent);
    run.on('agent:decision', onAgent);
    run.on('agent:line', onLine);
    run.on('run:summary', read);
    read();
    return () => {
      closed = true;
      run.off('agent:state', onAgent);
      run.off('agent:iteration', onAgent);
      run.off('agent:decision', onAgent);
      run.off('agent:line', onLine);
      run.off('run:summary', read);
    };
  }, [run, agent]);
  return diff;
};
