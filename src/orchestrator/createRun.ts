import fs from 'node:fs';
import path from 'node:path';
import { buildAiderEnv } from '../agents/aiderArgs.js';
import { isFinalState } from '../agents/types.js';
import type { LocatedAider } from '../agents/aiderBinary.js';
import { locateAiderForModel } from '../agents/aiderModels.js';
import { checkAgentEndpoint } from '../config/endpoint.js';
import { readEnvironment, settingsFromEnv } from '../config/env.js';
import { AGENT_CONFIG_FILES, checkRepoTrust, isEndpointOrKeyVar, scanRepoFiles, type RepoScan } from '../config/repoTrust.js';
import { checkAgentModelKey, checkPrdModel, checkSupervisorModel } from '../config/providers.js';
import { resolveSettings } from '../config/resolve.js';
import type { Settings } from '../config/settings.js';
import { openConfigStore } from '../config/store.js';
import {
  cloneRepo,
  committedFiles,
  currentBranch,
  dirtyFiles,
  findRepoRoot,
  headCommit,
  isTrackedByGit,
  maskUrl,
  trackedFiles,
} from '../git/repo.js';
import { listWorktreeIncludes, WORKTREE_INCLUDE } from '../git/worktreeInclude.js';
import type { RepoSettings } from '../agents/aiderArgs.js';
import { createLlmClient } from '../llm/modelRouter.js';
import { buildRepoContext } from '../llm/repoContext.js';
import { Redactor, secretValuesFromArgs, secretValuesFromEnv, withoutMaskedArgs } from '../logs/redact.js';
import { validatePaths } from '../plan/validate.js';
import { UserError } from '../errors.js';
import { liveRunError, RunHistory, type RunRecord } from './history.js';
import { isRunning, sameProcess, thisProcess } from './processIdentity.js';
import { newRunId } from './runId.js';
import { Run, type ResumeState } from './run.js';

export interface RunRequest {
  change: string;
  /** Settings given as flags (highest precedence). */
  flags: Partial<Settings>;
  /** --files as typed (relative to the cwd, or to the repo root with --repo). */
  files: string[] | undefined;
  /** --repo: a path or a git URL. */
  repo: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  terminalSize: { cols: number; rows: number };
  /** One-line notices for the user (e.g. uncommitted changes). */
  warn(message: string): void;
  /** Aborted when the user cancels during the checks: a clone or aider check in progress stops. */
  signal?: AbortSignal | undefined;
  /** --trust-repo: the repo's tracked aider settings (commands...) may apply; see README "Trust rule". */
  trustRepo?: boolean | undefined;
  /** Finished agents' aiders stay at their prompt for follow-ups (the TUI); see RunOptions. */
  keepIdleSessions?: boolean | undefined;
}

const isInside = (file: string, dir: string): boolean =>
  !path.relative(dir, file).startsWith('..') && !path.isAbsolute(path.relative(dir, file));

const isUrl = (value: string): boolean => /^(https?|ssh|git|file):\/\/|^[\w.-]+@[\w.-]+:/.test(value);

/**
 * Everything that can be checked before money is spent: the repo, the settings,
 * the API keys, aider itself. Throws UserError with the fix for each.
 */
