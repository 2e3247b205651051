import type http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts a stand-in on 127.0.0.1 at a free port. `close()` ends hanging requests and keep-alive
 * sockets first: they would otherwise keep it waiting forever.
 */
export const listenOnLoopback = async (server: http.Server): Promise<{ port: number; close(): Promise<void> }> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
