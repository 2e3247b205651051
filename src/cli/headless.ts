import { detectProvider } from '../config/providers.js';
import { exitCodeFor } from '../orchestrator/exitCode.js';
import { interruptAction } from '../orchestrator/interrupt.js';
import { notifiersFor, watchRun } from '../orchestrator/notify.js';
import type { Run } from '../orchestrator/run.js';
import { onInterrupt } from './interrupts.js';
import { formatSummaryTable } from './summaryTable.js';

export interface HeadlessIo {
  out(line: string): void;
  err(line: string): void;
}

const consoleIo: HeadlessIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/**
 * Drives a run without a TUI: PRD → plan (both approved by --yes) → agents, printing
 * progress on stderr, agent lines as `[agent-N] ...` and the summary table on stdout.
 * Ctrl-C stops the agents cleanly and still writes the summary; a second Ctrl-C forces.
 */
export const runHeadless = async (run: Run, plainIo: HeadlessIo = consoleIo): Promise<number> => {
  // Every line goes through the run's masking: agent output, reasons, warnings, the summary table.
  const io: HeadlessIo = { out: (line) => plainIo.out(run.redact(line)), err: (line) => plainIo.err(run.redact(line)) };
  const removeInterruptHandler = onInterrupt((signal, count) => {
    if (count > 1) {
      io.err(`${signal}: forced exit, agents killed`);
      run.dispose();
      process.exit(130);
    }
    const action = interruptAction(run);
    if (action === 'stop') {
      io.err(`${signal}: stopping agents and writing the summary (press Ctrl-C again to force)`);
      void run.stopAll();
    } else if (action === 'cancel') {
      io.err(`${signal}: cancelled before any agent started`);
      run.cancel();
      void run.close().finally(() => process.exit(130));
    }
  });

  run.on('run:warning', (message) => io.err(`warning: ${message}`));
  // --notify-cmd is called headless too (no bell, title or desktop notification without a terminal).
  const notifications = watchRun(
    run,
    notifiersFor(run.settings, { tui: false, env: process.env, warn: (message) => run.emit('run:warning', message) }),
  );
  run.on('prd:retry', (attempt, delayMs, reason) =>
    io.err(
      `${detectProvider(run.settings.prdModel)?.name ?? 'PRD model'}: ${reason}; trying again in ${(delayMs / 1000).toFixed(1)}s (attempt ${attempt})`,
    ),
  );
  run.on('agent:state', (agent, state, reason) => io.err(`[agent-${agent}] state: ${state}${reason ? ` (${reason})` : ''}`));
  run.on('agent:line', (agent, line) => io.out(`[agent-${agent}] ${line}`));
  run.on('task:judged', (task, winner, by, reason) =>
    io.err(winner === undefined ? `task ${task}: no winner (${reason})` : `task ${task}: agent ${winner} wins (${by}): ${reason}`),
  );
  run.on('agent:decision', (agent, decision) =>
    io.out(`[agent-${agent}] supervisor: ${decision.action} — ${decision.action === 'failed' ? decision.message : decision.progress}`),
  );

  try {
    if (run.followingUp) {
      io.err(`Follow-up for agent ${run.followingUp.agent} of run ${run.runId}: ${run.followingUp.message}`);
    } else if (run.phase === 'agents') {
      io.err(`Resuming run ${run.runId}: ${run.agents.length || run.plan?.tasks.length || 0} agents, the unfinished ones continue...`);
    } else {
      io.err(`Run ${run.runId}: writing the PRD with ${run.settings.prdModel}...`);
      let chars = 0;
      let reported = 0;
      const onChunk = (text: string) => {
        chars += text.length;
        if (chars - reported >= 2000) {
          reported = chars;
          io.err(`  PRD: ${chars} characters so far`);
        }
      };
      run.on('prd:chunk', onChunk);
      await run.generatePrd();
      run.off('prd:chunk', onChunk);
      await run.approvePrd();
      io.err(`PRD saved: ${run.prdPath}`);
      for (const task of run.plan?.tasks ?? []) {
        const attempt = task.attempt > 1 ? ` (attempt ${task.attempt})` : '';
        const files = task.files.length > 4 ? `${task.files.slice(0, 4).join(', ')} +${task.files.length - 4} more` : task.files.join(', ');
        io.err(`  agent ${task.agent}${attempt}: ${task.title} [${files || 'no files'}]`);
      }
      io.err(`Starting ${run.plan?.tasks.length ?? 0} agents (at most ${run.maxAgents} at once)...`);
    }
    const summary = await run.startAgents();
    io.out('');
    io.out(formatSummaryTable(summary));
    return exitCodeFor(summary.status);
  } finally {
    removeInterruptHandler();
    await run.close();
    await notifications.close();
  }
};
