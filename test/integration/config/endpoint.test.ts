import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { agentEndpoint, checkAgentEndpoint } from '../../../src/config/endpoint.js';
import { UserError } from '../../../src/errors.js';

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const listen = async (): Promise<http.Server> => {
  const server = http.createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return server;
};
const portOf = (server: http.Server) => (server.address() as AddressInfo).port;

/** A port nobody listens on: bound once, then released. */
const closedPort = async (): Promise<number> => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = portOf(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
};

describe('which endpoint is probed', () => {
  it('OPENAI_API_BASE for an OpenAI model', () => {
    expect(agentEndpoint('openai/local', { OPENAI_API_BASE: 'http://127.0.0.1:9/v1' })).toEqual({
      url: 'http://127.0.0.1:9/v1',
      variable: 'OPENAI_API_BASE',
    });
  });

  it("nothing for OpenAI's own cloud (no base URL) or a provider we cannot tell", () => {
    expect(agentEndpoint('gpt-4o', {})).toBeUndefined();
    expect(agentEndpoint('some-unknown-model', { OPENAI_API_BASE: 'http://127.0.0.1:9' })).toBeUndefined();
    expect(agentEndpoint('sonnet', { OPENAI_API_BASE: 'http://127.0.0.1:9' })).toBeUndefined();
  });

  it("Ollama's default address when OLLAMA_API_BASE is unset", () => {
    expect(agentEndpoint('ollama_chat/qwen2.5-coder', {})?.url).toBe('http://127.0.0.1:11434');
    expect(agentEndpoint('ollama/qwen', { OLLAMA_API_BASE: 'http://gpu-box:11434' })?.url).toBe('http://gpu-box:11434');
  });
});

describe('probing the agents’ model server', () => {
  it('passes silently when the server listens', async () => {
    const server = await listen();
    await expect(checkAgentEndpoint('openai/m', { OPENAI_API_BASE: `http://127.0.0.1:${portOf(server)}/v1` })).resolves.toBeUndefined();
  });

  it('a refused connection is a UserError naming the address and the variable', async () => {
    const port = await closedPort();
    const check = checkAgentEndpoint('openai/m', { OPENAI_API_BASE: `http://127.0.0.1:${port}/v1` });
    await expect(check).rejects.toBeInstanceOf(UserError);
    await expect(check).rejects.toThrow(
      `cannot reach the agents' model server http://127.0.0.1:${port}/v1 (ECONNREFUSED): start it, or fix OPENAI_API_BASE`,
    );
  });

  it('never shows credentials carried in the URL', async () => {
    const port = await closedPort();
    const check = checkAgentEndpoint('openai/m', { OPENAI_API_BASE: `http://user:s3cret@127.0.0.1:${port}/v1` });
    await expect(check).rejects.toThrow(/ECONNREFUSED/);
    await expect(check).rejects.not.toThrow(/s3cret/);
  });

  it('a value that is not a URL is named with an example', async () => {
    await expect(checkAgentEndpoint('openai/m', { OPENAI_API_BASE: 'localhost-8000' })).rejects.toThrow(
      /OPENAI_API_BASE=localhost-8000 is not a URL/,
    );
  });
});