export const createRun = async (request: RunRequest): Promise<Run> => {
  const { cwd, flags } = request;
  const stored = openConfigStore().read();
  // The repo is needed to find its .env; the data folder (for clones) may come from the cwd's.
  const early = resolveSettings({
    stored,
    env: settingsFromEnv(await readEnvironment({ dirs: [cwd], env: request.env, isRepoData: isTrackedByGit })),
    flags,
  });
  let repoDir = cwd;
  const cloned = request.repo !== undefined && isUrl(request.repo);
  if (request.repo) {
    repoDir = cloned
      ? await cloneRepo(request.repo, path.join(early.dataDir, 'repos'), undefined, request.signal)
      : path.resolve(cwd, request.repo);
  }
  const repoRoot = await findRepoRoot(repoDir);
  const baseCommit = await headCommit(repoRoot);
  // Before anything runs or is paid for: the repo's files may not configure aider.
  const repoScan = await guardRepoTrust(repoRoot, baseCommit, {
    repo: cloned ? maskUrl(request.repo!) : repoRoot,
    trusted: request.trustRepo === true,
    warn: request.warn,
  });

  // A clone's files all came from its remote: its .env is never the user's.
  const env = await readEnvironment({ dirs: cloned ? [cwd] : [repoRoot, cwd], env: request.env, isRepoData: isTrackedByGit });
  const settings = resolveSettings({ stored, env: settingsFromEnv(env), flags });
  checkPrdModel(settings, env, flags.geminiApiKey);
  checkSupervisorModel(settings, env);
  checkAgentModelKey(settings.agentModel, env);
  if (flags.firstWins && settings.agentsPerTask < 2) {
    throw new UserError(
      '--first-wins needs several attempts per task (--agents-per-task is 1): add --agents-per-task 2 or more, or leave --first-wins out',
    );
  }

  const tracked = await trackedFiles(repoRoot);
  const filesBase = request.repo ? repoRoot : cwd;
  const files = request.files?.length
    ? await validatePaths(
        repoRoot,
        request.files.map((file) => path.resolve(filesBase, file)),
        tracked,
      )
    : undefined;

  const aider = await checkAgentPrerequisites(settings, env, request.warn, request.signal);

  const dirty = await dirtyFiles(repoRoot);
  if (dirty.length > 0) {
    request.warn(
      `${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'} in ${repoRoot} will not be seen by the agents (they start from HEAD ${baseCommit.slice(0, 7)}); commit first if they need them`,
    );
  }

  const include = await guardWorktreeInclude(repoRoot, { trusted: request.trustRepo === true, warn: request.warn });
  const redactor = new Redactor([...secretValuesFromEnv(env), settings.geminiApiKey, ...secretValuesFromArgs(settings.aiderArgs)]);
  const runId = newRunId();
  return new Run({
    runId,
    change: request.change,
    repoRoot,
    baseCommit,
    baseBranch: await currentBranch(repoRoot),
    settings,
    files,
    trackedFiles: tracked,
    repoContext: await buildRepoContext({ root: repoRoot, trackedFiles: tracked, files }),
    llm: createLlmClient({ env, geminiApiKey: settings.geminiApiKey, geminiBaseUrl: settings.geminiBaseUrl }),
    aiderBin: aider.bin,
    agentEnv: buildAiderEnv(env, {
      file: aiderEnvFile(settings.dataDir, runId),
      repo: withCopiedEnv(request.trustRepo ? repoScan : undefined, include.env),
    }),
    env,
    redactor,
    terminalSize: request.terminalSize,
    history: openHistory(settings.dataDir, request.warn),
    worktreeInclude: include.files,
    keepIdleSessions: request.keepIdleSessions === true,
  });
};

/**
 * The trust rule (README "Trust rule"): a repository whose committed files would set commands,
 * endpoints or keys for aider is refused unless the user trusts it. Returns what they set.
 */
const guardRepoTrust = async (
  root: string,
  commit: string,
  options: { repo: string; trusted: boolean; warn(message: string): void },
): Promise<RepoScan> => {
  const scan = scanRepoFiles(await committedFiles(root, commit, AGENT_CONFIG_FILES));
  const warning = checkRepoTrust(scan, options);
  if (warning) options.warn(warning);
  return scan;
};

/**
 * The files `.worktreeinclude` names (git/worktreeInclude.ts), as far as the trust rule lets
 * them into a worktree, where aider reads `.env`, `.aider.conf.yml` and
 * `.aider.model.settings.yml` at the root as its configuration. The two aider files are never
 * copied. A `.env` is, unless it would set aider's commands or options (`AIDER_*`, `PATH`,
 * `*_CMD`, ...; allowed with --trust-repo): its endpoints and keys are pinned to the user's
 * like those of any `.env` in the worktree (agents/aiderArgs.ts pinEndpointsAndKeys).
 */
