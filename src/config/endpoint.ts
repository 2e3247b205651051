import net from 'node:net';
import { UserError } from '../errors.js';
import { detectProvider } from './providers.js';

/** Where the agents' model is served when the user points aider at their own server. */
export interface AgentEndpoint {
  url: string;
  /** The variable that set it (or that would change it), for the fix. */
  variable: string;
}

/** Ollama's address when OLLAMA_API_BASE is unset (litellm's default). */
const OLLAMA_DEFAULT = 'http://127.0.0.1:11434';

/**
 * The endpoint worth probing before a run: a self-hosted or local server (OPENAI_API_BASE,
 * Ollama). Cloud defaults are not probed: they are up, and the key check covers them.
 */
export const agentEndpoint = (model: string, env: NodeJS.ProcessEnv): AgentEndpoint | undefined => {
  const provider = detectProvider(model)?.name;
  if (provider === 'OpenAI' && env.OPENAI_API_BASE?.trim()) return { url: env.OPENAI_API_BASE.trim(), variable: 'OPENAI_API_BASE' };
  if (provider === 'Ollama') return { url: env.OLLAMA_API_BASE?.trim() || OLLAMA_DEFAULT, variable: 'OLLAMA_API_BASE' };
  return undefined;
};

/** Errors that mean nothing listens there; anything else (a slow network) is left to aider's retries. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);

/**
 * Opens (and closes) one TCP connection to the agents' endpoint. Aider retries a refused
 * connection for about a minute per agent before it gives up, so a server that is not running
 * is caught here, before the PRD costs anything. Resolves with a warning when it cannot tell.
 */
export const checkAgentEndpoint = async (model: string, env: NodeJS.ProcessEnv, timeoutMs = 3000): Promise<string | undefined> => {
  const endpoint = agentEndpoint(model, env);
  if (!endpoint) return undefined;
  let url: URL;
  try {
    url = new URL(endpoint.url);
  } catch {
    throw new UserError(`${endpoint.variable}=${endpoint.url} is not a URL: set it to the server's address, e.g. http://127.0.0.1:8000/v1`);
  }
  // Never echo credentials a URL may carry.
  const shown = `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const failure = await new Promise<NodeJS.ErrnoException | 'timeout' | undefined>((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('error', (error) => resolve(error));
  });
  if (failure === undefined) return undefined;
  if (failure === 'timeout')
    return `the agents' model server ${shown} did not accept a connection within ${timeoutMs / 1000} s; going on (aider will retry)`;
  if (failure.code && UNREACHABLE.has(failure.code)) {
    throw new UserError(
      `cannot reach the agents' model server ${shown} (${failure.code}): start it, or fix ${endpoint.variable} in the environment or .env`,
    );
  }
  return `the agents' model server ${shown} could not be checked (${failure.code ?? failure.message}); going on`;
};
