import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { CLI_MAIN, expectUserError, isolatedEnv, runCli, TEST_KEYS, tempDir, tempRepo } from '../support/cli.js';
import { startGeminiServer } from '../support/geminiServer.js';

/** An executable that answers --version like aider 0.86.2 and fails on anything else: the run ends right after its plan. */
const failingAider = () => {
  const file = path.join(tempDir(), 'aider');
  fs.writeFileSync(file, '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "aider 0.86.2"; exit 0; fi\nexit 3\n', { mode: 0o755 });
  return file;
};

/** A change text longer than Linux allows for one command-line argument (MAX_ARG_STRLEN, 128 KiB). */
const LONG_CHANGE = `Rename the settings module.\n\n${'Keep every public name working through a re-export. '.repeat(3000)}\nTHE-END-OF-THE-CHANGE`;

describe('--change-file gives the change request from a file or stdin', () => {
  it('takes a change longer than the OS argument limit from a file, sends it whole, and `runs` shows it on one short line', async () => {
    expect(LONG_CHANGE.length).toBeGreaterThan(131_072);
    const dir = await tempRepo();
    const home = tempDir();
    const gemini = await startGeminiServer([{ text: '# PRD\n\nRename it.\n' }]);
    onTestFinished(() => gemini.close());
    const file = path.join(tempDir(), 'change.md');
    fs.writeFileSync(file, LONG_CHANGE);
    const env = isolatedEnv({ home }, { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url });

    const result = await runCli(['--headless', '--yes', '--change-file', file, '--files', 'a.py', '--aider-bin', failingAider()], {
      cwd: dir,
      env,
    });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(gemini.requests[0]?.prompt).toContain('THE-END-OF-THE-CHANGE');

    const listed = await runCli(['runs'], { cwd: dir, env });
    expect(listed.exitCode, listed.stderr).toBe(0);
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/ Rename the settings module\. Keep every public name .*…$/);
    expect(lines[1]!.length).toBeLessThanOrEqual(200);
  });

  it('reads the change from stdin with -', async () => {
    const dir = await tempRepo();
    const gemini = await startGeminiServer([{ text: '# PRD\n' }]);
    onTestFinished(() => gemini.close());
    const env = isolatedEnv({ home: tempDir() }, { ...TEST_KEYS, GOOGLE_GEMINI_BASE_URL: gemini.url });
    const result = await execa(
      process.execPath,
      [CLI_MAIN, '--headless', '--yes', '--change-file', '-', '--files', 'a.py', '--aider-bin', failingAider()],
      {
        cwd: dir,
        env,
        extendEnv: false,
        reject: false,
        input: 'Piped change: set A to 2\n',
        timeout: 120_000,
      },
    );
    expect(result.exitCode, String(result.stderr)).toBe(1);
    expect(gemini.requests[0]?.prompt).toContain('Piped change: set A to 2');
  });

  it('names a missing file, an empty file, empty stdin, and refuses --change with it, before anything is checked', async () => {
    const dir = await tempRepo();
    const env = isolatedEnv({ home: tempDir() }, TEST_KEYS);
    const missing = await runCli(['--headless', '--yes', '--change-file', 'nope.md'], { cwd: dir, env });
    expect(missing.exitCode).toBe(2);
    expectUserError(missing.stderr, /^error: the change file nope\.md does not exist: check the path given to --change-file$/, {
      alone: true,
    });

    const empty = path.join(tempDir(), 'empty.md');
    fs.writeFileSync(empty, ' \n\n');
    const blank = await runCli(['--headless', '--yes', '--change-file', empty], { cwd: dir, env });
    expect(blank.exitCode).toBe(2);
    expectUserError(blank.stderr, /the change file .*empty\.md is empty: write the change request in it, or pass --change "\.\.\."$/, {
      alone: true,
    });

    const noInput = await execa(process.execPath, [CLI_MAIN, '--headless', '--yes', '--change-file', '-'], {
      cwd: dir,
      env,
      extendEnv: false,
      reject: false,
      input: '',
    });
    expect(noInput.exitCode).toBe(2);
    expectUserError(String(noInput.stderr), /stdin held no change request \(--change-file -\): pipe the text in/, { alone: true });

    const both = await runCli(['--headless', '--yes', '--change', 'x', '--change-file', empty], { cwd: dir, env });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/option '--change-file <path\|->' cannot be used with option '-c, --change <text>'/);
  });
});
