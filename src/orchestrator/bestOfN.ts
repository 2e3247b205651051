import type { AgentState, TokenCounts } from '../agents/types.js';
import type { JudgedBy } from '../logs/types.js';

/**
 * Best of n: which of a task's attempts (--agents-per-task) wins, once all of them have ended.
 * A pure policy; the run gathers the facts and asks the model (orchestrator/judging.ts).
 *
 * The rules, in order:
 * 1. Only a succeeded attempt can win (it committed, and passed the check when there is one).
 *    None succeeded: the task has no winner.
 * 2. The check command's last result: passed beats not run beats failed. (A succeeded attempt
 *    has passed the check whenever one is configured; "not run" is an attempt that never reached
 *    it, e.g. resumed from a run whose check result was not kept.)
 * 3. Several still level: the judge model (the supervisor model) reads the task and their diffs
 *    and picks one, with a one-line reason. Skipped with --no-supervisor.
 * 4. No model, or it failed: the smaller diff (lines added + removed), then the lower cost, then
 *    the earlier attempt. The reason says that it was a tie-break, and why the model was not used.
 */

/** The check command's last result for an attempt. */
export type CheckResult = 'passed' | 'failed' | 'not-run';

/** What the policy knows of one attempt. */
export interface AttemptFacts {
  agent: number;
  status: AgentState;
  check: CheckResult;
  /** Lines added plus lines removed since the run's base. */
  linesChanged: number;
  /** USD so far (0 while the model's price is unknown). */
  cost: number;
}

/** The judge model's answer about the finalists, or why there is none. */
export type ModelPick =
  | { ok: true; agent: number; reason: string; tokens: TokenCounts }
  | { ok: false; reason: string; tokens: TokenCounts };

/** A task's result: its winner and why, or why it has none. */
export interface Verdict {
  winner: number | undefined;
  /** Undefined when there is no winner. */
  by: JudgedBy | undefined;
  /** One line. */
  reason: string;
  /** The judge model's tokens, when it was asked. */
  tokens?: TokenCounts;
}

export interface JudgeOptions {
  /** Asks the judge model to pick one of the finalists; undefined: no model (--no-supervisor). */
  askModel?: ((finalists: readonly AttemptFacts[]) => Promise<ModelPick>) | undefined;
}

const CHECK_RANK: Record<CheckResult, number> = { passed: 2, 'not-run': 1, failed: 0 };

const money = (usd: number): string => `$${usd.toFixed(4)}`;
const lines = (n: number): string => `${n} line${n === 1 ? '' : 's'}`;

/** How the other attempts ended, for a reason: "agent 2 failed, agent 3 stopped". */
const others = (attempts: readonly AttemptFacts[], winner: number): string =>
  attempts
    .filter((attempt) => attempt.agent !== winner)
    .map((attempt) =>
      attempt.status === 'succeeded' ? `agent ${attempt.agent} check ${attempt.check}` : `agent ${attempt.agent} ${attempt.status}`,
    )
    .join(', ');

/** Smaller diff, then lower cost, then the earlier attempt: the finalists in that order. */
export const rankByTieBreak = (finalists: readonly AttemptFacts[]): AttemptFacts[] =>
  [...finalists].sort((a, b) => a.linesChanged - b.linesChanged || a.cost - b.cost || a.agent - b.agent);

/** The tie-break's winner among the finalists (at least two), with its reason against the runner-up. */
export const tieBreak = (finalists: readonly AttemptFacts[]): { winner: AttemptFacts; reason: string } => {
  const [winner, runnerUp] = rankByTieBreak(finalists) as [AttemptFacts, AttemptFacts];
  if (winner.linesChanged !== runnerUp.linesChanged) {
    return {
      winner,
      reason: `smaller diff: ${lines(winner.linesChanged)} changed against ${runnerUp.linesChanged} (agent ${runnerUp.agent})`,
    };
  }
  if (winner.cost !== runnerUp.cost) {
    return {
      winner,
      reason: `same diff size (${lines(winner.linesChanged)}), lower cost: ${money(winner.cost)} against ${money(runnerUp.cost)} (agent ${runnerUp.agent})`,
    };
  }
  return {
    winner,
    reason: `same diff size (${lines(winner.linesChanged)}) and cost (${money(winner.cost)}) as agent ${runnerUp.agent}: the earlier attempt`,
  };
};

/** The attempts still level after rules 1 and 2 (empty when none succeeded). */
export const finalistsOf = (attempts: readonly AttemptFacts[]): AttemptFacts[] => {
  const succeeded = attempts.filter((attempt) => attempt.status === 'succeeded');
  const best = Math.max(...succeeded.map((attempt) => CHECK_RANK[attempt.check]));
  return succeeded.filter((attempt) => CHECK_RANK[attempt.check] === best);
};

/** The winner among a task's attempts, all of them ended (see the rules above). */
export const judgeAttempts = async (attempts: readonly AttemptFacts[], options: JudgeOptions = {}): Promise<Verdict> => {
  const finalists = finalistsOf(attempts);
  if (finalists.length === 0) {
    return { winner: undefined, by: undefined, reason: `no attempt succeeded (${others(attempts, 0)})` };
  }
  if (finalists.length === 1) {
    const winner = finalists[0]!;
    const succeeded = attempts.filter((attempt) => attempt.status === 'succeeded').length;
    const rest = others(attempts, winner.agent);
    if (succeeded === 1) {
      const checked = winner.check === 'passed';
      return {
        winner: winner.agent,
        by: checked ? 'check' : 'outcome',
        reason: `the only attempt that ${checked ? 'passed the check' : 'succeeded'}${rest ? ` (${rest})` : ''}`,
      };
    }
    return {
      winner: winner.agent,
      by: 'check',
      reason: `the only succeeded attempt whose check ${winner.check === 'passed' ? 'passed' : 'did not fail'} (${rest})`,
    };
  }
  if (!options.askModel) {
    const { winner, reason } = tieBreak(finalists);
    return { winner: winner.agent, by: 'tie-break', reason: `no judge model (--no-supervisor); ${reason}` };
  }
  const pick = await options.askModel(finalists);
  if (pick.ok && finalists.some((attempt) => attempt.agent === pick.agent)) {
    return { winner: pick.agent, by: 'model', reason: pick.reason, tokens: pick.tokens };
  }
  const failure = pick.ok ? `it picked agent ${pick.agent}, which is not one of the finalists` : pick.reason;
  const { winner, reason } = tieBreak(finalists);
  return { winner: winner.agent, by: 'tie-break', reason: `the judge model failed (${failure}); ${reason}`, tokens: pick.tokens };
};