const guardWorktreeInclude = async (
  root: string,
  options: { trusted: boolean; warn(message: string): void },
): Promise<{ files: string[]; env: RepoSettings | undefined }> => {
  const listed = await listWorktreeIncludes(root);
  if (!listed) return { files: [], env: undefined };
  for (const { path: file, problem } of listed.refused) options.warn(`${WORKTREE_INCLUDE}: ${file} ${problem}; not copied`);
  const files: string[] = [];
  let env: RepoSettings | undefined;
  for (const file of listed.files) {
    if (file === '.aider.conf.yml' || file === '.aider.model.settings.yml') {
      options.warn(`${WORKTREE_INCLUDE}: ${file} is aider's configuration, which no repository file may set; not copied`);
      continue;
    }
    if (file === '.env') {
      let text: string;
      try {
        text = fs.readFileSync(path.join(root, file), 'utf8');
      } catch (error) {
        options.warn(`${WORKTREE_INCLUDE}: .env cannot be read (${(error as Error).message}); not copied`);
        continue;
      }
      const scan = scanRepoFiles([{ path: '.env', kind: 'file', text }]);
      const configures = (scan.findings[0]?.keys ?? []).filter((name) => name.startsWith('AIDER_') || !isEndpointOrKeyVar(name));
      if (configures.length > 0 && !options.trusted) {
        options.warn(
          `${WORKTREE_INCLUDE}: .env sets ${configures.slice(0, 6).join(', ')} for aider (commands or options), so it is not copied: aider reads a worktree's .env as its configuration; pass --trust-repo to copy it anyway`,
        );
        continue;
      }
      env = { envNames: scan.envNames, aiderOptions: scan.aiderOptions };
    }
    files.push(file);
  }
  return { files, env };
};

/** What the pins of aider's env file must cover: the trusted repository's settings and a copied `.env`. */
const withCopiedEnv = (repo: RepoSettings | undefined, copied: RepoSettings | undefined): RepoSettings | undefined =>
  repo && copied
    ? { envNames: [...repo.envNames, ...copied.envNames], aiderOptions: [...repo.aiderOptions, ...copied.aiderOptions] }
    : (repo ?? copied);

/** Aider's last env file for a run: the user's endpoints and keys, by reference (agents/aiderArgs.ts). */
const aiderEnvFile = (dataDir: string, runId: string): string => path.join(dataDir, 'runs', runId, 'aider.env');

/**
 * What the agents need before anything is spent: a usable aider, a model aider knows (read
 * from its own model list, offline) and, for a self-hosted model, a server that accepts
 * connections. The three are checked side by side.
 */
const checkAgentPrerequisites = async (
  settings: Settings,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void,
  signal?: AbortSignal,
): Promise<LocatedAider> => {
  const [aider, endpointWarning] = await Promise.all([
    locateAiderForModel({
      aiderBin: settings.aiderBin,
      dataDir: settings.dataDir,
      env,
      model: settings.agentModel,
      aiderArgs: settings.aiderArgs,
      signal,
    }),
    checkAgentEndpoint(settings.agentModel, env),
  ]);
  if (endpointWarning) warn(endpointWarning);
  return aider;
};

/** The run history, or none (with a warning) when its database cannot be opened. */
const openHistory = (dataDir: string, warn: (message: string) => void): RunHistory | undefined => {
  try {
    return RunHistory.inDataDir(dataDir, { warn });
  } catch (error) {
    warn(`cannot open the run history in ${dataDir} (${(error as Error).message}); this run will not be resumable`);
    return undefined;
  }
};

export interface ResumeRequest {
  /** A run id; default: the newest unfinished run of the repository in the cwd (or any repository). */
  runId: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  terminalSize: { cols: number; rows: number };
  warn(message: string): void;
  /** --trust-repo, as for a new run: the repo's files are checked again before aider restarts. */
  trustRepo?: boolean | undefined;
  keepIdleSessions?: boolean | undefined;
}

/**
 * A run the app did not finish (killed, terminal closed), rebuilt from the history:
 * same run id, worktrees, branches, logs; its unfinished agents continue.
 */
export const resumeRun = async (request: ResumeRequest): Promise<Run> => {
  const early = resolveSettings({
    stored: openConfigStore().read(),
    env: settingsFromEnv(await readEnvironment({ dirs: [request.cwd], env: request.env, isRepoData: isTrackedByGit })),
  });
  const history = RunHistory.inDataDir(early.dataDir, { warn: request.warn });
  const repoHere = await findRepoRoot(request.cwd).catch(() => undefined);
  const record = request.runId ? history.getRun(request.runId) : (history.latestUnfinished(repoHere) ?? history.latestUnfinished());
  if (!record) {
    throw new UserError(
      request.runId
        ? `no run ${request.runId} in the history (${history.file}): see \`aider-orchestrator runs\``
        : 'no unfinished run to resume: every run in the history has finished (see `aider-orchestrator runs`)',
    );
  }
  if (record.status !== 'running') {
    throw new UserError(
      `run ${record.id} has finished (${record.status}): nothing to resume; use R on the dashboard of a new run to retry an agent`,
    );
  }
  return rebuildRun(record, history, early.dataDir, request, {});
};

