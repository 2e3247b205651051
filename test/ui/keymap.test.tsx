import { render } from 'ink-testing-library';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openConfigStore } from '../../src/config/store.js';
import { KeyRouter } from '../../src/ui/keys/KeyRouter.js';
import { KEYMAPS, type Binding, type KeymapName } from '../../src/ui/keys/keymap.js';
import { keyBytes, keyLabel, type KeyCombo } from '../../src/ui/keys/keys.js';
import { CheckingScreen } from '../../src/ui/screens/CheckingScreen.js';
import { ConfigScreen } from '../../src/ui/screens/ConfigScreen.js';
import { KEYS, TestAgent, TestRun } from '../support/fakeRun.js';
import { waitFor } from '../support/waitFor.js';
import { makeTempDir } from '../support/gitRepo.js';
import { hasExited, plan, renderApp, summaryOf, withFrame } from './renderApp.js';

/**
 * Every key of every keymap does what its label says: the cases below are driven from the
 * keymaps themselves (a binding without a check fails), so a key added to a screen needs a check,
 * and a check whose key left the keymap fails too.
 */

interface Harness {
  frame(): string;
  shows(text: string | RegExp): Promise<void>;
  hides(text: string | RegExp): Promise<void>;
  press(bytes: string): void;
  run: TestRun;
  /** Set by screens rendered on their own (checking, settings). */
  flags: Set<string>;
  exited(): boolean;
}

interface Check {
  before?(h: Harness): Promise<void>;
  after(h: Harness): Promise<void>;
}

const called = (h: Harness, call: string) => waitFor(() => h.run.calls.includes(call), `${call}\n${h.run.calls.join('\n')}\n${h.frame()}`);
const flagged = (h: Harness, flag: string) => waitFor(() => h.flags.has(flag), `${flag}\n${h.frame()}`);
const exits = (h: Harness) => waitFor(() => h.exited(), `the app to end\n${h.frame()}`);
const type = async (h: Harness, text: string, shown: string | RegExp) => {
  h.press(text);
  await h.shows(shown);
};

const harnessOf = (app: ReturnType<typeof renderApp>, run: TestRun, flags = new Set<string>()): Harness => ({
  frame: app.frame,
  shows: (text) => app.shows(text),
  hides: (text) => app.hides(text),
  press: (bytes) => app.stdin.write(bytes),
  run,
  flags,
  exited: () => hasExited(app),
});

const app = async (run: TestRun, shown: string | RegExp, options: Parameters<typeof renderApp>[1] = {}): Promise<Harness> => {
  const rendered = renderApp(run, options);
  await rendered.shows(shown);
  return harnessOf(rendered, run);
};

const longPrd = ['# PRD', '', ...Array.from({ length: 60 }, (_, i) => `- requirement ${String(i).padStart(2, '0')}`)].join('\n');

const prdScreen = async () => {
  const run = new TestRun();
  run.phase = 'review';
  run.prd = longPrd;
  return app(run, 'PRD ready', { edit: async () => '# PRD\n\nEdited.' });
};

const assignmentScreen = async () => {
  const run = new TestRun();
  run.phase = 'assignment';
  run.plan = plan();
  return app(run, 'File assignment · 2 agents');
};

const dashboardScreen = async () => {
  const run = new TestRun();
  run.phase = 'agents';
  run.agents = [new TestAgent(1), new TestAgent(2)];
  await run.agents[0]!.print(Array.from({ length: 60 }, (_, i) => (i % 20 === 5 ? `line ${i} needle here` : `line ${i}`)).join('\r\n'));
  await run.agents[1]!.print('other agent');
  return app(run, 'line 59');
};

const summaryScreen = async () => {
  const run = new TestRun();
  run.phase = 'summary';
  run.agents = [new TestAgent(1), new TestAgent(2)];
  run.summary = summaryOf(run, 2);
  run.diff = async (agent: number) => {
    run.calls.push(`diff ${agent}`);
    return [
      'diff --git a/x b/x',
      '--- a/x',
      '+++ b/x',
      '@@ -0,0 +1,100 @@',
      ...Array.from({ length: 100 }, (_, i) => `+line ${String(i).padStart(3, '0')}`),
    ].join('\n');
  };
  return app(run, 'Summary · run');
};

const diffScreen = async () => {
  const h = await summaryScreen();
  h.press('d');
  await h.shows('+line 000');
  return h;
};

const standalone = async (element: (flags: Set<string>) => React.JSX.Element, shown: string): Promise<Harness> => {
  const flags = new Set<string>();
  const rendered = withFrame(render(element(flags)));
  onTestFinished(() => rendered.unmount());
  await rendered.shows(shown);
  return harnessOf(rendered as unknown as ReturnType<typeof renderApp>, new TestRun(), flags);
};

