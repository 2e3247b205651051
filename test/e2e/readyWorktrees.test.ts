import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTestAider } from '../support/aider.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit } from '../support/openaiServer.js';
import { cleanUp } from '../support/cleanUp.js';

const aider = findTestAider();
const PRD = '# PRD: greetings\n\n## Goal\nEvery module says hello.\n';
const FILES = { 'app/greet.py': 'def greet():\n    return "hi"\n', 'lib/calc.py': 'TOTAL = 0\n', 'README.md': '# Demo\n' };
const EDITS: Record<string, string> = { 'app/greet.py': 'def greet():\n    return "hello"\n', 'lib/calc.py': 'TOTAL = 42\n' };

/** Every agent worktree of the run (under the data folder), whether its setup has made `ready.txt` yet. */
const worktreesReady = (home: string): Record<string, boolean> => {
  const root = path.join(home, 'data', 'worktrees');
  const ready: Record<string, boolean> = {};
  for (const run of fs.existsSync(root) ? fs.readdirSync(root) : []) {
    for (const agent of fs.readdirSync(path.join(root, run))) {
      ready[path.join(root, run, agent)] = fs.existsSync(path.join(root, run, agent, 'ready.txt'));
    }
  }
  return ready;
};

const start = async (options: { files: string[] }) => {
  const repo = await makeTempRepo(FILES);
  const home = makeTempDir('ao-home-');
  const outside = makeTempDir('ao-outside-');
  const gemini = await startGeminiServer([{ text: PRD, chunks: 2 }]);
  /** Per main-turn request: the file in the chat, and which worktrees had their setup's file at that moment. */
  const turns: { file: string | undefined; ready: Record<string, boolean> }[] = [];
  const openai = await startOpenAiServer((request) => {
    const file = Object.keys(EDITS).find((name) => request.text.includes(`${name}\n\`\`\``));
    if (request.stream) turns.push({ file, ready: worktreesReady(home.dir) });
    return file ? { text: wholeFileEdit(file, EDITS[file]!, 'python') } : { text: 'Nothing to change.' };
  });
  cleanUp(
    repo.cleanup,
    home.cleanup,
    outside.cleanup,
    () => gemini.close(),
    () => openai.close(),
  );
  const events = path.join(home.dir, 'events.txt');
  const env = isolatedEnv(
    { home: home.dir },
    {
      GEMINI_API_KEY: 'AIzaSy-test-gemini-key-0123456789',
      GOOGLE_GEMINI_BASE_URL: gemini.url,
      OPENAI_API_KEY: 'sk-test-openai-key-0123456789',
      OPENAI_API_BASE: openai.url,
      SHELL: '/bin/sh',
      // The user's hook, from the environment: one line per event with its variables.
      AIDER_ORCHESTRATOR_NOTIFY_CMD: `printf '%s|%s|%s|%s\\n' "$AIDER_ORCHESTRATOR_EVENT" "$AIDER_ORCHESTRATOR_RUN" "$AIDER_ORCHESTRATOR_AGENT" "$AIDER_ORCHESTRATOR_BRANCH" >> '${events}'`,
    },
  );
  const args = (extra: string[]) => [
    '--headless',
    '--yes',
    '--change',
    'Make every module say hello',
    '--model',
    'openai/test-model',
    '--aider-bin',
    'bin' in aider ? aider.bin : '',
    '--files',
    ...options.files,
    '--max-agents',
    String(options.files.length),
    ...extra,
  ];
  const summary = () => {
    const logDir = path.join(repo.dir, '.aider_logs');
    const file = fs.readdirSync(logDir).find((name) => name.startsWith('summary_'));
    return JSON.parse(fs.readFileSync(path.join(logDir, file!), 'utf8'));
  };
  const logLines = (file: string) =>
    fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
  const hookLines = () => fs.readFileSync(events, 'utf8').trim().split('\n');
  return { repo, home: home.dir, outside: outside.dir, openai, turns, env, args, summary, logLines, hookLines };
};

