import path from 'node:path';
import { onTestFinished } from 'vitest';
import { Agent, type AgentOptions } from '../../src/agents/agent.js';
import { buildAiderEnv } from '../../src/agents/aiderArgs.js';
import { headCommit } from '../../src/git/repo.js';
import { agentBranchName, createWorktree } from '../../src/git/worktrees.js';
import { Redactor } from '../../src/logs/redact.js';
import { makeTempDir, makeTempRepo } from './gitRepo.js';
import { startOpenAiServer, type ChatScript, type OpenAiServer } from './openaiServer.js';

export interface TestAgent {
  agent: Agent;
  server: OpenAiServer;
  worktree: string;
  /** The temp folder holding the worktree and the agent's run folder. */
  data: string;
}

/**
 * One Agent on a fresh repository (a.py, b.py) with its own worktree, the real aider `aiderBin`
 * and a scripted model, all torn down when the test ends. `extraEnv` adds to aider's environment.
 */
export const makeTestAgent = async (
  aiderBin: string,
  script: ChatScript,
  overrides: Partial<AgentOptions> = {},
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<TestAgent> => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'b.py': 'B = 2\n' });
  const data = makeTempDir('ao-data-');
  const server = await startOpenAiServer(script);
  const worktree = path.join(data.dir, 'wt');
  const baseCommit = await headCommit(repo.dir);
  await createWorktree({ root: repo.dir, path: worktree, branch: agentBranchName('test', 1), base: baseCommit });
  const env = buildAiderEnv({ PATH: process.env.PATH, HOME: data.dir, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: server.url, ...extraEnv });
  const agent = new Agent({
    task: { agent: 1, title: 'Change A', description: 'Set A to 10.', files: ['a.py'], attempt: 1 },
    branch: agentBranchName('test', 1),
    worktree,
    runDir: path.join(data.dir, 'run'),
    prd: '# PRD\nSet A to 10.',
    aiderBin,
    model: 'openai/test-model',
    extraArgs: [],
    env,
    maxIterations: 5,
    checkCommand: undefined,
    baseCommit,
    idleTimeout: 600_000,
    checkTimeout: 600_000,
    redactor: new Redactor(Object.values(extraEnv)),
    cols: 100,
    rows: 30,
    ...overrides,
  });
  onTestFinished(repo.cleanup);
  onTestFinished(data.cleanup);
  onTestFinished(() => server.close());
  onTestFinished(() => agent.dispose());
  return { agent, server, worktree, data: data.dir };
};

/** Every line of an agent's headless terminal (scrollback included). */
export const screenText = (agent: Agent): string => {
  const buffer = agent.terminal.buffer.active;
  return Array.from({ length: buffer.length }, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '').join('\n');
};
