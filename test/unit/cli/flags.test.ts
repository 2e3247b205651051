import { describe, expect, it } from 'vitest';
import { settingsFromFlags } from '../../../src/cli/flags.js';
import { strayOperands } from '../../../src/cli/commands/run.js';

describe('flags become the highest settings layer', () => {
  it('maps each flag to its setting and leaves unset flags undefined', () => {
    const s = settingsFromFlags({ model: 'gpt-4o-mini', maxAgents: 3, geminiModel: 'g', apiKey: 'k', aiderArgs: [] });
    expect(s.agentModel).toBe('gpt-4o-mini');
    expect(s.maxAgents).toBe(3);
    expect(s.prdModel).toBe('g');
    expect(s.geminiApiKey).toBe('k');
    expect(s.maxIterations).toBeUndefined();
    expect(s.aiderArgs).toBeUndefined(); // no `--` args: the stored ones stay
  });

  it('--prd-model sets the PRD model; --gemini-model is its old spelling', () => {
    expect(settingsFromFlags({ prdModel: 'openai/gpt-4.1', aiderArgs: [] }).prdModel).toBe('openai/gpt-4.1');
    expect(settingsFromFlags({ geminiModel: 'gemini-2.5-pro', aiderArgs: [] }).prdModel).toBe('gemini-2.5-pro');
  });

  it("--claude selects aider's sonnet alias", () => {
    expect(settingsFromFlags({ claude: true, aiderArgs: [] }).agentModel).toBe('sonnet');
  });

  it('passes `-- <aider args>` through', () => {
    expect(settingsFromFlags({ aiderArgs: ['--edit-format', 'diff'] }).aiderArgs).toEqual(['--edit-format', 'diff']);
  });
});

describe('operands are aider args only after --', () => {
  it('finds operands typed before --', () => {
    expect(strayOperands(['node', 'ao', 'stup'], ['stup'])).toEqual(['stup']);
    expect(strayOperands(['node', 'ao', 'Add', '--', '--no-pretty'], ['Add', '--no-pretty'])).toEqual(['Add']);
  });
  it('accepts everything after --', () => {
    expect(strayOperands(['node', 'ao', '--change', 'x', '--', '--edit-format', 'diff'], ['--edit-format', 'diff'])).toEqual([]);
  });
});
