import path from 'node:path';
import { buildAiderEnv } from '../agents/aiderArgs.js';
import type { LocatedAider } from '../agents/aiderBinary.js';
import { locateAiderForModel } from '../agents/aiderModels.js';
import { checkAgentEndpoint } from '../config/endpoint.js';
import { readEnvironment, settingsFromEnv } from '../config/env.js';
import { AGENT_CONFIG_FILES, checkRepoTrust, scanRepoFiles, type RepoScan } from '../config/repoTrust.js';
import { checkAgentModelKey, checkPrdModel, checkSupervisorModel } from '../config/providers.js';
import { resolveSettings } from '../config/resolve.js';
import type { Settings } from '../config/settings.js';
import { openConfigStore } from '../config/store.js';
import { cloneRepo, committedFiles, dirtyFiles, findRepoRoot, headCommit, isTrackedByGit, maskUrl, trackedFiles } from '../git/repo.js';
import { createLlmClient } from '../llm/modelRouter.js';
import { buildRepoContext } from '../llm/repoContext.js';
import { Redactor, secretValuesFromArgs, secretValuesFromEnv, withoutMaskedArgs } from '../logs/redact.js';
import { validatePaths } from '../plan/validate.js';
import { UserError } from '../errors.js';
import { liveRunError, RunHistory } from './history.js';
import { newRunId } from './runId.js';
import { Run } from './run.js';

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

  const redactor = new Redactor([...secretValuesFromEnv(env), settings.geminiApiKey, ...secretValuesFromArgs(settings.aiderArgs)]);
  const runId = newRunId();
  return new Run({
    runId,
    change: request.change,
    repoRoot,
    baseCommit,
    settings,
    files,
    trackedFiles: tracked,
    repoContext: await buildRepoContext({ root: repoRoot, trackedFiles: tracked, files }),
    llm: createLlmClient({ env, geminiApiKey: settings.geminiApiKey, geminiBaseUrl: settings.geminiBaseUrl }),
    aiderBin: aider.bin,
    agentEnv: buildAiderEnv(env, { file: aiderEnvFile(settings.dataDir, runId), repo: request.trustRepo ? repoScan : undefined }),
    redactor,
    terminalSize: request.terminalSize,
    history: openHistory(settings.dataDir, request.warn),
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
  // A run whose process still runs is not driven twice; a dead one's is taken over.
  const owner = history.claimRun(record.id);
  if (owner) throw liveRunError(record.id, owner);
  const repoScan = await guardRepoTrust(record.repo, record.baseCommit, {
    repo: record.repo,
    trusted: request.trustRepo === true,
    warn: request.warn,
  });
  // A clone (in the data folder) came from its remote: its .env is never the user's.
  const cloned = isInside(record.repo, path.join(early.dataDir, 'repos'));
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
    settings,
    files: undefined,
    trackedFiles: tracked,
    repoContext: '',
    llm: createLlmClient({ env, geminiApiKey: settings.geminiApiKey, geminiBaseUrl: settings.geminiBaseUrl }),
    aiderBin: aider.bin,
    agentEnv: buildAiderEnv(env, { file: aiderEnvFile(settings.dataDir, record.id), repo: request.trustRepo ? repoScan : undefined }),
    redactor,
    terminalSize: request.terminalSize,
    history,
    resume: { agents: history.agentsOf(record.id), prd: record.prd, prdPath: record.prdPath, startedAt: new Date(record.startedAt) },
  });
};