/**
 * A run of the history rebuilt to drive it again (resume, follow-up): the run is taken over by
 * this process, the repo's files are checked by the trust rule again, and aider gets the same
 * flags and environment as the run had.
 */
const rebuildRun = async (
  record: RunRecord,
  history: RunHistory,
  dataDir: string,
  request: ResumeRequest,
  extra: Pick<ResumeState, 'followUp'>,
): Promise<Run> => {
  // A run whose process still runs is not driven twice; a dead one's is taken over.
  const owner = history.claimRun(record.id);
  if (owner) throw liveRunError(record.id, owner);
  const repoScan = await guardRepoTrust(record.repo, record.baseCommit, {
    repo: record.repo,
    trusted: request.trustRepo === true,
    warn: request.warn,
  });
  // A clone (in the data folder) came from its remote: its .env is never the user's.
  const cloned = isInside(record.repo, path.join(dataDir, 'repos'));
  const env = await readEnvironment({
    dirs: cloned ? [request.cwd] : [record.repo, request.cwd],
    env: request.env,
    isRepoData: isTrackedByGit,
  });
  const stored = JSON.parse(record.settingsJson) as Partial<Settings>;
  // Keys among the aider arguments were stored masked: they cannot be given to aider again.
  const unmasked = withoutMaskedArgs(stored.aiderArgs ?? []);
  if (unmasked.dropped.length > 0) {
    request.warn(
      `aider arguments with a secret were not stored (${unmasked.dropped.join(', ')}): the resumed agents run without them; give the key in the environment (e.g. OPENAI_API_KEY) instead`,
    );
    stored.aiderArgs = unmasked.args;
  }
  const settings = resolveSettings({ stored, env: { geminiApiKey: settingsFromEnv(env).geminiApiKey } });
  checkAgentModelKey(settings.agentModel, env);
  const aider = await checkAgentPrerequisites(settings, env, request.warn);
  const redactor = new Redactor([...secretValuesFromEnv(env), settings.geminiApiKey]);
  const tracked = await trackedFiles(record.repo);
  return new Run({
    runId: record.id,
    change: record.change,
    repoRoot: record.repo,
    baseCommit: record.baseCommit,
    baseBranch: record.baseBranch,
    settings,
    files: undefined,
    trackedFiles: tracked,
    repoContext: '',
    llm: createLlmClient({ env, geminiApiKey: settings.geminiApiKey, geminiBaseUrl: settings.geminiBaseUrl }),
    aiderBin: aider.bin,
    agentEnv: buildAiderEnv(env, { file: aiderEnvFile(settings.dataDir, record.id), repo: request.trustRepo ? repoScan : undefined }),
    env,
    redactor,
    terminalSize: request.terminalSize,
    history,
    resume: {
      agents: history.agentsOf(record.id),
      prd: record.prd,
      prdPath: record.prdPath,
      startedAt: new Date(record.startedAt),
      ...extra,
    },
    keepIdleSessions: request.keepIdleSessions === true,
  });
};

/** What `merge` needs to run the run's aider (--resolve) and check command as the run did. */
export interface MergeEnvironment {
  settings: Settings;
  /** The agents' environment (buildAiderEnv): the check and the resolver's aider run in it. */
  agentEnv: NodeJS.ProcessEnv;
  redactor: Redactor;
  /** With `aider`: the run's aider, checked as for a run. */
  aiderBin: string | undefined;
}

/**
 * The environment of a finished run, rebuilt from the history as `resume` does: its stored
 * settings, the user's keys and endpoints (pinned over any .env in a worktree), the trust rule.
 */
