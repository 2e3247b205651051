import type { AgentState } from '../../agents/types.js';
import type { RunPhase } from '../../orchestrator/events.js';
import { char, ctrl, digits, key, keyLabel, matchesKey, type KeyCombo, type KeyPress } from './keys.js';

/**
 * One action of a screen: the keys that do it, what it does, and when it cannot act (with the
 * reason the user is told). The handlers dispatch on `action`; the footer, the help and the
 * README's key tables are generated from the same bindings, so they cannot drift.
 */
export interface Binding<A extends string = string, C = never> {
  action: A;
  keys: readonly KeyCombo[];
  /** What it does (the help, the README). */
  label: string;
  /** The footer's shorter text (bindings next to each other with the same text share one entry); false: help only. */
  footer?: string | false;
  /** The keys as written when the keys' own labels would be too long (`1-9`). */
  shown?: string;
  /** Why the action cannot act now (shown on the keypress, and dimmed in the footer); undefined when it can. */
  unavailable?(context: C, press: KeyPress | undefined): string | undefined;
}

export interface Keymap<A extends string = string, C = never> {
  /** The screen's name in the help and the README. */
  title: string;
  bindings: readonly Binding<A, C>[];
}

/** Actions every screen routes to the app: the help overlay and Ctrl-C. */
export type GlobalAction = 'help' | 'interrupt';

const keymap =
  <C = undefined>() =>
  <A extends string>(title: string, bindings: Binding<A, C>[]): Keymap<A, C> => ({ title, bindings });

/** How a binding's keys are written: its `shown` text, else its keys' labels (`↑`, `PgUp`, `Ctrl-C`). */
export const keysText = (binding: Pick<Binding<string, never>, 'keys' | 'shown'>): string =>
  binding.shown ?? binding.keys.map(keyLabel).join(' ');

const HELP: Binding<'help', unknown> = { action: 'help', keys: [char('?')], label: 'show every key of this screen', footer: 'help' };
const interrupt = (label: string): Binding<'interrupt', unknown> => ({ action: 'interrupt', keys: [ctrl('c')], label, footer: false });
/** Ctrl-C before the agents run: the same as Ctrl-C from outside (one interrupt policy, orchestrator/interrupt.ts). */
const CANCEL_RUN = interrupt('cancel the run and quit (nothing started)');
const STOP_RUN = interrupt('quit at once: agents stopped cleanly, the summary written');

const scrolling = <C>(unit: string): Binding<'lineUp' | 'lineDown' | 'pageUp' | 'pageDown' | 'top' | 'bottom', C>[] => [
  { action: 'lineUp', keys: [key('up')], label: `scroll the ${unit} up a line`, footer: 'scroll' },
  { action: 'lineDown', keys: [key('down')], label: `scroll the ${unit} down a line`, footer: 'scroll' },
  { action: 'pageUp', keys: [key('pageUp')], label: `scroll the ${unit} up a page`, footer: 'scroll' },
  { action: 'pageDown', keys: [key('pageDown')], label: `scroll the ${unit} down a page`, footer: 'scroll' },
  { action: 'top', keys: [key('home')], label: `go to the top of the ${unit}`, footer: false },
  { action: 'bottom', keys: [key('end')], label: `go to the end of the ${unit}`, footer: false },
];

export const CHECKING_KEYS = keymap()('Checking', [
  { action: 'cancel', keys: [char('q'), key('escape')], label: 'cancel: stop the checks and quit', footer: 'cancel' },
  interrupt('cancel: stop the checks and quit'),
]);

export interface ChangeContext {
  text: string;
}
export const CHANGE_KEYS = keymap<ChangeContext>()('Change request', [
  {
    action: 'submit',
    keys: [key('return')],
    label: 'write the PRD from the request',
    footer: 'write the PRD',
    unavailable: ({ text }) => (text.trim() ? undefined : 'type the change first'),
  },
  { action: 'settings', keys: [ctrl('o')], label: 'open the settings', footer: 'settings' },
  { action: 'quit', keys: [key('escape')], label: 'quit (nothing started)', footer: 'quit' },
  CANCEL_RUN,
]);