const settingsScreen = () => {
  const dir = makeTempDir('ao-config-');
  onTestFinished(dir.cleanup);
  const store = openConfigStore({ AIDER_ORCHESTRATOR_CONFIG_DIR: dir.dir });
  return standalone(
    (flags) => (
      <KeyRouter onInterrupt={() => flags.add('interrupt')}>
        <ConfigScreen store={store} height={24} onBack={() => flags.add('back')} />
      </KeyRouter>
    ),
    'Settings',
  );
};

const SCREENS: {
  [M in KeymapName]: { setup(): Promise<Harness>; checks: Record<(typeof KEYMAPS)[M]['bindings'][number]['action'], Check> };
} = {
  checking: {
    setup: () =>
      standalone(
        (flags) => (
          <KeyRouter onInterrupt={() => flags.add('cancel')}>
            <CheckingScreen change="Add a greeting" onCancel={() => flags.add('cancel')} />
          </KeyRouter>
        ),
        'Checking the repository',
      ),
    checks: {
      cancel: { after: (h) => flagged(h, 'cancel') },
      interrupt: { after: (h) => flagged(h, 'cancel') },
    },
  },
  change: {
    setup: () => {
      const run = new TestRun();
      run.change = '';
      return app(run, 'What should the agents change?');
    },
    checks: {
      submit: { before: (h) => type(h, 'Add dark mode', 'Add dark mode'), after: (h) => called(h, 'setChange Add dark mode') },
      settings: { after: (h) => h.shows('Stored in') },
      quit: { after: (h) => called(h, 'cancel') },
      interrupt: { after: (h) => called(h, 'cancel') },
    },
  },
  prd: {
    setup: prdScreen,
    checks: {
      lineDown: { after: (h) => h.shows(/lines, 2-/) },
      lineUp: { before: (h) => type(h, KEYS.down + KEYS.down, /lines, 3-/), after: (h) => h.shows(/lines, 2-/) },
      pageDown: { after: (h) => h.shows(/lines, (?!1-)\d+-/) },
      pageUp: { before: (h) => type(h, KEYS.end, 'requirement 59'), after: (h) => h.hides('requirement 59') },
      top: { before: (h) => type(h, KEYS.end, 'requirement 59'), after: (h) => h.shows(/lines, 1-/) },
      bottom: { after: (h) => h.shows('requirement 59') },
      approve: { after: (h) => called(h, 'approvePrd') },
      edit: { after: (h) => h.shows('Edited.') },
      regenerate: { after: (h) => h.shows('What should change in the PRD?') },
      cancel: { after: (h) => called(h, 'cancel') },
      help: { after: (h) => h.shows('Keys · PRD review') },
      interrupt: { after: (h) => called(h, 'cancel') },
    },
  },
  assignment: {
    setup: assignmentScreen,
    checks: {
      up: { before: (h) => type(h, KEYS.down + KEYS.down, /›\s+src\/client\.ts/), after: (h) => h.shows(/›\s+src\/api\.ts/) },
      down: { after: (h) => h.shows(/›\s+src\/api\.ts/) },
      pick: { before: (h) => type(h, KEYS.down, /›\s+src\/api\.ts/), after: (h) => h.shows('moving src/api.ts') },
      send: { before: (h) => type(h, KEYS.down, /›\s+src\/api\.ts/), after: (h) => h.shows('Agent 2 Part 2 of 2: ui (2 files)') },
      unassign: { before: (h) => type(h, KEYS.down, /›\s+src\/api\.ts/), after: (h) => h.shows('Unassigned') },
      addAgent: { after: (h) => h.shows('File assignment · 3 agents') },
      removeAgent: { after: (h) => h.shows('File assignment · 1 agent ') },
      putBack: { before: (h) => type(h, `${KEYS.down} `, 'moving src/api.ts'), after: (h) => h.hides('moving src/api.ts') },
      start: { after: (h) => called(h, 'startAgents') },
      cancel: { after: (h) => called(h, 'cancel') },
      help: { after: (h) => h.shows('Keys · File assignment') },
      interrupt: { after: (h) => called(h, 'cancel') },
    },
  },
  dashboard: {
    setup: dashboardScreen,
    checks: {
      nextPane: {
        after: async (h) => {
          h.press('s');
          return called(h, 'stopAgent 2');
        },
      },
      previousPane: {
        after: async (h) => {
          h.press('s');
          return called(h, 'stopAgent 2');
        },
      },
      selectPane: {
        after: async (h) => {
          h.press('s');
          return called(h, 'stopAgent 2');
        },
      },
      zoom: { after: (h) => h.hides('other agent') },
      focus: { after: (h) => h.shows('typing into agent 1') },
      scrollUp: { after: (h) => h.shows(/#1 .*↑\d+/) },
      scrollDown: { before: (h) => type(h, KEYS.pageUp + KEYS.pageUp, /#1 .*↑3\d/), after: (h) => h.shows(/#1 .*↑1\d/) },
      live: { before: (h) => type(h, KEYS.pageUp, /#1 .*↑\d+/), after: (h) => h.hides(/#1 .*↑\d+/) },
      search: { after: (h) => h.shows('Search agent 1’s scrollback') },
      nextMatch: { before: (h) => type(h, '/needle\r', '/needle 1/3'), after: (h) => h.shows('/needle 2/3') },
      previousMatch: {
        before: async (h) => {
          await type(h, '/needle\r', '/needle 1/3');
          await type(h, 'n', '/needle 2/3');
        },
        after: (h) => h.shows('/needle 1/3'),
      },
      stop: { after: (h) => called(h, 'stopAgent 1') },
      restart: {
        before: async (h) => {
          h.run.agents[0]!.state = 'failed';
          h.run.emit('agent:state', 1, 'failed', 'the model call failed');
          await h.shows('#1 ✖ failed');
        },
        after: (h) => called(h, 'restartAgent 1'),
      },
      diff: {
        after: async (h) => {
          await called(h, 'diff 1');
          return h.shows('+added line of agent 1');
        },
      },
      settings: { after: (h) => h.shows('Stored in') },
      quit: { after: (h) => h.shows('Stop 2 running agents and quit?') },
      help: { after: (h) => h.shows('Keys · Agents dashboard') },
      interrupt: { after: (h) => called(h, 'stopAll') },
    },
  },
  focus: {
    setup: async () => {
      const h = await dashboardScreen();
      await type(h, KEYS.enter, 'typing into agent 1');
      return h;
    },
    checks: {
      leave: { after: (h) => h.hides('typing into agent 1') },
    },
  },
  summary: {
    setup: summaryScreen,
    checks: {
      up: {
        before: (h) => type(h, KEYS.down, '2123456 feat: greet'),
        after: async (h) => {
          await h.shows('1123456 feat: greet');
          h.press('d');
          return called(h, 'diff 1');
        },
      },
      down: {
        after: async (h) => {
          await h.shows('2123456 feat: greet');
          h.press('d');
          return called(h, 'diff 2');
        },
      },
      diff: { after: (h) => called(h, 'diff 1') },
      merge: { after: (h) => h.shows('merged agent 1 into aider-orchestrator/test/merged') },
      pickWinner: {
        before: async (h) => {
          const summary = h.run.summary!;
          const judgement = { by: 'model' as const, reason: 'cleaner change', time: summary.finishedAt };
          h.run.summary = {
            ...summary,
            agents: summary.agents.map((agent) => ({
              ...agent,
              attempt: { task: 1, attempt: agent.id, of: 2 },
              winner: agent.id === 1,
              ...(agent.id === 1 ? { judgement } : {}),
            })),
          };
          h.run.emit('run:summary', h.run.summary);
          await type(h, KEYS.down, 'not picked: agent 1 won (model)');
        },
        after: (h) => called(h, 'pickWinner 2'),
      },
      resolve: {
        after: async (h) => {
          await called(h, 'merge --resolve');
          return h.shows('agent 2 conflicted in a.py: resolved by an agent and merged');
        },
      },
      pullRequest: {
        after: async (h) => {
          await h.shows('Push aider-orchestrator/test/merged to origin and open a pull request in octo/app into main?');
          h.press('y');
          await called(h, 'openPullRequests');
          await h.shows('opened pull request #1 for aider-orchestrator/test/merged: https://github.com/octo/app/pull/1');
        },
      },
      followUp: { after: (h) => h.shows('Follow-up for agent 1: what should it do next?') },
      back: { after: (h) => h.shows('aider-orchestrator 20260101-000000-test summary') },
      quit: { after: exits },
      help: { after: (h) => h.shows('Keys · Summary') },
      interrupt: { after: exits },
    },
  },
  diff: {
    setup: diffScreen,
    checks: {
      lineDown: { after: (h) => h.shows(/› +diff --git/) },
      lineUp: { before: (h) => type(h, KEYS.down + KEYS.down, /› +--- a\/x/), after: (h) => h.shows(/› +diff --git/) },
      pageDown: { after: (h) => h.shows(/› +\d+ \+line \d+/) },
      pageUp: { before: (h) => type(h, KEYS.end, /› +100 \+line 099/), after: (h) => h.shows(/› +\d+ \+line 0[0-8]\d/) },
      top: { before: (h) => type(h, KEYS.end, /› +100 \+line 099/), after: (h) => h.shows(/› +the whole change/) },
      bottom: { after: (h) => h.shows(/› +100 \+line 099/) },
      comment: { after: (h) => h.shows('Comment on the whole change') },
      deleteComment: { before: (h) => type(h, 'cwhy this?\r', '↳ why this?'), after: (h) => h.hides('↳ why this?') },
      send: {
        before: async (h) => {
          h.run.agents[0]!.state = 'succeeded';
          h.run.emit('agent:state', 1, 'succeeded', undefined);
          await type(h, 'cwhy this?\r', '↳ why this?');
        },
        after: (h) => called(h, 'followUp 1'),
      },
      back: { after: (h) => h.shows('Summary · run') },
      help: { after: (h) => h.shows('Keys · Diff') },
      interrupt: { after: exits },
    },
  },
  config: {
    setup: settingsScreen,
    checks: {
      up: { before: (h) => type(h, KEYS.down, /› PRD model/), after: (h) => h.shows(/› Agent model/) },
      down: { after: (h) => h.shows(/› PRD model/) },
      edit: { after: (h) => h.shows('editing Agent model') },
      save: { after: (h) => h.shows('saved to') },
      back: { after: (h) => flagged(h, 'back') },
      help: { after: (h) => h.shows('Keys · Settings') },
      interrupt: { after: (h) => flagged(h, 'interrupt') },
    },
  },
  configEdit: {
    setup: async () => {
      const h = await settingsScreen();
      await type(h, KEYS.enter, 'editing Agent model');
      return h;
    },
    checks: {
      keep: {
        before: (h) => type(h, 'x-model', 'x-model'),
        after: async (h) => {
          await h.hides('editing Agent model');
          return expect(h.frame()).toMatch(/Agent model.*x-model/);
        },
      },
      cancel: {
        before: (h) => type(h, 'x-model', 'x-model'),
        after: async (h) => {
          await h.hides('editing Agent model');
          return expect(h.frame()).not.toContain('x-model');
        },
      },
      interrupt: { after: (h) => flagged(h, 'interrupt') },
    },
  },
  help: {
    // The dashboard's help is longer than the test window: it scrolls.
    setup: async () => {
      const h = await dashboardScreen();
      await type(h, '?', 'Keys · Agents dashboard');
      return h;
    },
    checks: {
      close: { after: (h) => h.hides('Keys · Agents dashboard') },
      lineDown: { after: (h) => h.hides('select the next pane') },
      lineUp: { before: (h) => type(h, KEYS.down, /^(?![\s\S]*select the next pane)/), after: (h) => h.shows('select the next pane') },
      interrupt: { after: (h) => called(h, 'stopAll') },
    },
  },
  confirm: {
    setup: async () => {
      const h = await dashboardScreen();
      await type(h, 'q', 'and quit?');
      return h;
    },
    checks: {
      yes: { after: (h) => called(h, 'stopAll') },
      no: {
        after: async (h) => {
          await h.hides('and quit?');
          return expect(h.run.calls).not.toContain('stopAll');
        },
      },
      interrupt: { after: (h) => called(h, 'stopAll') },
    },
  },
  prompt: {
    setup: async () => {
      const h = await prdScreen();
      await type(h, 'r', 'What should change in the PRD?');
      return h;
    },
    checks: {
      submit: { before: (h) => type(h, 'shorter', 'shorter'), after: (h) => called(h, 'generatePrd shorter') },
      cancel: {
        after: async (h) => {
          await h.hides('What should change in the PRD?');
          return expect(h.run.calls).not.toContain('generatePrd shorter');
        },
      },
      interrupt: { after: (h) => called(h, 'cancel') },
    },
  },
};

/** The keys to press for a binding: each of them (one digit stands for 1-9, the agents being two). */
const keysOf = (binding: Binding<string, never>): KeyCombo[] => (binding.shown === '1-9' ? [binding.keys[1]!] : [...binding.keys]);

describe('every key does what the keymap says it does', () => {
  for (const [name, keymap] of Object.entries(KEYMAPS) as [KeymapName, (typeof KEYMAPS)[KeymapName]][]) {
    describe(keymap.title, () => {
      const screen = SCREENS[name] as { setup(): Promise<Harness>; checks: Record<string, Check> };
      it('has a check for each action and no check for an action it does not have', () => {
        expect(Object.keys(screen.checks).sort()).toEqual([...new Set(keymap.bindings.map((binding) => binding.action))].sort());
      });
      for (const binding of keymap.bindings as readonly Binding<string, never>[]) {
        for (const combo of keysOf(binding)) {
          it(`${keyLabel(combo)}: ${binding.label}`, async () => {
            const check = screen.checks[binding.action];
            expect(check, `a check for ${name}.${binding.action}`).toBeDefined();
            const h = await screen.setup();
            await check!.before?.(h);
            h.press(keyBytes(combo));
            await check!.after(h);
          });
        }
      }
    });
  }
});
