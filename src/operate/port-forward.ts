/**
 * A local TCP port forwarded to a pod's port through the API server, as `kubectl port-forward`
 * does, with @kubernetes/client-node's PortForward: one WebSocket per accepted connection.
 */
import * as net from 'net';
import { PassThrough } from 'stream';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { UsageError } from '../cli/usage-error';
import { reasonOf } from './errors';

/** The pod port to reach. */
export interface ForwardTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly port: number;
}

/** A listening forward. */
export interface OpenForward {
  /** The local port (on 127.0.0.1) that reaches the pod. */
  readonly localPort: number;
  /** Stops listening and ends every forwarded connection. */
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:`localPort` (0: a free port) and forwards each connection to `target`.
 * A connection the API server refuses (the pod went away, the port is closed) is ended with one
 * line on `log`; the forward keeps listening, as kubectl's does.
 */
export async function forwardPort(kubeConfig: KubeConfig, target: ForwardTarget, localPort: number, log: (line: string) => void): Promise<OpenForward> {
  // Stryker disable next-line BooleanLiteral: disconnectOnErr concerns channels beyond one port's two, which a one-port forward never receives
  const forwarder = new PortForward(kubeConfig, true);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    // Stryker disable next-line StringLiteral,ArrowFunction: keeps the set to open connections; close() destroying a closed socket again does nothing
    socket.on('close', () => sockets.delete(socket));
    forwardConnection(forwarder, target, socket, log);
  });
  await listen(server, localPort);
  return {
    localPort: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function forwardConnection(forwarder: PortForward, { namespace, pod, port }: ForwardTarget, socket: net.Socket, log: (line: string) => void): void {
  // The pod's side reports its errors (e.g. nothing listens on the port) on a channel of their own.
  const errors = new PassThrough();
  errors.on('data', (chunk: Buffer) => {
    log(`port-forward to ${namespace}/${pod}:${port}: ${chunk.toString().trim()}`);
    socket.destroy();
  });
  forwarder
    .portForward(namespace, pod, [port], socket, errors, socket)
    .then((connection) => {
      const webSocket = typeof connection === 'function' ? connection() : connection;
      webSocket?.on('close', () => socket.end());
      socket.on('close', () => webSocket?.close());
    })
    .catch((error: unknown) => {
      log(`port-forward to ${namespace}/${pod}:${port} failed: ${reasonOf(error)}`);
      socket.destroy();
    });
}

function listen(server: net.Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const problem = error.code === 'EADDRINUSE' ? 'is already in use' : `cannot be listened on (${error.code ?? error.message})`;
      reject(new UsageError(`local port ${port} ${problem}; choose another with --port`));
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}