export interface PrdContext {
  phase: RunPhase;
  /** The last attempt to write the PRD failed (its error is on screen). */
  failed: boolean;
}
/** Why a/e/r cannot act yet; `then` says what the key will do once they can. */
const whilePrdIsWritten = ({ phase, failed }: PrdContext, then: string): string | undefined => {
  if (phase === 'prd' && failed) return `the PRD could not be written (the error is below): r tries again`;
  if (phase === 'prd') return `the PRD is still being written: ${then} once it is ready`;
  if (phase === 'planning') return 'the PRD is approved and the plan is being written: the file assignment opens when it is ready';
  return undefined;
};
export const PRD_KEYS = keymap<PrdContext>()('PRD review', [
  ...scrolling<PrdContext>('PRD'),
  {
    action: 'approve',
    keys: [char('a')],
    label: 'approve the PRD: save it and plan the agents',
    footer: 'approve',
    unavailable: (c) => whilePrdIsWritten(c, '`a` approves it'),
  },
  {
    action: 'edit',
    keys: [char('e')],
    label: 'edit the PRD in $VISUAL / $EDITOR',
    footer: 'edit',
    unavailable: (c) => whilePrdIsWritten(c, '`e` opens it in your editor'),
  },
  {
    action: 'regenerate',
    keys: [char('r')],
    label: 'write it again, with your feedback',
    footer: 'regenerate',
    unavailable: (c) => (c.failed && c.phase === 'prd' ? undefined : whilePrdIsWritten(c, '`r` asks for another version')),
  },
  { action: 'cancel', keys: [char('q')], label: 'cancel (nothing started, exit 130)', footer: 'cancel' },
  HELP,
  CANCEL_RUN,
]);

export interface AssignmentContext {
  /** The file under the cursor, and whether an agent has it. */
  file: string | undefined;
  assigned: boolean;
  picked: string | undefined;
  agents: number;
  maxAgents: number;
}
const needsFile = ({ file }: AssignmentContext) => (file ? undefined : 'move the cursor to a file first');
export const ASSIGNMENT_KEYS = keymap<AssignmentContext>()('File assignment', [
  { action: 'up', keys: [key('up')], label: 'move the cursor up', footer: 'select' },
  { action: 'down', keys: [key('down')], label: 'move the cursor down', footer: 'select' },
  { action: 'start', keys: [key('return')], label: 'start the agents', footer: 'start' },
  {
    action: 'pick',
    keys: [key('space')],
    label: 'pick up the file under the cursor; again to drop it on the agent under the cursor',
    footer: 'move',
    unavailable: (c) => (c.picked ? undefined : needsFile(c)),
  },
  {
    action: 'send',
    keys: digits,
    shown: '1-9',
    label: 'send the file under the cursor to that agent',
    footer: 'send to',
    unavailable: (c, press) =>
      needsFile(c) ??
      (press && Number(press.input) > c.agents ? `there is no agent ${press.input} (${c.agents} agents; + adds one)` : undefined),
  },
  {
    action: 'unassign',
    keys: [char('u')],
    label: 'unassign the file (no agent edits it)',
    footer: 'unassign',
    unavailable: (c) => needsFile(c) ?? (c.assigned ? undefined : `${c.file} is not assigned`),
  },
  {
    action: 'addAgent',
    keys: [char('+')],
    label: 'add an agent',
    footer: 'agents',
    unavailable: (c) => (c.agents < c.maxAgents ? undefined : `${c.maxAgents} agents is the most (--max-agents × --agents-per-task)`),
  },
  {
    action: 'removeAgent',
    keys: [char('-')],
    label: 'remove the agent under the cursor (its files become unassigned)',
    footer: 'agents',
    unavailable: (c) => (c.agents > 1 ? undefined : 'one agent is the least'),
  },
  {
    action: 'putBack',
    keys: [key('escape')],
    label: 'put the picked-up file back',
    footer: false,
    unavailable: (c) => (c.picked ? undefined : 'no file is picked up'),
  },
  { action: 'cancel', keys: [char('q')], label: 'cancel (nothing started, exit 130)', footer: 'cancel' },
  HELP,
  CANCEL_RUN,
]);

