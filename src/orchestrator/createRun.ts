import path from 'node:path';
import { buildAiderEnv } from '../agents/aiderArgs.js';
import { locateAider } from '../agents/aiderBinary.js';
import { readEnvironment, settingsFromEnv } from '../config/env.js';
import { checkAgentModelKey, checkGeminiKey } from '../config/providers.js';
import { resolveSettings } from '../config/resolve.js';
import type { Settings } from '../config/settings.js';
import { openConfigStore } from '../config/store.js';
import { cloneRepo, dirtyFiles, findRepoRoot, headCommit, trackedFiles } from '../git/repo.js';
import { newRunId } from '../git/worktrees.js';
import { createGeminiClient } from '../llm/geminiClient.js';
import { buildRepoContext } from '../llm/repoContext.js';
import { Redactor, secretValuesFromEnv } from '../logs/redact.js';
import { validatePaths } from '../plan/validate.js';
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
}

const isUrl = (value: string): boolean => /^(https?|ssh|git|file):\/\/|^[\w.-]+@[\w.-]+:/.test(value);

/**
 * Everything that can be checked before money is spent: the repo, the settings,
 * the API keys, aider itself. Throws UserError with the fix for each.
 */
export const createRun = async (request: RunRequest): Promise<Run> => {
  const { cwd, flags } = request;
  const stored = openConfigStore().read();
  // The repo is needed to find its .env; the data folder (for clones) may come from the cwd's.
  const early = resolveSettings({ stored, env: settingsFromEnv(readEnvironment({ dirs: [cwd], env: request.env })), flags });
  let repoDir = cwd;
  if (request.repo) {
    repoDir = isUrl(request.repo)
      ? await cloneRepo(request.repo, path.join(early.dataDir, 'repos'))
      : path.resolve(cwd, request.repo);
  }
  const repoRoot = await findRepoRoot(repoDir);
  const baseCommit = await headCommit(repoRoot);

  const env = readEnvironment({ dirs: [repoRoot, cwd], env: request.env });
  const settings = resolveSettings({ stored, env: settingsFromEnv(env), flags });
  checkGeminiKey(settings);
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

  const aider = await locateAider({ aiderBin: settings.aiderBin, dataDir: settings.dataDir, env });

  const dirty = await dirtyFiles(repoRoot);
  if (dirty.length > 0) {
    request.warn(
      `${dirty.length} uncommitted change${dirty.length === 1 ? '' : 's'} in ${repoRoot} will not be seen by the agents (they start from HEAD ${baseCommit.slice(0, 7)}); commit first if they need them`,
    );
  }

  const redactor = new Redactor([...secretValuesFromEnv(env), settings.geminiApiKey]);
  return new Run({
    runId: newRunId(),
    change: request.change,
    repoRoot,
    baseCommit,
    settings,
    files,
    trackedFiles: tracked,
    repoContext: await buildRepoContext({ root: repoRoot, trackedFiles: tracked, files }),
    gemini: createGeminiClient({ apiKey: settings.geminiApiKey ?? '', baseUrl: settings.geminiBaseUrl }),
    aiderBin: aider.bin,
    agentEnv: buildAiderEnv(env),
    redactor,
    terminalSize: request.terminalSize,
  });
};
