import { Box, Text, useApp, useInput, useWindowSize } from 'ink';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { ConfigStore } from '../config/store.js';
import { isUserError } from '../errors.js';
import { EXIT_CANCELLED, exitCodeFor } from '../orchestrator/exitCode.js';
import type { Plan } from '../plan/types.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { useRunStore } from './hooks/useRunStore.js';
import type { ScreenName } from './keys/keymap.js';
import { AssignmentScreen } from './screens/AssignmentScreen.js';
import { ChangeScreen } from './screens/ChangeScreen.js';
import { ConfigScreen } from './screens/ConfigScreen.js';
import { DashboardScreen } from './screens/DashboardScreen.js';
import { DiffScreen } from './screens/DiffScreen.js';
import { PrdScreen } from './screens/PrdScreen.js';
import { SummaryScreen } from './screens/SummaryScreen.js';

export interface AppProps {
  /** One-line notices from the run's checks (e.g. uncommitted changes). */
  warnings: readonly string[];
  /** --yes: approve the PRD and the assignment without asking. */
  yes: boolean;
  /** Opens text in the user's editor (the terminal is handed over meanwhile). */
  editText(text: string): Promise<string>;
  openConfigStore(): ConfigStore;
  /** Aborted on SIGTERM / SIGINT from outside: stop the agents (or cancel) and quit. */
  interrupt?: AbortSignal;
}

type View = 'change' | 'run' | 'config' | 'summary' | 'diff';

const messageOf = (error: unknown): string =>
  isUserError(error) ? error.message : `unexpected error: ${(error as Error).message ?? String(error)}`;