export interface DashboardContext {
  /** The selected agent: its id and state; undefined before any agent exists. */
  agent: { id: number; state: AgentState } | undefined;
  agents: number;
  /** Lines the selected pane is scrolled back. */
  scrollback: number;
  /** How far back the selected pane can scroll. */
  history: number;
  /** The selected pane has a search (for n / N). */
  searching: boolean;
}
const isRunning = (state: AgentState) => state === 'starting' || state === 'working' || state === 'waiting';
const isFinished = (state: AgentState) => state === 'succeeded' || state === 'failed' || state === 'stopped';
const needsAgent = ({ agent }: DashboardContext) => (agent ? undefined : 'no agent has started yet');
export const DASHBOARD_KEYS = keymap<DashboardContext>()('Agents dashboard', [
  {
    action: 'nextPane',
    keys: [key('tab')],
    label: 'select the next pane',
    footer: 'select',
    unavailable: (c) => needsAgent(c) ?? (c.agents > 1 ? undefined : 'there is only one agent'),
  },
  {
    action: 'previousPane',
    keys: [key('tab', { shift: true })],
    label: 'select the previous pane',
    footer: false,
    unavailable: (c) => needsAgent(c) ?? (c.agents > 1 ? undefined : 'there is only one agent'),
  },
  {
    action: 'selectPane',
    keys: digits,
    shown: '1-9',
    label: 'select that agent’s pane',
    footer: 'select',
    unavailable: (c, press) =>
      press && Number(press.input) > c.agents ? `there is no agent ${press.input} (${c.agents} agents)` : undefined,
  },
  {
    action: 'zoom',
    keys: [char('z')],
    label: 'zoom the selected pane to the whole window (again to unzoom)',
    footer: 'zoom',
    unavailable: needsAgent,
  },
  {
    action: 'focus',
    keys: [key('return')],
    label: 'type into the agent: every key goes to aider until Ctrl-]',
    footer: 'type',
    unavailable: (c) =>
      needsAgent(c) ??
      (isRunning(c.agent!.state)
        ? undefined
        : c.agent!.state === 'queued'
          ? `agent ${c.agent!.id} is queued: it starts when another finishes`
          : `agent ${c.agent!.id} has finished (${c.agent!.state}): R restarts it`),
  },
  {
    action: 'scrollUp',
    keys: [key('pageUp')],
    label: 'scroll the pane back a page (the mouse wheel scrolls the pane under the pointer)',
    footer: 'scroll',
    unavailable: (c) => needsAgent(c) ?? (c.scrollback < c.history ? undefined : 'at the top of the scrollback'),
  },
  {
    action: 'scrollDown',
    keys: [key('pageDown')],
    label: 'scroll the pane forward a page',
    footer: 'scroll',
    unavailable: (c) => needsAgent(c) ?? (c.scrollback > 0 ? undefined : 'the pane is live already'),
  },
  {
    action: 'live',
    keys: [key('end')],
    label: 'back to the live screen',
    footer: 'scroll',
    unavailable: (c) => needsAgent(c) ?? (c.scrollback > 0 ? undefined : 'the pane is live already'),
  },
  { action: 'search', keys: [char('/')], label: 'search the selected pane’s scrollback', footer: 'search', unavailable: needsAgent },
  {
    action: 'nextMatch',
    keys: [char('n')],
    label: 'next (older) match of the search',
    footer: 'search',
    unavailable: (c) => needsAgent(c) ?? (c.searching ? undefined : 'no search in this pane yet: / searches it'),
  },
  {
    action: 'previousMatch',
    keys: [char('N')],
    label: 'previous (newer) match of the search',
    footer: 'search',
    unavailable: (c) => needsAgent(c) ?? (c.searching ? undefined : 'no search in this pane yet: / searches it'),
  },
  {
    action: 'quit',
    keys: [char('q')],
    label: 'quit: asks while agents run; they are stopped cleanly and the summary is written',
    footer: 'quit',
  },
  {
    action: 'stop',
    keys: [char('s')],
    label: 'stop the selected agent (its commits stay)',
    footer: 'stop',
    unavailable: (c) => needsAgent(c) ?? (isFinished(c.agent!.state) ? `agent ${c.agent!.id} has finished (${c.agent!.state})` : undefined),
  },
  {
    action: 'restart',
    keys: [char('R')],
    label: 'restart the selected agent (a finished one)',
    footer: 'restart',
    unavailable: (c) =>
      needsAgent(c) ??
      (isFinished(c.agent!.state) ? undefined : `agent ${c.agent!.id} is ${c.agent!.state}: s stops it, then R restarts it`),
  },
  {
    action: 'diff',
    keys: [char('d')],
    label: 'review the selected agent’s diff against the run’s base, live as it commits (comment on lines, send the comments to it)',
    footer: 'diff',
    unavailable: (c) =>
      needsAgent(c) ?? (c.agent!.state === 'queued' ? `agent ${c.agent!.id} is queued: it has no changes until it starts` : undefined),
  },
  { action: 'settings', keys: [char('c')], label: 'open the settings (they apply to the next run)', footer: 'settings' },
  HELP,
  STOP_RUN,
]);

