import { Box, Text } from 'ink';
import type { AgentView } from '../../agents/types.js';
import type { RunPhase } from '../../orchestrator/events.js';
import { formatCount } from './stateStyle.js';

/** The run at a glance: phase, agents working / done / failed, iterations, tokens, cost. */
export const StatusBar = ({ phase, agents, runId }: { phase: RunPhase; agents: readonly AgentView[]; runId: string }) => {
  const count = (states: string[]) => agents.filter((agent) => states.includes(agent.state)).length;
  const iterations = agents.reduce((sum, agent) => sum + agent.usage.iterations, 0);
  const tokens = agents.reduce((sum, agent) => sum + agent.usage.tokens.total, 0);
  const cost = agents.reduce((sum, agent) => sum + agent.usage.cost, 0);
  return (
    <Box height={1} overflow="hidden">
      <Text wrap="truncate">
        <Text bold color="cyan">
          aider-orchestrator
        </Text>{' '}
        <Text dimColor>{runId}</Text> <Text>{phase}</Text> · <Text color="cyan">{count(['starting', 'working', 'waiting'])} working</Text> ·{' '}
        <Text color="gray">{count(['queued'])} queued</Text> · <Text color="green">{count(['succeeded'])} done</Text> ·{' '}
        <Text color="red">{count(['failed'])} failed</Text> · {iterations} iterations · {formatCount(tokens)} tokens · ${cost.toFixed(4)}
      </Text>
    </Box>
  );
};
