import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { NO_CHANGES, type AgentOptions } from '../../../src/agents/agent.js';
import { aiderBin, describeWithAider } from '../../support/aider.js';
import { makeTestAgent, screenText } from '../../support/agentFixture.js';
import { wholeFileEdit, type ChatScript } from '../../support/openaiServer.js';
import { processesWith, waitForNoProcess, waitForProcess } from '../../support/processes.js';

const makeAgent = (script: ChatScript, overrides: Partial<AgentOptions> = {}, env: NodeJS.ProcessEnv = {}) =>
  makeTestAgent(aiderBin(), script, overrides, env);

/** Real aider starts take seconds each, tens of seconds on a loaded machine. */
const AIDER_TEST_TIMEOUT_MS = 240_000;

const EDIT_A = { text: wholeFileEdit('a.py', 'A = 10\n', 'python') };

/**
 * A check command whose processes carry `<marker>-42` in their command lines: one in the
 * background, one in the foreground; neither ever ends by itself. The shell computes the 42, so
 * only the processes the command started match, not the shell that runs it.
 */
const everlastingCheck = (marker: string): string => {
  const node = JSON.stringify(process.execPath);
  return `${node} -e "setInterval(() => {}, 1000)" ${marker}-$((40 + 2))-background & ${node} -e "setInterval(() => {}, 1000)" ${marker}-$((40 + 2))-foreground`;
};

/** Every file and folder under `dir`. */
const walk = (dir: string): string[] => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((name) => path.join(dir, name));

describeWithAider(`what ends an agent that cannot finish`, () => {
  it(
    'fails an agent whose model never answers after --idle-timeout, and ends its aider',
    async () => {
      // Longer than aider's own start-up silences (importing litellm), which reach tens of
      // seconds on a loaded 2-core machine: only the hanging model may trip it.
      const { agent, server, data } = await makeAgent([{ hang: true }], { idleTimeout: 45_000 });
      const result = await agent.run();
      expect(result.state).toBe('failed');
      expect(result.reason).toBe('no sign of life for 45s: no output and no aider event (--idle-timeout)');
      // It was the model that kept aider waiting, not aider's start-up.
      expect(server.requests.filter((request) => request.kind === 'turn')).toHaveLength(1);
      await waitForNoProcess(path.join(data, 'run'));
    },
    AIDER_TEST_TIMEOUT_MS,
  );

  it(
    'ends a check that runs past --check-timeout, with everything it started, and fails the agent',
    async () => {
      const marker = `ao-check-${randomUUID()}`;
      const { agent } = await makeAgent([EDIT_A], { checkCommand: everlastingCheck(marker), checkTimeout: 3000 });
      const result = await agent.run();
      expect(result.state).toBe('failed');
      expect(result.reason).toBe(`the check ran longer than 3s (--check-timeout) and was ended: ${everlastingCheck(marker)}`);
      await waitForNoProcess(`${marker}-42`);
    },
    AIDER_TEST_TIMEOUT_MS,
  );

  it(
    'stops a running check and everything it started when the agent is stopped',
    async () => {
      const marker = `ao-check-${randomUUID()}`;
      const { agent } = await makeAgent([EDIT_A], { checkCommand: everlastingCheck(marker) });
      const running = agent.run();
      await waitForProcess(`${marker}-42-foreground`, 'the check to start');
      await waitForProcess(`${marker}-42-background`, 'the check to start its background process');
      await agent.stop();
      expect((await running).state).toBe('stopped');
      await waitForNoProcess(`${marker}-42`);
    },
    AIDER_TEST_TIMEOUT_MS,
  );

  it(
    'gives the check end-of-file on stdin, and its output to the model with secrets masked',
    async () => {
      const secret = `tok-${randomUUID()}`;
      const check = 'echo "token=$SERVICE_TOKEN"; if read answer; then echo "read: $answer"; else echo "stdin: end of file"; fi; exit 1';
      const { agent, server, data } = await makeAgent(
        [EDIT_A, { text: wholeFileEdit('a.py', 'A = 11\n', 'python') }],
        { checkCommand: check, maxIterations: 2 },
        { SERVICE_TOKEN: secret },
      );
      const lines: string[] = [];
      agent.on('line', (line) => lines.push(line));
      const result = await agent.run();
      expect(result.state).toBe('failed');
      expect(result.reason).toMatch(/the check still fails after 2 iteration/);
      expect(lines).toContain('[check] stdin: end of file');
      expect(lines).toContain('[check] token=***');

      // The follow-up turn carried the check's output, masked.
      const followUp = server.requests.filter((request) => request.kind === 'turn')[1];
      expect(followUp?.text).toContain('token=***');
      expect(followUp?.text).toContain('stdin: end of file');
      for (const request of server.requests) expect(request.text).not.toContain(secret);
      expect(lines.join('\n')).not.toContain(secret);
      expect(screenText(agent)).not.toContain(secret);

      // Nothing the agent or its aider wrote holds the secret, and all of it is private.
      const runFiles = walk(path.join(data, 'run'));
      expect(runFiles.some((file) => file.endsWith('chat.history.md'))).toBe(true);
      for (const file of walk(data).filter((name) => fs.statSync(name).isFile())) {
        expect(fs.readFileSync(file, 'latin1'), file).not.toContain(secret);
      }
      for (const file of [path.join(data, 'run'), ...runFiles]) {
        const stat = fs.statSync(file);
        expect((stat.mode & 0o777).toString(8), file).toBe(stat.isDirectory() ? '700' : '600');
      }
    },
    AIDER_TEST_TIMEOUT_MS,
  );
});

describeWithAider(`outcomes that are not a success`, () => {
  it(
    'fails an agent whose aider made no commit: "no changes"',
    async () => {
      const { agent } = await makeAgent([{ text: 'Nothing to change: A is fine as it is.' }]);
      const result = await agent.run();
      expect(result.state).toBe('failed');
      expect(result.reason).toBe(NO_CHANGES);
      expect(result.usage.iterations).toBe(1);
    },
    AIDER_TEST_TIMEOUT_MS,
  );

  it(
    'fails an agent whose aider reports "Git repo: none", and ends that aider',
    async () => {
      const { agent, data } = await makeAgent([{ hang: true }], { extraArgs: ['--no-git'] });
      const result = await agent.run();
      expect(result.state).toBe('failed');
      expect(result.reason).toMatch(/^aider found no git repository in .* \("Git repo: none"\), so nothing it writes would be committed/);
      expect(await processesWith(path.join(data, 'run'))).toEqual([]);
    },
    AIDER_TEST_TIMEOUT_MS,
  );

  it(
    'fails an agent whose aider crashed into its "Open a GitHub Issue" prompt, with aider’s error',
    async () => {
      // An unknown encoding makes aider 0.86 raise at start-up: a real uncaught exception.
      const { agent, server, data } = await makeAgent([EDIT_A], { extraArgs: ['--encoding', 'bogus-enc'] });
      const result = await agent.run();
      expect(result.state).toBe('failed');
      expect(result.reason).toBe('aider crashed: LookupError: unknown encoding: bogus-enc');
      expect(server.requests).toHaveLength(0);
      expect(await processesWith(path.join(data, 'run'))).toEqual([]);
    },
    AIDER_TEST_TIMEOUT_MS,
  );
});