export const mergeEnvironment = async (
  record: RunRecord,
  request: { cwd: string; env: NodeJS.ProcessEnv; warn(message: string): void; aider: boolean; trustRepo: boolean },
): Promise<MergeEnvironment> => {
  const early = resolveSettings({
    stored: openConfigStore().read(),
    env: settingsFromEnv(await readEnvironment({ dirs: [request.cwd], env: request.env, isRepoData: isTrackedByGit })),
  });
  // The trust rule is about aider's configuration: only a merge that starts aider is refused by it.
  const repoScan = request.aider
    ? await guardRepoTrust(record.repo, record.baseCommit, { repo: record.repo, trusted: request.trustRepo, warn: request.warn })
    : undefined;
  const cloned = isInside(record.repo, path.join(early.dataDir, 'repos'));
  const env = await readEnvironment({
    dirs: cloned ? [request.cwd] : [record.repo, request.cwd],
    env: request.env,
    isRepoData: isTrackedByGit,
  });
  const stored = JSON.parse(record.settingsJson) as Partial<Settings>;
  stored.aiderArgs = withoutMaskedArgs(stored.aiderArgs ?? []).args;
  const settings = resolveSettings({ stored, env: { geminiApiKey: settingsFromEnv(env).geminiApiKey } });
  let aiderBin: string | undefined;
  if (request.aider) {
    checkAgentModelKey(settings.agentModel, env);
    aiderBin = (await checkAgentPrerequisites(settings, env, request.warn)).bin;
  }
  return {
    settings,
    agentEnv: buildAiderEnv(env, { file: aiderEnvFile(settings.dataDir, record.id), repo: request.trustRepo ? repoScan : undefined }),
    redactor: new Redactor([...secretValuesFromEnv(env), settings.geminiApiKey]),
    aiderBin,
  };
};

export interface FollowUpRequest extends ResumeRequest {
  /** --repo: the repository whose latest run is meant (default: the one in the cwd). */
  repo?: string | undefined;
  agent: number;
  message: string;
}

/**
 * A finished run rebuilt so that one agent continues its conversation with `message`
 * (`aider-orchestrator follow-up`): its last aider session restarts in its worktree with
 * --restore-chat-history. Default run: the latest of the repository. Every refusal is one line.
 */
export const followUpRun = async (request: FollowUpRequest): Promise<Run> => {
  const message = request.message.trim();
  if (!message) throw new UserError('the follow-up message is empty: pass --message "<what the agent should do next>"');
  const early = resolveSettings({
    stored: openConfigStore().read(),
    env: settingsFromEnv(await readEnvironment({ dirs: [request.cwd], env: request.env, isRepoData: isTrackedByGit })),
  });
  const history = RunHistory.inDataDir(early.dataDir, { warn: request.warn });
  const given = request.repo ? await findRepoRoot(path.resolve(request.cwd, request.repo)) : undefined;
  let record: RunRecord | undefined;
  if (request.runId) {
    record = history.getRun(request.runId);
    if (!record) throw new UserError(`no run ${request.runId} in the history (${history.file}): see \`aider-orchestrator runs\``);
    if (given && given !== record.repo) {
      throw new UserError(`run ${record.id} was made in ${record.repo}, not in ${given}: leave out --repo, or name a run of ${given}`);
    }
  } else {
    const root = given ?? (await findRepoRoot(request.cwd));
    record = history.latestRun(root);
    if (!record) {
      throw new UserError(
        `no run of ${root} in the history (${history.file}): name a run (see \`aider-orchestrator runs\`), or cd into the repository it ran on`,
      );
    }
  }
  const agents = history.agentsOf(record.id);
  const agent = agents.find((candidate) => candidate.task.agent === request.agent);
  if (!agent) {
    const ids = agents.map((candidate) => candidate.task.agent).join(', ');
    throw new UserError(`run ${record.id} has no agent ${request.agent} (its agents: ${ids || 'none'}): pass one of them to --agent`);
  }
  const owner = record.owner && isRunning(record.owner) && !sameProcess(record.owner, thisProcess()) ? record.owner : undefined;
  if (owner) throw liveRunError(record.id, owner);
  if (record.status === 'running' || !isFinalState(agent.state)) {
    throw new UserError(
      `run ${record.id} did not finish (the app was ended while agents worked): finish it first with \`aider-orchestrator resume ${record.id}\``,
    );
  }
  if (!fs.existsSync(agent.worktree)) {
    throw new UserError(
      `agent ${request.agent} of run ${record.id} has no worktree (${agent.worktree} is gone, removed by \`clean\`?): there is no conversation to continue; start a new run`,
    );
  }
  return rebuildRun(record, history, early.dataDir, request, { followUp: { agent: request.agent, message } });
};
