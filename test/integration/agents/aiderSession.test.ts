import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { expect, it, onTestFinished } from 'vitest';
import { buildAiderEnv } from '../../../src/agents/aiderArgs.js';
import { AiderSession, SessionExitError, type AiderSessionOptions, type TurnResult } from '../../../src/agents/aiderSession.js';
import { headCommit } from '../../../src/git/repo.js';
import { Redactor } from '../../../src/logs/redact.js';
import { agentBranchName, createWorktree } from '../../../src/git/worktrees.js';
import { aiderBin, describeWithAider } from '../../support/aider.js';
import { waitFor } from '../../support/waitFor.js';
import { makeTempDir, makeTempRepo } from '../../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit, type ChatScript, type OpenAiServer } from '../../support/openaiServer.js';

/** aider's start-up alone can take tens of seconds on a loaded 2-core machine. */
const AIDER_TIMEOUT_MS = 180_000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** A pid that is neither running nor a zombie. */
const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

interface Setup {
  server: OpenAiServer;
  worktree: string;
  /** A folder outside the repository (task and message files, session state). */
  dir: string;
  options: AiderSessionOptions;
  session: AiderSession;
}

const setUp = async (script: ChatScript, overrides: Partial<AiderSessionOptions> = {}): Promise<Setup> => {
  const repo = await makeTempRepo({ 'a.py': 'A = 1\n', 'my file.py': 'B = 2\n' });
  const data = makeTempDir('ao-session-');
  const server = await startOpenAiServer(script);
  const worktree = path.join(data.dir, 'wt');
  await createWorktree({ root: repo.dir, path: worktree, branch: agentBranchName('test', 1), base: await headCommit(repo.dir) });
  const options: AiderSessionOptions = {
    aiderBin: aiderBin(),
    cwd: worktree,
    stateDir: path.join(data.dir, 'session'),
    model: 'openai/test-model',
    env: buildAiderEnv({ PATH: process.env.PATH, HOME: data.dir, OPENAI_API_KEY: 'sk-x', OPENAI_API_BASE: server.url }),
    cols: 120,
    rows: 40,
    ...overrides,
  };
  const session = new AiderSession(options);
  onTestFinished(repo.cleanup);
  onTestFinished(data.cleanup);
  onTestFinished(() => server.close());
  onTestFinished(async () => {
    await session.close();
  });
  return { server, worktree, dir: data.dir, options, session };
};

const turnRequests = (server: OpenAiServer) => server.requests.filter((request) => request.kind === 'turn');
const commitCount = async (worktree: string) => Number((await execa('git', ['rev-list', '--count', 'HEAD'], { cwd: worktree })).stdout);