describe.skipIf('skip' in aider)(
  `worktrees ready to work in, and being told, with the real aider${'skip' in aider ? ` (skipped: ${aider.skip})` : ''}`,
  () => {
    it('copies .worktreeinclude files and runs --setup-cmd in every worktree before aider’s first turn; nothing of it is committed; the hook hears every event', async () => {
      const t = await start({ files: ['app/greet.py', 'lib/calc.py'] });
      // The user's own untracked files: a .env (whose endpoint must not win over the user's) and a local config.
      fs.writeFileSync(path.join(t.repo.dir, '.env'), 'OPENAI_API_BASE=http://127.0.0.1:9/v1\nGREETING=hello\n');
      fs.writeFileSync(path.join(t.repo.dir, 'local.json'), '{"debug":true}\n');
      fs.writeFileSync(path.join(t.outside, 'secret.txt'), 'outside the repository\n');
      fs.symlinkSync(path.join(t.outside, 'secret.txt'), path.join(t.repo.dir, 'linked.txt'));
      fs.writeFileSync(path.join(t.repo.dir, '.worktreeinclude'), '/.env\n/local.json\n/linked.txt\n');

      const result = await runCli(t.args(['--setup-cmd', 'echo setting-up-$(basename "$PWD"); echo made > ready.txt']), {
        cwd: t.repo.dir,
        env: t.env,
      });
      expect(result.exitCode, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        `warning: .worktreeinclude: linked.txt leads outside the repository through a symlink (to ${path.join(t.outside, 'secret.txt')}); not copied`,
      );

      const summary = t.summary();
      expect(summary.agents).toHaveLength(2);
      for (const agent of summary.agents) {
        expect(agent.status).toBe('succeeded');
        const { worktree, branch } = agent;
        // Copied from the checkout; the symlink out of the repository is not.
        expect(fs.readFileSync(path.join(worktree, '.env'), 'utf8')).toBe('OPENAI_API_BASE=http://127.0.0.1:9/v1\nGREETING=hello\n');
        expect(fs.readFileSync(path.join(worktree, 'local.json'), 'utf8')).toBe('{"debug":true}\n');
        expect(fs.existsSync(path.join(worktree, 'linked.txt'))).toBe(false);
        // The agent's commits hold its edit only: no copied file, nothing the setup made.
        const committed = await t.repo.git('diff', '--name-only', `${summary.baseCommit}..${branch}`);
        expect(committed.split('\n')).toEqual(agent.files);
        expect(await t.repo.git('-C', worktree, 'status', '--porcelain', '--', '.env', 'local.json')).toBe('');
        // The setup's output is in the agent's log, before aider's.
        const log = t.logLines(agent.log);
        const setupLine = log.findIndex(
          (entry) => entry.type === 'output' && entry.data.line === `[setup] setting-up-${path.basename(worktree)}`,
        );
        expect(setupLine).toBeGreaterThan(-1);
        // Its first turn reached the model only when the setup had made its file in that worktree.
        const first = t.turns.find((turn) => turn.file === agent.files[0]);
        expect(first?.ready[worktree]).toBe(true);
      }
      // The user's checkout still shows its own untracked files.
      expect(await t.repo.git('status', '--porcelain')).toContain('?? .env');

      const runId = summary.runId;
      const lines = t.hookLines();
      expect(lines.at(-1)).toBe(`run-finished|${runId}||`);
      expect(lines.slice(0, -1).sort()).toEqual(
        summary.agents.map((agent: { id: number; branch: string }) => `agent-succeeded|${runId}|${agent.id}|${agent.branch}`).sort(),
      );
    }, 240_000);

    it('fails an agent whose --setup-cmd fails, with its output, before aider gets a turn; the hook hears the failure', async () => {
      const t = await start({ files: ['app/greet.py'] });
      // What aider would read as its configuration is not copied: its own files never, a .env setting its commands not without --trust-repo.
      fs.writeFileSync(path.join(t.repo.dir, '.env'), 'AIDER_LINT_CMD=touch /tmp/pwned\nGREETING=hello\n');
      fs.writeFileSync(path.join(t.repo.dir, '.aider.conf.yml'), 'test-cmd: touch /tmp/pwned\n');
      fs.writeFileSync(path.join(t.repo.dir, '.worktreeinclude'), '/.env\n/.aider.conf.yml\n');
      const result = await runCli(t.args(['--setup-cmd', 'echo "npm ERR! missing lockfile"; exit 3']), { cwd: t.repo.dir, env: t.env });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stderr).toContain(
        "warning: .worktreeinclude: .aider.conf.yml is aider's configuration, which no repository file may set; not copied",
      );
      expect(result.stderr).toContain(
        "warning: .worktreeinclude: .env sets AIDER_LINT_CMD for aider (commands or options), so it is not copied: aider reads a worktree's .env as its configuration; pass --trust-repo to copy it anyway",
      );
      const [agent] = t.summary().agents;
      expect(fs.existsSync(path.join(agent.worktree, '.env'))).toBe(false);
      expect(fs.existsSync(path.join(agent.worktree, '.aider.conf.yml'))).toBe(false);
      expect(agent.status).toBe('failed');
      expect(agent.reason).toBe(
        'the setup command failed (exit 3): echo "npm ERR! missing lockfile"; exit 3; its output ended with: npm ERR! missing lockfile',
      );
      expect(result.stderr).toContain('[agent-1] state: failed (the setup command failed (exit 3)');
      expect(
        t.logLines(agent.log).some((entry) => entry.type === 'output' && entry.data.line === '[setup] npm ERR! missing lockfile'),
      ).toBe(true);
      expect(t.turns).toEqual([]);
      expect(t.hookLines()).toEqual([`agent-failed|${t.summary().runId}|1|${agent.branch}`, `run-finished|${t.summary().runId}||`]);
    }, 240_000);
  },
);
