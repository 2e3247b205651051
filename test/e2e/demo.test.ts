import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { expect, it, onTestFinished } from 'vitest';
import { aiderBin, describeWithAider } from '../support/aider.js';
import { isolatedEnv, runCli } from '../support/cli.js';
import { makeTempDir } from '../support/gitRepo.js';

describeWithAider(`the offline demo`, () => {
  it('runs three real aider agents on the sample project without any API key, and their merged work runs', async () => {
    const home = makeTempDir('ao-home-');
    const tmp = makeTempDir('ao-tmp-');
    onTestFinished(home.cleanup);
    onTestFinished(tmp.cleanup);
    // No provider keys at all: the demo brings its own local stand-ins.
    const env = isolatedEnv({ home: home.dir }, { TMPDIR: tmp.dir, AIDER_ORCHESTRATOR_AIDER_BIN: aiderBin() });
    const result = await runCli(['demo', '--headless'], { cwd: home.dir, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/total\s+3\/3 ok/);
    // The demo's supervisor (its Gemini stand-in) finished each agent after its turn.
    expect(result.stdout.match(/^\[agent-\d\] supervisor: finish — the task is done and committed$/gm)).toHaveLength(3);

    const project = fs.readdirSync(tmp.dir).find((name) => name.startsWith('aider-orchestrator-demo-'));
    expect(project).toBeDefined();
    const dir = path.join(tmp.dir, project!);
    const git = async (...args: string[]) => String((await execa('git', args, { cwd: dir })).stdout);
    const messages = await git('log', '--format=%s', '--no-merges', '--branches=aider-orchestrator/*', '^main');
    expect(messages.split('\n').sort()).toEqual([
      'feat(models): add reorder level and is_low_stock to Item',
      'feat(report): mark low items and list what to reorder',
      'feat(store): list low-stock items, refuse over-removal',
    ]);

    const merge = await runCli(['merge'], { cwd: dir, env });
    expect(merge.exitCode, merge.stderr).toBe(0);
    const merged = merge.stdout.match(/into (\S+)/)![1]!;
    await git('switch', '-q', merged);
    const report = await execa('python3', ['-m', 'inventory.report'], { cwd: dir });
    expect(report.stdout).toContain('Reorder soon: nuts');
    expect(report.stdout).toMatch(/nuts\s+8\s+0\.40\s+LOW/);
  }, 240_000);
});
