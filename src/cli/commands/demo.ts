import type { Command } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { installAider } from '../../agents/aiderInstall.js';
import { locateAider } from '../../agents/aiderBinary.js';
import { readEnvironment, settingsFromEnv } from '../../config/env.js';
import { resolveSettings } from '../../config/resolve.js';
import { openConfigStore } from '../../config/store.js';
import { isUserError } from '../../errors.js';
import { createRun } from '../../orchestrator/createRun.js';
import { runHeadless } from '../headless.js';
import { runInTui } from '../tui.js';
import { type CommandContext, isHeadless, positiveInt, terminalSize } from './command.js';

interface DemoOptions {
  headless?: boolean;
  agents?: number;
}

export const registerDemo = (program: Command, context: CommandContext): Command =>
  program
    .command('demo')
    .description('the whole flow on a sample project, with local stand-ins for the LLMs: no API key needed (installs aider if missing)')
    .option('--headless', 'no TUI (automatic without a terminal)')
    .option('-n, --agents <n>', 'agents at once (default: 3)', positiveInt('--agents', 8))
    .action(async (options: DemoOptions) => context.exit(await demoCommand(options)));

/** The demo's model names: local stand-ins, never a real API. */
const DEMO_AGENT_MODEL = 'openai/demo-coder';
const DEMO_PRD_MODEL = 'gemini-demo';

/** Finds aider, or installs it into the managed venv (with pip's progress) when it is missing. */
const ensureAider = async (env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> => {
  const settings = resolveSettings({ stored: openConfigStore().read(), env: settingsFromEnv(env) });
  try {
    await locateAider({ aiderBin: settings.aiderBin, dataDir: settings.dataDir, env });
  } catch (error) {
    if (!isUserError(error) || settings.aiderBin) throw error;
    log('aider is not installed: installing it first (aider-orchestrator setup)...');
    await installAider({ dataDir: settings.dataDir, python: undefined, onProgress: (line) => log(`  ${line}`) });
  }
};

/**
 * `aider-orchestrator demo`: the whole flow on a sample project, with local stand-ins for
 * Gemini and the agents' model (no API key, no network) and the real aider.
 */
export const demoCommand = async (options: DemoOptions): Promise<number> => {
  // Loaded when used: the stand-ins' node:http alone loads undici and zlib (~30 ms of every start-up).
  const [
    { startGeminiServer },
    { startOpenAiServer },
    { demoAgentReply, demoCommitMessage, demoGeminiReply },
    { createSampleProject, DEMO_CHANGE },
  ] = await Promise.all([
    import('../../standins/geminiStandIn.js'),
    import('../../standins/openaiStandIn.js'),
    import('../../demo/demoModels.js'),
    import('../../demo/sampleProject.js'),
  ]);
  const headless = isHeadless(options.headless);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const dir = await createSampleProject(path.join(os.tmpdir(), `aider-orchestrator-demo-${Date.now().toString(36)}`));
  log(`Demo project: ${dir} (a small Python inventory app, one commit)`);
  const gemini = await startGeminiServer(demoGeminiReply);
  const openai = await startOpenAiServer(demoAgentReply, { commitMessage: demoCommitMessage });
  try {
    // The stand-ins' addresses and placeholder keys; everything else as the user has it.
    const env = await readEnvironment({
      dirs: [],
      isRepoData: async () => true,
      env: {
        ...process.env,
        GEMINI_API_KEY: 'demo-key',
        GOOGLE_GEMINI_BASE_URL: gemini.url,
        OPENAI_API_KEY: 'demo-key',
        OPENAI_API_BASE: openai.url,
      },
    });
    await ensureAider(env, log);
    const warnings: string[] = [];
    const run = await createRun({
      change: DEMO_CHANGE,
      // The supervisor on, answered by the Gemini stand-in: the demo shows its decisions.
      flags: {
        agentModel: DEMO_AGENT_MODEL,
        prdModel: DEMO_PRD_MODEL,
        supervisor: true,
        supervisorModel: DEMO_PRD_MODEL,
        maxAgents: options.agents ?? 3,
        geminiBaseUrl: gemini.url,
      },
      files: undefined,
      repo: undefined,
      cwd: dir,
      env,
      terminalSize: terminalSize(headless),
      warn: (message) => (headless ? log(`warning: ${message}`) : warnings.push(message)),
    });
    const code = headless ? await runHeadless(run) : await runInTui(run, { warnings, yes: false });
    log(`Demo project with the agents' branches: ${dir}`);
    return code;
  } finally {
    await Promise.all([gemini.close(), openai.close()]);
  }
};
