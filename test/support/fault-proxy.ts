/* A TCP proxy for fault tests: cut every connection, refuse new ones, or freeze traffic for a while. */
import { createServer, connect, type Server, type Socket } from 'node:net';

const CONNECTIONS_MAX = 1000;

export class FaultProxy {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private refuseUntil = 0;
  private frozen = false;
  /** Connections accepted and destroyed at once because the proxy was refusing. */
  refused = 0;

  constructor(private readonly target: { targetHost: string; targetPort: number }) {}

  /** Listens on a free loopback port and returns it. */
  async start(): Promise<number> {
    const server = createServer((client) => this.accept(client));
    this.server = server;
    server.maxConnections = CONNECTIONS_MAX;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const address = server.address();
    if (!address || typeof address !== 'object') throw new Error('fault proxy has no port');
    return address.port;
  }

  private accept(client: Socket): void {
    if (Date.now() < this.refuseUntil) {
      this.refused++;
      client.destroy();
      return;
    }
    const upstream = connect(this.target.targetPort, this.target.targetHost);
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    if (!this.frozen) flow(pair);
  }

  /** Destroys every open connection now, as a server crash or a network cut would. */
  cut(): void {
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
  }

  /** For `ms`, new connections are accepted and closed at once. */
  refuse(ms: number): void {
    this.refuseUntil = Date.now() + ms;
  }

  /** The server is gone for `ms`: open connections are cut and new ones refused; resolves when it is back. */
  async outage(ms: number): Promise<void> {
    this.refuse(ms);
    this.cut();
    await new Promise((r) => setTimeout(r, ms));
  }

  /** For `ms`, no byte moves either way, but nothing is closed; resolves when traffic flows again. */
  async freeze(ms: number): Promise<void> {
    this.frozen = true;
    for (const pair of this.pairs) hold(pair);
    await new Promise((r) => setTimeout(r, ms));
    this.frozen = false;
    for (const pair of this.pairs) flow(pair);
  }

  connections(): number {
    return this.pairs.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function flow([a, b]: [Socket, Socket]): void {
  a.pipe(b);
  b.pipe(a);
}

/** A paused stream with pipes attached may be resumed by them; unpiping first keeps it still. */
function hold([a, b]: [Socket, Socket]): void {
  a.unpipe(b);
  b.unpipe(a);
  a.pause();
  b.pause();
}
