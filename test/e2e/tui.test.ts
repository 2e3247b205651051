import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { CLI_MAIN, isolatedEnv } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';
import { makeTempDir, makeTempRepo } from '../support/gitRepo.js';
import { startOpenAiServer, wholeFileEdit } from '../support/openaiServer.js';
import { PtyScreen } from '../support/ptyScreen.js';

const EDITS: Record<string, string> = { 'app/greet.py': 'GREETING = "hello"\n', 'lib/calc.py': 'TOTAL = 42\n' };

describeWithAider(`the TUI in a real terminal`, () => {
  it('walks a person from PRD review through live panes to the summary', async () => {
    const repo = await makeTempRepo({ 'app/greet.py': 'GREETING = "hi"\n', 'lib/calc.py': 'TOTAL = 0\n', 'README.md': '# Demo\n' });
    const home = makeTempDir('ao-home-');
    const gemini = await startGeminiServer([{ text: '# PRD: greetings\n\n## Goal\nSay hello everywhere.\n', chunks: 4 }]);
    // The model answers only when the test has seen both agents at work.
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const openai = await startOpenAiServer(async (request) => {
      await released;
      const file = Object.keys(EDITS).find((name) => request.text.includes(`${name}\n\`\`\``));
      return file ? { text: wholeFileEdit(file, EDITS[file]!, 'python') } : { text: 'Nothing to do.' };
    });
    onTestFinished(repo.cleanup);
    onTestFinished(home.cleanup);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());

    const env = isolatedEnv(
      { home: home.dir },
      {
        TERM: 'xterm-256color',
        GEMINI_API_KEY: 'g-key',
        GOOGLE_GEMINI_BASE_URL: gemini.url,
        OPENAI_API_KEY: 'sk-x',
        OPENAI_API_BASE: openai.url,
      },
    );
    const screen = new PtyScreen(
      process.execPath,
      [
        CLI_MAIN,
        '--change',
        'Say hello everywhere',
        '--files',
        'app/greet.py',
        'lib/calc.py',
        '--max-agents',
        '2',
        '--model',
        'openai/test-model',
        '--aider-bin',
        aiderBin(),
      ],
      { cwd: repo.dir, env, cols: 120, rows: 40 },
    );
    onTestFinished(() => release());
    onTestFinished(() => screen.close());

    // PRD review: the streamed PRD, drawn as markdown, then the help over it, then approve.
    await screen.expectScreen((text) => {
      expect(text).toContain('PRD ready');
      expect(text).toContain('Say hello everywhere.');
      expect(text).toMatch(/^PRD: greetings$/m); // the heading drawn, not `# PRD: greetings`
      expect(text).toMatch(/a approve\s+e edit\s+r regenerate/);
    });
    screen.press('?');
    await screen.expectScreen((text) => {
      expect(text).toContain('Keys · PRD review');
      expect(text).toMatch(/a\s+approve the PRD: save it and plan the agents/);
      expect(text).toContain('PRD ready'); // the screen is still there under the help
    });
    screen.press('\x1b');
    await screen.expectScreen((text) => {
      expect(text).not.toContain('Keys · PRD review');
      expect(text).toContain('Say hello everywhere.');
    });
    screen.press('a');

    // File assignment: one file per agent. A file picked up stays picked up through the help.
    await screen.expectScreen((text) => {
      expect(text).toContain('File assignment · 2 agents');
      expect(text).toMatch(/Agent 1 .*\n\s+app\/greet\.py/);
      expect(text).toMatch(/Agent 2 .*\n\s+lib\/calc\.py/);
    });
    screen.press('\x1b[B');
    screen.press(' ');
    await screen.expectScreen((text) => expect(text).toContain('moving app/greet.py'));
    screen.press('?');
    await screen.expectScreen((text) => expect(text).toContain('Keys · File assignment'));
    screen.press('\x1b');
    await screen.expectScreen((text) => {
      expect(text).not.toContain('Keys · File assignment');
      expect(text).toContain('moving app/greet.py');
    });
    screen.press('\x1b'); // put it back
    await screen.expectScreen((text) => {
      expect(text).not.toContain('moving app/greet.py');
      expect(text).toMatch(/Agent 1 .*\n.\s+app\/greet\.py/);
    });
    screen.press('\r');

    // Dashboard: both agents' aider screens, live, side by side.
    // (Working = aider has started its LLM call, which the scripted model holds until released.)
    // A state change is drawn at once, a pane's output after its frame throttle, so under load a
    // frame can show "working" over a pane still catching up: the expectation waits for one frame with all of it.
    await screen.expectScreen((text) => {
      expect(text).toMatch(/#1 ● working/);
      expect(text).toMatch(/#2 ● working/);
      expect(text).toContain('Added app/greet.py to the chat');
      expect(text).toContain('Added lib/calc.py to the chat');
      expect(text).toMatch(/2 working · 0 queued · 0 done/);
    });

    // Select the second pane and zoom it: only its screen is left, also after the help.
    screen.press('\t');
    screen.press('z');
    const zoomedOnAgent2 = (text: string) => {
      expect(text).toMatch(/#2 ● working/);
      expect(text).toContain('Added lib/calc.py to the chat');
      expect(text).not.toMatch(/#1 ● working/);
      expect(text).not.toContain('Added app/greet.py to the chat');
    };
    await screen.expectScreen(zoomedOnAgent2);
    screen.press('?');
    await screen.expectScreen((text) => expect(text).toContain('Keys · Agents dashboard'));
    screen.press('\x1b');
    await screen.expectScreen((text) => {
      expect(text).not.toContain('Keys · Agents dashboard');
      zoomedOnAgent2(text);
    });
    screen.press('z');
    await screen.expectScreen((text) => {
      expect(text).toMatch(/#1 ● working/);
      expect(text).toMatch(/#2 ● working/);
    });

    // Let the model answer: both agents commit, the app moves to the summary.
    release();
    await screen.expectScreen((text) => {
      expect(text).toContain('Summary · run');
      expect(text).toMatch(/#1\s+✔ succeeded\s+1\s/);
      expect(text).toMatch(/#2\s+✔ succeeded\s+1\s/);
      expect(text).toMatch(/total\s+2\/2 ok/);
      expect(text).toContain('feat: scripted change');
    }, 120_000);

    // Being told: a bell per agent and for the run's end; the window title counts what is done.
    expect(screen.bells).toBe(3);
    expect(screen.titles).toContain('aider-orchestrator: 0/2 done');
    expect(screen.titles.at(-1)).toBe('aider-orchestrator: 2/2 done');

    screen.press('q');
    expect(await screen.exited).toBe(0);
    // The title the terminal had comes back (none here) when the app ends.
    await expect.poll(() => screen.titles.at(-1), { timeout: 10_000 }).toBe('');
    const logDir = path.join(repo.dir, '.aider_logs');
    expect(fs.readdirSync(logDir).filter((name) => name.startsWith('summary_'))).toHaveLength(1);
  }, 240_000);

  it('stops the agents and writes the summary on SIGTERM from outside', async () => {
    const repo = await makeTempRepo({ 'a.py': 'A = 1\n' });
    const home = makeTempDir('ao-home-');
    const gemini = await startGeminiServer([{ text: '# PRD\n\nSet A.\n' }]);
    const openai = await startOpenAiServer([{ hang: true }]);
    onTestFinished(repo.cleanup);
    onTestFinished(home.cleanup);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());
    const env = isolatedEnv(
      { home: home.dir },
      {
        TERM: 'xterm-256color',
        GEMINI_API_KEY: 'g',
        GOOGLE_GEMINI_BASE_URL: gemini.url,
        OPENAI_API_KEY: 'sk-x',
        OPENAI_API_BASE: openai.url,
      },
    );
    const screen = new PtyScreen(
      process.execPath,
      [CLI_MAIN, '--yes', '--change', 'Set A', '--files', 'a.py', '--model', 'openai/test-model', '--aider-bin', aiderBin()],
      { cwd: repo.dir, env, cols: 100, rows: 30 },
    );
    onTestFinished(() => screen.close());
    // --yes: straight from the PRD to the agents.
    await screen.expectScreen((text) => expect(text).toMatch(/#1 ● working/));
    screen.signal('SIGTERM');
    expect(await screen.exited).toBe(130);
    const logDir = path.join(repo.dir, '.aider_logs');
    const summary = JSON.parse(
      fs.readFileSync(path.join(logDir, fs.readdirSync(logDir).find((name) => name.startsWith('summary_'))!), 'utf8'),
    );
    expect(summary.status).toBe('stopped');
  }, 120_000);
});

describeWithAider(`the TUI when its terminal is closed`, () => {
  it('stops the agents, writes the summary and exits 130 on SIGHUP, though the terminal is gone', async () => {
    const repo = await makeTempRepo({ 'a.py': 'A = 1\n' });
    const home = makeTempDir('ao-home-');
    const gemini = await startGeminiServer([{ text: '# PRD\n\nSet A.\n' }]);
    const openai = await startOpenAiServer([{ hang: true }]);
    onTestFinished(repo.cleanup);
    onTestFinished(home.cleanup);
    onTestFinished(() => gemini.close());
    onTestFinished(() => openai.close());
    const env = isolatedEnv(
      { home: home.dir },
      {
        TERM: 'xterm-256color',
        GEMINI_API_KEY: 'g',
        GOOGLE_GEMINI_BASE_URL: gemini.url,
        OPENAI_API_KEY: 'sk-x',
        OPENAI_API_BASE: openai.url,
      },
    );
    const screen = new PtyScreen(
      process.execPath,
      [CLI_MAIN, '--yes', '--change', 'Set A', '--files', 'a.py', '--model', 'openai/test-model', '--aider-bin', aiderBin()],
      { cwd: repo.dir, env, cols: 100, rows: 30 },
    );
    onTestFinished(() => screen.close());
    await screen.waitFor('#1 ● working');
    screen.hangUp();
    expect(await screen.exited).toBe(130);
    const logDir = path.join(repo.dir, '.aider_logs');
    const summary = JSON.parse(
      fs.readFileSync(path.join(logDir, fs.readdirSync(logDir).find((name) => name.startsWith('summary_'))!), 'utf8'),
    );
    expect(summary.status).toBe('stopped');
    expect(summary.agents.map((agent: { status: string }) => agent.status)).toEqual(['stopped']);
  }, 120_000);
});

describe('the TUI while the run is checked', () => {
  /** The app in a pty, with `aiderScript` as its aider (its version check is what makes the checks slow). */
  const start = async (aiderScript: string): Promise<PtyScreen> => {
    const repo = await makeTempRepo({ 'a.py': 'A = 1\n' });
    const home = makeTempDir('ao-home-');
    onTestFinished(repo.cleanup);
    onTestFinished(home.cleanup);
    const aiderBin = path.join(home.dir, 'aider');
    fs.writeFileSync(aiderBin, aiderScript, { mode: 0o755 });
    const env = isolatedEnv({ home: home.dir }, { TERM: 'xterm-256color', GEMINI_API_KEY: 'g', OPENAI_API_KEY: 'sk-x' });
    const screen = new PtyScreen(
      process.execPath,
      [CLI_MAIN, '--change', 'Set A', '--files', 'a.py', '--model', 'openai/test-model', '--aider-bin', aiderBin],
      {
        cwd: repo.dir,
        env,
        cols: 100,
        rows: 20,
      },
    );
    onTestFinished(() => screen.close());
    return screen;
  };

  it('draws its first frame before the checks end; a failed check leaves the screen and prints the one-line error', async () => {
    // The version check takes 6 s: time for the first frame even on a loaded machine.
    const screen = await start('#!/bin/sh\nsleep 6\necho "aider 0.50.1"\n');
    await screen.expectScreen((text) =>
      expect(text).toMatch(/PRD · Set A\n.*Checking the repository, the settings, the API keys and aider…/),
    );
    expect(await screen.exited).toBe(2);
    // Read once the program's last output is on the screen.
    await screen.expectScreen((text) => {
      expect(text).toMatch(/error: .*is aider 0\.50\.1, older than the 0\.86 this app needs/);
      expect(text).not.toContain('Checking the repository');
    }, 10_000);
  }, 60_000);

  it('cancels from the first frame with q, without waiting for the checks', async () => {
    // The version check would take 10 minutes: only a cancel that stops it ends within the test's time.
    // (exec: one process, as the real aider is; a cancel stops the process it started.)
    const screen = await start('#!/bin/sh\nexec sleep 600\n');
    await screen.expectScreen((text) => expect(text).toContain('Checking the repository'));
    screen.press('q');
    expect(await screen.exited).toBe(130);
  }, 60_000);
});