export const FOCUS_KEYS = keymap()('Typing into an agent', [
  {
    action: 'leave',
    keys: [ctrl(']')],
    label: 'leave the agent (every other key, Esc and Ctrl-C included, goes to aider)',
    footer: 'leave the agent',
  },
]);

export interface SummaryContext {
  agents: number;
  succeeded: number;
  merging: boolean;
  /** The selected agent, for picking a winner (best of n): its task's attempts (1 with one), whether it succeeded, whether it won. */
  selected?: { attempts: number; succeeded: boolean; winner: boolean } | undefined;
  /** A pull request is being prepared or opened. */
  pullRequesting: boolean;
  /** The selected agent: its state now (a follow-up makes it work again) and whether its worktree is still there. */
  agent?: { id: number; state: AgentState; worktree: boolean } | undefined;
}
export const SUMMARY_KEYS = keymap<SummaryContext>()('Summary', [
  { action: 'up', keys: [key('up')], label: 'select the agent above', footer: 'select' },
  { action: 'down', keys: [key('down')], label: 'select the agent below', footer: 'select' },
  {
    action: 'diff',
    keys: [char('d')],
    label: 'view the selected agent’s diff',
    footer: 'diff',
    unavailable: (c) => (c.agents > 0 ? undefined : 'no agent ran'),
  },
  {
    action: 'merge',
    keys: [char('m')],
    label: 'merge the succeeded branches into a new branch (as the merge command)',
    footer: 'merge',
    unavailable: (c) =>
      c.merging ? 'the merge is running' : c.succeeded > 0 ? undefined : 'no agent succeeded: there is nothing to merge',
  },
  {
    action: 'pickWinner',
    keys: [char('w')],
    label: 'make the selected attempt its task’s winner (best of n: merge takes winners)',
    footer: 'winner',
    unavailable: (c) =>
      !c.selected || c.selected.attempts < 2
        ? 'its task has one attempt: nothing to pick from (--agents-per-task)'
        : !c.selected.succeeded
          ? 'only a succeeded attempt can win'
          : c.selected.winner
            ? 'it is its task’s winner already'
            : c.merging
              ? 'the merge is running'
              : undefined,
  },
  {
    action: 'resolve',
    keys: [char('R')],
    label: 'merge, an agent resolving conflicts (into the merged branch an earlier merge made), then the check (as merge --resolve)',
    footer: 'merge + resolve',
    unavailable: (c) =>
      c.merging ? 'the merge is running' : c.succeeded > 0 ? undefined : 'no agent succeeded: there is nothing to merge',
  },
  {
    action: 'pullRequest',
    keys: [char('p')],
    label: 'push the merged branch and open a GitHub pull request (as the pr command; asks first)',
    footer: 'pull request',
    unavailable: (c) =>
      c.pullRequesting ? 'the pull request is being opened' : c.succeeded > 0 ? undefined : 'no agent succeeded: there is nothing to push',
  },
  {
    action: 'followUp',
    keys: [char('f')],
    label: 'send the selected agent a follow-up message: one more turn in its conversation, then the summary is updated',
    footer: 'follow-up',
    unavailable: ({ agent }) =>
      !agent
        ? 'no agent ran'
        : !isFinished(agent.state)
          ? `agent ${agent.id} is ${agent.state}: send a follow-up once it has finished`
          : agent.worktree
            ? undefined
            : `agent ${agent.id} has no worktree (removed?): there is no conversation to continue`,
  },
  { action: 'back', keys: [char('b')], label: 'back to the agents’ panes', footer: 'back to the panes' },
  { action: 'quit', keys: [char('q')], label: 'quit (exit 0 when every agent succeeded, else 1)', footer: 'quit' },
  HELP,
  interrupt('quit'),
]);