/** The app shell: picks the screen from the run's phase and the user's navigation; screens do the rest. */
export const App = ({ warnings, yes, editText, openConfigStore, interrupt }: AppProps) => {
  const { run } = useRunStore();
  const { exit, suspendTerminal } = useApp();
  const { columns, rows } = useWindowSize();
  const [view, setView] = useState<View>(run.change ? 'run' : 'change');
  const [back, setBack] = useState<View>('run');
  const [help, setHelp] = useState(false);
  const [error, setError] = useState<string>();
  const [diff, setDiff] = useState<{ agent: number; text: string | undefined }>();
  const [mergeReport, setMergeReport] = useState<string[]>();
  const started = useRef(false);
  const sawSummary = useRef(false);

  const attempt = (action: () => Promise<unknown>) => {
    setError(undefined);
    action().catch((caught: unknown) => setError(messageOf(caught)));
  };

  const writePrd = (feedback?: string) =>
    attempt(async () => {
      await run.generatePrd(feedback);
      if (yes) await approve();
    });

  const approve = async () => {
    await run.approvePrd();
    if (yes && run.plan) startAgents(run.plan);
  };

  const startAgents = (plan: Plan) => {
    try {
      run.setPlan(plan);
    } catch (caught) {
      setError(messageOf(caught));
      return;
    }
    setError(undefined);
    run.startAgents().catch((caught: unknown) => setError(messageOf(caught)));
  };

  const quit = (code: number) => exit(code);

  const stopAndQuit = () =>
    attempt(async () => {
      await run.stopAll();
      const summary = await run.startAgents();
      quit(exitCodeFor(summary.status));
    });

  const cancel = () => {
    run.cancel();
    quit(EXIT_CANCELLED);
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: start once, when the change is known
  useEffect(() => {
    if (view === 'run' && !started.current) {
      started.current = true;
      // A resumed run is past its PRD and plan: straight to the agents.
      if (run.phase === 'agents') run.startAgents().catch((caught: unknown) => setError(messageOf(caught)));
      else writePrd();
    }
  }, [view]);

  useEffect(() => {
    if (run.phase === 'summary' && !sawSummary.current && view === 'run') {
      sawSummary.current = true;
      setView('summary');
    }
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: registered once; reads the run when it fires
  useEffect(() => {
    if (!interrupt) return;
    const onInterrupt = () => {
      if (run.phase === 'summary' && run.summary) quit(exitCodeFor(run.summary.status));
      else if (run.phase === 'agents' || run.phase === 'workspaces') stopAndQuit();
      else cancel();
    };
    interrupt.addEventListener('abort', onInterrupt);
    return () => interrupt.removeEventListener('abort', onInterrupt);
  }, [interrupt]);

  useInput(() => setHelp(false), { isActive: help });
  const openHelp = (input: string) => input === '?' && setHelp(true);
  useInput((input) => openHelp(input), { isActive: !help && (view === 'summary' || (view === 'run' && run.phase !== 'agents' && run.phase !== 'workspaces')) });

  const height = rows;
  const screenName: ScreenName =
    view === 'run'
      ? run.phase === 'assignment'
        ? 'assignment'
        : run.phase === 'agents' || run.phase === 'workspaces' || run.phase === 'summary'
          ? 'dashboard'
          : 'prd'
      : view === 'summary'
        ? 'summary'
        : view === 'diff'
          ? 'diff'
          : view === 'config'
            ? 'config'
            : 'change';

  const openConfig = () => {
    setBack(view);
    setView('config');
  };

  let screen: ReactNode;
  if (help) screen = <HelpOverlay screen={screenName} />;
  else if (view === 'change') {
    screen = (
      <ChangeScreen
        warnings={warnings}
        onSubmit={(change) => {
          run.setChange(change);
          setView('run');
        }}
        onConfig={openConfig}
        onQuit={cancel}
      />
    );
  } else if (view === 'config') {
    screen = <ConfigScreen store={openConfigStore()} height={height} onBack={() => setView(back)} />;
  } else if (view === 'diff' && diff) {
    const agent = run.agents.find((a) => a.id === diff.agent);
    screen = <DiffScreen title={`Agent ${diff.agent} · ${agent?.branch ?? ''}`} diff={diff.text} height={height} onBack={() => setView('summary')} />;
  } else if (view === 'summary' && run.summary) {
    screen = (
      <SummaryScreen
        summary={run.summary}
        height={height}
        helpOpen={help}
        onDiff={(agent) => {
          setDiff({ agent, text: undefined });
          setView('diff');
          run.diff(agent).then(
            (text) => setDiff({ agent, text }),
            (caught: unknown) => setDiff({ agent, text: messageOf(caught) }),
          );
        }}
        mergeReport={mergeReport}
        onMerge={() => {
          setMergeReport(['merging…']);
          run.merge().then(setMergeReport, (caught: unknown) => setMergeReport([messageOf(caught)]));
        }}
        onBack={() => setView('run')}
        onQuit={() => quit(exitCodeFor(run.summary!.status))}
      />
    );
  } else if (screenName === 'assignment' && run.plan) {
    screen = (
      <AssignmentScreen
        initialPlan={run.plan}
        maxAgents={run.maxAgents * run.settings.agentsPerTask}
        height={height}
        error={error}
        helpOpen={help}
        onStart={startAgents}
        onCancel={cancel}
      />
    );
  } else if (screenName === 'dashboard') {
    screen = (
      <DashboardScreen
        width={columns}
        height={height}
        helpOpen={help}
        onQuit={() => (run.phase === 'summary' && run.summary ? quit(exitCodeFor(run.summary.status)) : stopAndQuit())}
        onConfig={openConfig}
        onHelp={() => setHelp(true)}
      />
    );
  } else {
    screen = (
      <PrdScreen
        width={columns}
        height={height}
        error={error}
        helpOpen={help}
        onApprove={() => attempt(approve)}
        onEdit={() =>
          attempt(async () => {
            await suspendTerminal(async () => {
              run.setPrd(await editText(run.prd));
            });
          })
        }
        onRegenerate={(feedback) => writePrd(feedback)}
        onCancel={cancel}
      />
    );
  }
  return (
    <Box flexDirection="column" width={columns} height={rows} overflow="hidden">
      {screen}
      {error && screenName === 'dashboard' ? <Text color="red">{error}</Text> : null}
    </Box>
  );
};
