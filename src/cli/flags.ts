import type { Settings } from '../config/settings.js';
import type { RunFlags } from './commands/run.js';

/** Aider's alias for the current Claude Sonnet. */
export const CLAUDE_MODEL_ALIAS = 'sonnet';

/** The settings the flags set; unset flags stay undefined so lower layers show through. */
export const settingsFromFlags = (flags: RunFlags): Partial<Settings> => ({
  agentModel: flags.claude ? CLAUDE_MODEL_ALIAS : flags.model,
  prdModel: flags.prdModel ?? flags.geminiModel,
  // commander gives --no-supervisor's default (true) when the flag is absent: only its presence counts.
  supervisor: flags.supervisor === false ? false : undefined,
  supervisorModel: flags.supervisorModel,
  maxAgents: flags.maxAgents,
  maxIterations: flags.maxIterations,
  agentsPerTask: flags.agentsPerTask,
  firstWins: flags.firstWins,
  aiderBin: flags.aiderBin,
  aiderArgs: flags.aiderArgs.length > 0 ? flags.aiderArgs : undefined,
  checkCommand: flags.checkCmd,
  idleTimeout: flags.idleTimeout,
  checkTimeout: flags.checkTimeout,
  setupCommand: flags.setupCmd,
  notifyCommand: flags.notifyCmd,
  geminiApiKey: flags.apiKey,
});