export interface DiffContext {
  /** The agent whose diff it is: its id and state (undefined: not in this run). */
  agent: { id: number; state: AgentState } | undefined;
  /** Why the diff cannot be read (the worktree is gone...); undefined when it can. */
  failed: string | undefined;
  /** Comments written and not sent yet. */
  comments: number;
  /** Comments shown on the line under the cursor. */
  here: number;
}
/** Why the agent cannot take review comments at all (so neither writing nor sending them makes sense). */
const cannotReview = ({ agent, failed }: DiffContext): string | undefined =>
  !agent
    ? 'this agent is not in the run'
    : failed
      ? `the diff cannot be read (${failed})`
      : agent.state === 'queued'
        ? `agent ${agent.id} is queued: there is nothing to review until it starts`
        : undefined;
export const DIFF_KEYS = keymap<DiffContext>()('Diff', [
  { action: 'lineUp', keys: [key('up'), char('k')], label: 'move the cursor up a line', footer: 'move' },
  { action: 'lineDown', keys: [key('down'), char('j')], label: 'move the cursor down a line', footer: 'move' },
  { action: 'pageUp', keys: [key('pageUp')], label: 'move the cursor up a page', footer: 'page' },
  { action: 'pageDown', keys: [key('pageDown')], label: 'move the cursor down a page', footer: 'page' },
  { action: 'top', keys: [key('home'), char('g')], label: 'go to the top of the diff', footer: false },
  { action: 'bottom', keys: [key('end'), char('G')], label: 'go to the end of the diff', footer: false },
  {
    action: 'comment',
    keys: [char('c')],
    label: 'comment on the line under the cursor (on a file’s header: on the file; on the first line: on the whole change)',
    footer: 'comment',
    unavailable: cannotReview,
  },
  {
    action: 'deleteComment',
    keys: [char('x')],
    label: 'delete the newest comment on the line under the cursor',
    footer: false,
    unavailable: (c) => (c.here > 0 ? undefined : 'no comment on this line: move the cursor to one'),
  },
  {
    action: 'send',
    keys: [char('S')],
    label: 'send the comments to the agent as one follow-up turn (file, line, code, comment); the diff updates as it works',
    footer: 'send',
    unavailable: (c) =>
      c.comments === 0
        ? 'no comments to send: c writes one on the line under the cursor'
        : (cannotReview(c) ??
          (isFinished(c.agent!.state)
            ? undefined
            : `agent ${c.agent!.id} is ${c.agent!.state}: send the comments once it has finished (they are kept)`)),
  },
  {
    action: 'back',
    keys: [key('escape'), char('q'), char('b')],
    label: 'back to where you opened the diff (the dashboard or the summary, as you left it)',
    footer: 'back',
  },
  HELP,
  interrupt('as Ctrl-C on the screen under the diff'),
]);

