import { Box, Text, useApp, useWindowSize } from 'ink';
import { useEffect, useRef, useState } from 'react';
import type { ReviewComment } from '../agents/reviewComments.js';
import type { ConfigStore } from '../config/store.js';
import { isUserError } from '../errors.js';
import { EXIT_CANCELLED, exitCodeFor } from '../orchestrator/exitCode.js';
import { interruptAction } from '../orchestrator/interrupt.js';
import type { Plan } from '../plan/types.js';
import { useRunStore } from './hooks/useRunStore.js';
import { KeyRouter } from './keys/KeyRouter.js';
import { routeScreen, type Screen, type View } from './route.js';
import { AssignmentScreen } from './screens/AssignmentScreen.js';
import { ChangeScreen } from './screens/ChangeScreen.js';
import { ConfigScreen } from './screens/ConfigScreen.js';
import { DashboardScreen } from './screens/DashboardScreen.js';
import { DiffScreen } from './screens/DiffScreen.js';
import { PrdScreen } from './screens/PrdScreen.js';
import { MERGING, OPENING_PULL_REQUEST, PREPARING_PULL_REQUEST, SummaryScreen } from './screens/SummaryScreen.js';

export interface AppProps {
  /** One-line notices from the run's checks (e.g. uncommitted changes). */
  warnings: readonly string[];
  /** --yes: approve the PRD and the assignment without asking. */
  yes: boolean;
  /** Opens text in the user's editor (the terminal is handed over meanwhile); injected by cli/. */
  editText(text: string): Promise<string>;
  openConfigStore(): ConfigStore;
  /** Aborted on SIGTERM / SIGINT from outside: the same as Ctrl-C in the app. */
  interrupt?: AbortSignal;
}

const messageOf = (error: unknown): string =>
  isUserError(error) ? error.message : `unexpected error: ${(error as Error).message ?? String(error)}`;

/** The app shell: runs the commands the screens ask for; routeScreen picks the screen. */
export const App = ({ warnings, yes, editText, openConfigStore, interrupt }: AppProps) => {
  const { run } = useRunStore();
  const { exit, suspendTerminal } = useApp();
  const { columns, rows } = useWindowSize();
  const [view, setView] = useState<View>(run.change ? 'run' : 'change');
  const [back, setBack] = useState<View>('run');
  const [error, setError] = useState<string>();
  /** The agent whose diff is open over the dashboard or the summary (which stay as they were under it). */
  const [reviewing, setReviewing] = useState<number>();
  /** Review comments not sent yet, by agent: leaving a diff keeps them. */
  const drafts = useRef(new Map<number, readonly ReviewComment[]>());
  const [mergeReport, setMergeReport] = useState<string[]>();
  const [pullRequestReport, setPullRequestReport] = useState<string[]>();
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

  /** Ctrl-C in the app and SIGINT / SIGTERM from outside: the run's one interrupt policy. */
  const onInterrupt = () => {
    const action = interruptAction(run);
    if (action === 'quit') quit(exitCodeFor(run.summary!.status));
    else if (action === 'stop') stopAndQuit();
    else cancel();
  };
  const latestInterrupt = useRef(onInterrupt);
  latestInterrupt.current = onInterrupt;

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
    // Not under an open diff: the screen under it stays the one it was opened over.
    if (run.phase === 'summary' && !sawSummary.current && view === 'run' && reviewing === undefined) {
      sawSummary.current = true;
      setView('summary');
    }
  });

  useEffect(() => {
    if (!interrupt) return;
    const onAbort = () => latestInterrupt.current();
    interrupt.addEventListener('abort', onAbort);
    return () => interrupt.removeEventListener('abort', onAbort);
  }, [interrupt]);

  const openConfig = () => {
    setBack(view);
    setView('config');
  };

  const screen = routeScreen(view, run);
  // The settings open over the screen they came from, which stays mounted (hidden) under them:
  // closing them returns to it exactly as it was (a zoomed pane, the selected agent, a typed change).
  const base = screen === 'config' ? routeScreen(back, run) : screen;
  const height = rows;
  const render = (shown: Screen) => {
    switch (shown) {
      case 'change':
        return (
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
      case 'config':
        return <ConfigScreen store={openConfigStore()} height={height} onBack={() => setView(back)} />;
      case 'summary':
        return (
          <SummaryScreen
            summary={run.summary!}
            height={height}
            onDiff={setReviewing}
            mergeReport={mergeReport}
            onMerge={(resolve) => {
              setMergeReport([MERGING]);
              run.merge({ resolve }).then(setMergeReport, (caught: unknown) => setMergeReport([messageOf(caught)]));
            }}
            onPickWinner={(agent) => run.pickWinner(agent).catch((caught: unknown) => setMergeReport([messageOf(caught)]))}
            pullRequestReport={pullRequestReport}
            onPullRequest={(ask) => {
              const failed = (caught: unknown) => setPullRequestReport([messageOf(caught)]);
              setPullRequestReport([PREPARING_PULL_REQUEST]);
              run.preparePullRequests().then((offer) => {
                setPullRequestReport(offer.lines);
                ask(
                  offer.question,
                  () => {
                    setPullRequestReport([OPENING_PULL_REQUEST, ...offer.lines]);
                    offer.open().then(setPullRequestReport, failed);
                  },
                  () => setPullRequestReport(['nothing pushed']),
                );
              }, failed);
            }}
            onBack={() => setView('run')}
            onQuit={() => quit(exitCodeFor(run.summary!.status))}
          />
        );
      case 'assignment':
        return (
          <AssignmentScreen
            initialPlan={run.plan!}
            maxAgents={run.maxAgents * run.settings.agentsPerTask}
            height={height}
            error={error}
            onStart={startAgents}
            onCancel={cancel}
          />
        );
      case 'dashboard':
        return (
          <DashboardScreen
            width={columns}
            height={error ? height - 1 : height}
            onQuit={() => (run.phase === 'summary' && run.summary ? quit(exitCodeFor(run.summary.status)) : stopAndQuit())}
            onConfig={openConfig}
            onDiff={setReviewing}
            covered={reviewing !== undefined}
          />
        );
      case 'prd':
        return (
          <PrdScreen
            width={columns}
            height={height}
            error={error}
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
  };
  return (
    <KeyRouter onInterrupt={() => latestInterrupt.current()}>
      {/* Under an open diff or the settings the screen stays mounted, hidden: going back finds it as it was. */}
      <Box flexDirection="column" flexGrow={1} display={reviewing === undefined && screen !== 'config' ? 'flex' : 'none'}>
        {render(base)}
        {error && screen === 'dashboard' ? (
          <Text color="red" wrap="truncate">
            {error}
          </Text>
        ) : null}
      </Box>
      {screen === 'config' ? render('config') : null}
      {reviewing !== undefined ? (
        <DiffScreen
          key={reviewing}
          agent={reviewing}
          width={columns}
          height={height}
          comments={drafts.current.get(reviewing) ?? []}
          onComments={(comments) => drafts.current.set(reviewing, comments)}
          onBack={() => setReviewing(undefined)}
        />
      ) : null}
    </KeyRouter>
  );
};