describeWithAider(`an aider session in a pty`, () => {
  it(
    'starts warm: aider waits at its prompt with no file and no message, and the model gets no request',
    async () => {
      const { session, server } = await setUp([{ text: 'unused' }]);
      const ready = await session.start();
      expect(ready.gitRepo).toBe(true);
      expect(session.phase).toBe('prompt');
      expect(server.requests).toHaveLength(0);
      expect(session.usage.iterations).toBe(0);
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'close() ends aider with /exit and leaves no process',
    async () => {
      const { session } = await setUp([{ text: 'unused' }]);
      await session.start();
      const pid = session.pid!;
      expect(isRunning(pid)).toBe(true);
      const exit = await session.close();
      // aider logged its `exit` event for /exit (then it may be ended while it tears down).
      expect(exit).toMatchObject({ reason: 'aider exited (/exit)', requested: true });
      expect(isRunning(pid)).toBe(false);
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'runs turns in one aider: files added (a name with a space), task read, two commits, one notification each; a person’s typed turn is reported too',
    async () => {
      const { session, server, worktree, dir } = await setUp((_request, index) =>
        index === 0
          ? { text: wholeFileEdit('my file.py', 'B = 20\n', 'python') }
          : index === 1
            ? { text: wholeFileEdit('a.py', 'A = 10\n', 'python') + wholeFileEdit('new.py', 'N = 1\n', 'python') }
            : { text: wholeFileEdit('a.py', 'A = 11\n', 'python') },
      );
      const taskFile = path.join(dir, 'task.md');
      fs.writeFileSync(taskFile, '# Task\nTASK-MARKER: set B to 20.\n');
      const messageFile = path.join(dir, 'message 2.md');
      fs.writeFileSync(messageFile, 'SECOND-MARKER: also set A to 10.\n');
      const turns: TurnResult[] = [];
      session.on('turn', (turn) => turns.push(turn));
      await session.start();

      const first = await session.sendTurn({ addFiles: ['my file.py'], readOnlyFiles: [taskFile], message: 'Do the task in task.md.' });
      expect(first).toMatchObject({ origin: 'driver', llmCalls: 1, notifications: 1, aborted: false, question: undefined, exceptions: [] });
      expect(first.usage.iterations).toBe(1);
      expect(first.usage.tokens.total).toBeGreaterThan(0);
      expect(fs.readFileSync(path.join(worktree, 'my file.py'), 'utf8')).toBe('B = 20\n');

      // A new file makes aider ask "Create new file?" (answered by --yes-always): the notification
      // fires there, before the edit is applied; the turn still ends only back at the prompt.
      const second = await session.sendTurn({
        dropFiles: [taskFile],
        addFiles: ['a.py'],
        readOnlyFiles: [messageFile],
        message: 'Do what message 2.md says.',
      });
      expect(second).toMatchObject({ origin: 'driver', llmCalls: 1, notifications: 1, aborted: false });
      expect(fs.readFileSync(path.join(worktree, 'a.py'), 'utf8')).toBe('A = 10\n');
      expect(fs.readFileSync(path.join(worktree, 'new.py'), 'utf8')).toBe('N = 1\n');
      expect(session.usage.iterations).toBe(2);
      expect(await commitCount(worktree)).toBe(3);
      expect((await execa('git', ['show', '--name-only', '--format=', 'HEAD'], { cwd: worktree })).stdout.split('\n').sort()).toEqual([
        'a.py',
        'new.py',
      ]);

      const [request1, request2] = turnRequests(server);
      expect(request1?.text).toContain('Do the task in task.md.');
      expect(request1?.text).toContain('TASK-MARKER');
      expect(request2?.text).toContain('Do what message 2.md says.');
      expect(request2?.text).toContain('SECOND-MARKER');
      // The dropped task file is no longer sent; the first instruction is in the conversation.
      expect(request2?.text).not.toContain('TASK-MARKER');
      expect(request2?.text).toContain('Do the task in task.md.');

      // A person typing in focus mode: the same signals report the turn.
      const personTurn = new Promise<TurnResult>((resolve) => session.once('turn', resolve));
      session.write('Set A to 11.\r');
      expect(await personTurn).toMatchObject({ origin: 'person', llmCalls: 1, notifications: 1 });
      expect(fs.readFileSync(path.join(worktree, 'a.py'), 'utf8')).toBe('A = 11\n');
      expect(turns.map((turn) => turn.origin)).toEqual(['driver', 'driver', 'person']);
      expect(session.usage.iterations).toBe(3);
    },
    2 * AIDER_TIMEOUT_MS,
  );

  it(
    'interrupts a turn whose model never answers, and goes on at the prompt',
    async () => {
      const { session, server } = await setUp((_request, index) => (index === 0 ? { hang: true } : { text: 'Nothing to change.' }));
      await session.start();
      const controller = new AbortController();
      const turn = session.sendTurn({ message: 'Change something.' }, { signal: controller.signal });
      await waitFor(() => turnRequests(server).length === 1, 'the request at the model', 60_000);
      controller.abort();
      expect(await turn).toMatchObject({ aborted: true, llmCalls: 1, usage: { iterations: 0 } });
      expect(session.phase).toBe('prompt');

      const next = await session.sendTurn({ message: 'Try again.' });
      expect(next).toMatchObject({ aborted: false, llmCalls: 1, usage: { iterations: 1 } });
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'fails the waiting turn with the reason when aider dies mid-turn',
    async () => {
      const { session, server } = await setUp([{ hang: true }]);
      await session.start();
      const turn = session.sendTurn({ message: 'Change something.' });
      await waitFor(() => turnRequests(server).length === 1, 'the request at the model', 60_000);
      process.kill(session.pid!, 'SIGKILL');
      const error = await turn.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SessionExitError);
      expect((error as SessionExitError).exit).toMatchObject({
        signal: 9,
        requested: false,
        reason: expect.stringMatching(/^aider was killed by SIGKILL/),
      });
      expect(session.phase).toBe('exited');
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'reports aider’s crash report, answers it, and fails the start with the crash',
    async () => {
      // An unknown encoding makes aider 0.86.2 raise LookupError before its prompt.
      const { session } = await setUp([{ text: 'unused' }], { extraArgs: ['--encoding', 'bogus-codec'] });
      const crashes: string[] = [];
      session.on('crash', (title) => crashes.push(title));
      const error = await session.start().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SessionExitError);
      const exit = (error as SessionExitError).exit;
      expect(exit.exitCode).toBe(1);
      expect(exit.crash).toMatch(/^Uncaught LookupError in /);
      expect(exit.reason).toMatch(/^aider crashed \(Uncaught LookupError in .+\): LookupError: unknown encoding: bogus-codec$/);
      expect(crashes).toEqual([exit.crash]);
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'reports an aider that runs without git',
    async () => {
      const { session } = await setUp([{ text: 'unused' }], { extraArgs: ['--no-git'] });
      expect(await session.start()).toMatchObject({ gitRepo: false });
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'masks secrets in what aider prints before its terminal sees them (the pane), however the output is cut',
    async () => {
      const secret = 'local-secret-value-0123456789';
      const key = 'sk-proj-AbCdEfGhIjKlMnOpQrStUvWx1234';
      const { session } = await setUp([{ text: `The key is ${secret} and the other one ${key}. Done.` }], {
        redactor: new Redactor([secret]),
      });
      await session.start();
      await session.sendTurn({ message: 'Print the keys.' });
      const buffer = session.terminal.buffer.active;
      const screen = Array.from({ length: buffer.length }, (_, y) => buffer.getLine(y)?.translateToString(true) ?? '').join('\n');
      expect(screen).toContain('The key is *** and the other one ***. Done.');
      expect(screen).not.toContain(secret);
      expect(screen).not.toContain('AbCdEfGhIjKl');
    },
    AIDER_TIMEOUT_MS,
  );

  it(
    'continues the conversation in a new aider with restoreChatHistory',
    async () => {
      const { session, server, options } = await setUp([{ text: 'Noted.' }]);
      await session.start();
      await session.sendTurn({ message: 'Remember the word PINEAPPLE.' });
      await session.close();

      const resumed = new AiderSession({ ...options, restoreChatHistory: true });
      onTestFinished(async () => {
        await resumed.close();
      });
      await resumed.start();
      const turn = await resumed.sendTurn({ message: 'Which word was it?' });
      expect(turn.usage.iterations).toBe(1);
      expect(resumed.usage.iterations).toBe(1);
      const last = turnRequests(server).at(-1);
      expect(last?.text).toContain('Which word was it?');
      expect(last?.text).toContain('Remember the word PINEAPPLE.');
    },
    2 * AIDER_TIMEOUT_MS,
  );

  it(
    'leaves no aider behind when the app is killed with SIGKILL',
    async () => {
      const { options } = await setUp([{ text: 'unused' }]);
      const holder = execa(
        process.execPath,
        ['--import', 'tsx', path.join(ROOT, 'test/support/sessionHolder.ts'), JSON.stringify(options)],
        { cwd: ROOT, reject: false },
      );
      onTestFinished(() => {
        holder.kill('SIGKILL');
      });
      let output = '';
      holder.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(() => /ready \d+/.test(output), 'the session to be ready', 150_000);
      const pid = Number(/ready (\d+)/.exec(output)?.[1]);
      expect(isRunning(pid)).toBe(true);
      holder.kill('SIGKILL');
      await holder;
      // The pty's master closes with the app: the kernel hangs up aider's terminal.
      await waitFor(() => !isRunning(pid), 'aider to end after the app was killed', 30_000);
    },
    AIDER_TIMEOUT_MS,
  );
});
