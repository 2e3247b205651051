import { cleanUp } from './cleanUp.js';
import { isolatedEnv } from './cli.js';
import { startGeminiServer, type GeminiServer } from './geminiServer.js';
import { makeTempDir, makeTempRepo, type TempRepo } from './gitRepo.js';
import { startOpenAiServer, type ChatScript, type OpenAiServer } from './openaiServer.js';

export interface ScriptedModels {
  repo: TempRepo;
  home: string;
  gemini: GeminiServer;
  openai: OpenAiServer;
  /** isolatedEnv with both stand-ins' keys and URLs (and `env` on top). */
  env: NodeJS.ProcessEnv;
}

/**
 * A run's world for an e2e test: a repository of `files`, its own HOME, the Gemini stand-in
 * writing `prd`, the OpenAI stand-in answering `script` (the agents, and any openai/… supervisor);
 * all of it ends with the test.
 */
export const scriptedModels = async (options: {
  files: Record<string, string>;
  prd: string;
  script: ChatScript;
  env?: NodeJS.ProcessEnv;
}): Promise<ScriptedModels> => {
  const repo = await makeTempRepo(options.files);
  const home = makeTempDir('ao-home-');
  const gemini = await startGeminiServer([{ text: options.prd }]);
  const openai = await startOpenAiServer(options.script);
  cleanUp(
    repo.cleanup,
    home.cleanup,
    () => gemini.close(),
    () => openai.close(),
  );
  const env = isolatedEnv(
    { home: home.dir },
    { GEMINI_API_KEY: 'g', GOOGLE_GEMINI_BASE_URL: gemini.url, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: openai.url, ...options.env },
  );
  return { repo, home: home.dir, gemini, openai, env };
};
