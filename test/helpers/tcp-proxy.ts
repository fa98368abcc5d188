import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP relay in front of a real broker, so a test can cut the bridge's connection (a Wi-Fi
 * drop, a NAT timeout) without stopping the broker and losing what it retains. While `blocked`, new
 * connections are closed at once, as by a broker that is not reachable yet.
 */

export interface TcpProxy {
  readonly port: number;
  readonly url: string;
  /** Connections relayed so far (each reconnect of a client is one more). */
  readonly accepted: number;
  /** Closes every relayed connection. */
  drop(): void;
  blocked: boolean;
  stop(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let accepted = 0;
  const proxy: { blocked: boolean } = { blocked: false };
  const server: Server = createServer((client) => {
    if (proxy.blocked) {
      client.destroy();
      return;
    }
    accepted++;
    const upstream = connect(target.port, target.host);
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const close = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const drop = () => {
    for (const [a, b] of pairs) {
      a.destroy();
      b.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    drop,
    get blocked() {
      return proxy.blocked;
    },
    set blocked(value: boolean) {
      proxy.blocked = value;
    },
    async stop() {
      drop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
