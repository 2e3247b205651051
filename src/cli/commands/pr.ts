import type { Command } from 'commander';
import { settingsFromEnv } from '../../config/env.js';
import { resolveSettings } from '../../config/resolve.js';
import type { Settings } from '../../config/settings.js';
import { UserError } from '../../errors.js';
import { createLlmClient } from '../../llm/modelRouter.js';
import { Redactor, secretValuesFromEnv } from '../../logs/redact.js';
import type { AgentRecord, RunRecord } from '../../orchestrator/history.js';
import {
  describeOutcomes,
  describePlan,
  githubToken,
  openPullRequests,
  outcomesExitCode,
  planPullRequests,
  planQuestion,
  pullRequestEnvironment,
  pullRequestsOf,
  recordPullRequests,
  type RunToShip,
} from '../../orchestrator/pullRequest.js';
import { findRun, repositoryGone } from '../history.js';
import { confirm } from './clean.js';
import type { CommandContext } from './command.js';

export interface PrOptions {
  repo?: string;
  remote?: string;
  perAgent?: boolean;
  base?: string;
  yes?: boolean;
}

export const registerPr = (program: Command, context: CommandContext): Command =>
  program
    .command('pr')
    .argument('[run]', 'run id (default: the latest run of this repository)')
    .description(
      "push the run's integration branch (made by merge) to a remote and open a GitHub pull request, its title and body written by the PRD model (asks first)",
    )
    .option('--per-agent', "each succeeded agent's own branch instead, one pull request each")
    .option('--remote <name>', 'the remote to push to; its URL names the GitHub repository (else GITHUB_REPOSITORY)', 'origin')
    .option('--base <branch>', 'the branch the pull requests go into (default: the branch the run started from)')
    .option('-y, --yes', 'do not ask')
    .option('--repo <path>', 'the repository (default: the current one)')
    .action(async (runId: string | undefined, options: PrOptions) => context.exit(await prCommand(runId, options)));

/** A run as the history recorded it, in the shape `pr` ships. */
export const runToShip = (run: RunRecord, agents: readonly AgentRecord[], settings: Partial<Settings>): RunToShip => ({
  runId: run.id,
  repo: run.repo,
  baseCommit: run.baseCommit,
  baseBranch: run.baseBranch,
  change: run.change,
  prd: run.prd,
  checkCommand: settings.checkCommand,
  agents: agents.map((agent) => ({
    id: agent.task.agent,
    branch: agent.branch,
    status: agent.state,
    reason: agent.reason,
    task: agent.task,
  })),
});

/**
 * `aider-orchestrator pr [run]`: pushes the run's integration branch (or with --per-agent each
 * succeeded agent's branch) and opens a pull request for it on GitHub, its title and body written
 * by the run's PRD model. Shows what it will do and asks first (--yes skips the question).
 * Exit 0 when every branch got a new pull request; 1 when one failed or had one open already.
 */
export const prCommand = async (runId: string | undefined, options: PrOptions): Promise<number> => {
  const { run, agents, history } = await findRun(runId, options);
  if (repositoryGone(run)) throw new UserError(`the repository ${run.repo} of run ${run.id} is gone: nothing to push`);
  const stored = JSON.parse(run.settingsJson) as Partial<Settings>;
  const early = resolveSettings({ stored });
  const env = await pullRequestEnvironment({ repo: run.repo, cwd: process.cwd(), env: process.env, dataDir: early.dataDir });
  const ship = runToShip(run, agents, early);
  const plan = await planPullRequests(ship, { remote: options.remote, perAgent: options.perAgent, base: options.base, env });
  for (const line of describePlan(plan)) process.stderr.write(`${line}\n`);
  if (!(await confirm(planQuestion(plan), options.yes))) {
    process.stderr.write('nothing pushed\n');
    return 130;
  }
  // The run's own PRD model writes the text; the key and the endpoint are today's.
  const fromEnv = settingsFromEnv(env);
  const settings = resolveSettings({ stored, env: { geminiApiKey: fromEnv.geminiApiKey, geminiBaseUrl: fromEnv.geminiBaseUrl } });
  const token = githubToken(env);
  const redactor = new Redactor([...secretValuesFromEnv(env), settings.geminiApiKey, token]);
  const outcomes = await openPullRequests(ship, plan, {
    token,
    llm: createLlmClient({ env, geminiApiKey: settings.geminiApiKey, geminiBaseUrl: settings.geminiBaseUrl }),
    model: settings.prdModel,
    redactor,
    onProgress: (line) => process.stderr.write(`  ${line}\n`),
  });
  const { warnings } = recordPullRequests(run.id, pullRequestsOf(outcomes), { history, summaryPath: run.summaryPath, redactor });
  for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
  const lines = describeOutcomes(outcomes);
  outcomes.forEach((outcome, i) => {
    if (outcome.kind === 'created') process.stdout.write(`${lines[i]}\n`);
    else process.stderr.write(`error: ${lines[i]}\n`);
  });
  return outcomesExitCode(outcomes);
};