export const CONFIG_KEYS = keymap()('Settings', [
  { action: 'up', keys: [key('up')], label: 'select the field above', footer: 'select' },
  { action: 'down', keys: [key('down')], label: 'select the field below', footer: 'select' },
  { action: 'edit', keys: [key('return')], label: 'edit the field (empty = the default)', footer: 'edit' },
  { action: 'save', keys: [char('S')], label: 'validate and save (invalid fields are marked, nothing is saved)', footer: 'save' },
  { action: 'back', keys: [key('escape')], label: 'back (unsaved changes are dropped)', footer: 'back' },
  HELP,
  interrupt('quit (in a run: as Ctrl-C there)'),
]);

export const CONFIG_EDIT_KEYS = keymap()('Editing a setting', [
  { action: 'keep', keys: [key('return')], label: 'keep the value (empty = the default)', footer: 'keep' },
  { action: 'cancel', keys: [key('escape')], label: 'cancel the edit', footer: 'cancel' },
  interrupt('quit (in a run: as Ctrl-C there)'),
]);

export const HELP_KEYS = keymap()('Help', [
  { action: 'close', keys: [key('escape'), char('?'), char('q'), key('return')], label: 'close the help', footer: 'close' },
  { action: 'lineUp', keys: [key('up')], label: 'scroll the help up', footer: false },
  { action: 'lineDown', keys: [key('down')], label: 'scroll the help down', footer: false },
  interrupt('as Ctrl-C on the screen under the help'),
]);

export const CONFIRM_KEYS = keymap()('Question', [
  { action: 'yes', keys: [char('y')], label: 'yes', footer: 'yes' },
  { action: 'no', keys: [char('n'), key('escape')], label: 'no', footer: 'no' },
  interrupt('as Ctrl-C on the screen under the question'),
]);

export const PROMPT_KEYS = keymap()('Text prompt', [
  { action: 'submit', keys: [key('return')], label: 'send what you typed', footer: 'send' },
  { action: 'cancel', keys: [key('escape')], label: 'cancel', footer: 'cancel' },
  interrupt('as Ctrl-C on the screen under the prompt'),
]);

/** Every keymap, in the order the README lists them. */
export const KEYMAPS = {
  checking: CHECKING_KEYS,
  change: CHANGE_KEYS,
  prd: PRD_KEYS,
  assignment: ASSIGNMENT_KEYS,
  dashboard: DASHBOARD_KEYS,
  focus: FOCUS_KEYS,
  summary: SUMMARY_KEYS,
  diff: DIFF_KEYS,
  config: CONFIG_KEYS,
  configEdit: CONFIG_EDIT_KEYS,
  help: HELP_KEYS,
  confirm: CONFIRM_KEYS,
  prompt: PROMPT_KEYS,
} as const;

export type KeymapName = keyof typeof KEYMAPS;

/** The binding `press` triggers, if any. */
export const bindingFor = <A extends string, C>(map: Keymap<A, C>, press: KeyPress): Binding<A, C> | undefined =>
  map.bindings.find((binding) => binding.keys.some((combo) => matchesKey(combo, press)));

/** Lines of text editing that every text field understands (typed characters are not listed as bindings). */
export const TEXT_EDITING = '←/→ move, Backspace deletes, Ctrl-U clears';

/**
 * The README's "keys" section, generated from the keymaps (test/ui/readmeKeys.test.ts fails when
 * README.md differs from it).
 */
export const keymapMarkdown = (): string =>
  Object.values(KEYMAPS)
    .map((map) => {
      const rows = (map.bindings as readonly Binding<string, never>[]).map((binding) => {
        const keys = binding.shown ? [binding.shown] : binding.keys.map(keyLabel);
        return `| ${keys.map((k) => `\`${k.replace(/\|/g, '\\|')}\``).join(' ')} | ${binding.label.replace(/\|/g, '\\|')} |`;
      });
      return [`**${map.title}**`, '', '| keys | action |', '|---|---|', ...rows].join('\n');
    })
    .join('\n\n');
