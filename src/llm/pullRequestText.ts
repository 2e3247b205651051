import { PRD_ROLE } from '../config/providers.js';
import { UserError } from '../errors.js';
import type { JsonSchema, LlmClient } from './client.js';
import { PULL_REQUEST_SYSTEM_INSTRUCTION, pullRequestPrompt, type PullRequestPromptInput } from './prompts.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import { askForObject } from './askForObject.js';

export interface PullRequestText {
  title: string;
  body: string;
}

/** GitHub cuts titles at 256 characters; a title is one line. */
const TITLE_MAX = 256;
/** What of the PRD and of each task the model is sent (the prompt stays bounded whatever the run was). */
const PRD_MAX = 12_000;
const DESCRIPTION_MAX = 1_500;
const FILES_MAX = 40;
const COMMITS_MAX = 30;
const AGENTS_MAX = 32;

const cut = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}\n… (${text.length - max} more characters)` : text;

/** The input with every part cut to its bound: the prompt never grows with the run. */
export const boundPullRequestInput = (input: PullRequestPromptInput): PullRequestPromptInput => ({
  ...input,
  change: cut(input.change, 4_000),
  prd: cut(input.prd, PRD_MAX),
  agents: input.agents.slice(0, AGENTS_MAX).map((agent) => ({
    ...agent,
    title: agent.title.slice(0, 200),
    description: cut(agent.description, DESCRIPTION_MAX),
    files: agent.files.length > FILES_MAX ? [...agent.files.slice(0, FILES_MAX), `… ${agent.files.length - FILES_MAX} more`] : agent.files,
    reason: agent.reason?.slice(0, 300),
    commits:
      agent.commits.length > COMMITS_MAX
        ? [...agent.commits.slice(0, COMMITS_MAX), `… ${agent.commits.length - COMMITS_MAX} more`]
        : agent.commits,
  })),
});

export const PULL_REQUEST_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { title: { type: 'string' }, body: { type: 'string' } },
  required: ['title', 'body'],
  additionalProperties: false,
};

class BadTextError extends Error {}

/** The model's `{title, body}`, checked and tidied (one-line title); BadTextError saying what is wrong. */
export const parsePullRequestText = (value: unknown): PullRequestText => {
  const { title, body } = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  if (typeof title !== 'string' || !title.trim()) throw new BadTextError('no title');
  if (typeof body !== 'string' || !body.trim()) throw new BadTextError('no body');
  const line = title.replace(/\s+/g, ' ').trim();
  return { title: line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line, body: body.trim() };
};

/** The title and body without a model: the change, and each agent's part with its commits. */
export const plainPullRequestText = (input: PullRequestPromptInput): PullRequestText => {
  const first = input.change.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() || `Changes from ${input.head}`;
  const agents = input.agents.map((agent) => {
    const commits = agent.commits.map((commit) => `  - ${commit}`).join('\n');
    return `- **Agent ${agent.id}: ${agent.title}** (${agent.status}${agent.reason ? `: ${agent.reason}` : ''}) — ${agent.files.join(', ') || 'no files named'}${commits ? `\n${commits}` : ''}`;
  });
  const check = input.checkCommand ? `\n\nEach agent's work was checked with \`${input.checkCommand}\`.` : '';
  return {
    title: first.length > 72 ? `${first.slice(0, 71)}…` : first,
    body: `${input.change.trim()}\n\n## Agents\n\n${agents.join('\n')}${check}`,
  };
};

export interface WritePullRequestOptions {
  /** The PRD model, in aider's notation. */
  model: string;
  input: PullRequestPromptInput;
  signal?: AbortSignal | undefined;
  retry?: Partial<RetryPolicy>;
}

/**
 * The PRD model writes the pull request's title and body from the PRD, the tasks, the commits and
 * the check (bounded). An unusable answer gets one more request; then a UserError.
 */
export const writePullRequestText = async (client: LlmClient, options: WritePullRequestOptions): Promise<PullRequestText> => {
  const provider = client.providerName(options.model);
  const request = {
    model: options.model,
    role: PRD_ROLE,
    system: PULL_REQUEST_SYSTEM_INSTRUCTION,
    prompt: pullRequestPrompt(boundPullRequestInput(options.input)),
    schema: PULL_REQUEST_SCHEMA,
    name: 'pull_request',
    signal: options.signal,
  };
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry, label: provider, signal: options.signal };
  const asked = await askForObject(client, request, {
    retry,
    parse: parsePullRequestText,
    rejected: (error) => error instanceof BadTextError,
  });
  if (asked.ok) return asked.value;
  throw new UserError(`${provider} returned an unusable pull request text twice (${asked.problem})`);
};
