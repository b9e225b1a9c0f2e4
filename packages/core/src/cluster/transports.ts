import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import { isPerfkitMessage, type PerfkitMessage } from './protocol';

/** The other end of a link: a cluster worker (seen from the primary), the primary, or the threads of this process. */
export interface Peer {
  /** `cluster` for IPC, `thread` for the process's BroadcastChannel. */
  readonly via: 'cluster' | 'thread';
  /** The cluster worker's id (IPC only). */
  readonly workerId?: number;
  /** Sends a message; never throws (a closed channel just loses it). */
  send(msg: PerfkitMessage): void;
}

/** Receives the messages addressed to one perfkit, plus those nobody claims (to report garbage once). */
export interface Receiver {
  onMessage(peer: Peer, msg: { perfkit: unknown; kind: unknown; from: unknown; to: unknown }): void;
  onWorkerExit?(workerId: number, code: number | null, signal: string | null): void;
}

const receivers = new Map<string, Receiver>();
let lastReceiver: Receiver | undefined;

function dispatch(peer: Peer, msg: unknown): void {
  try {
    deliver(peer, msg);
  } catch {
    // A receiver reports what it cannot take; nothing on a shared channel may throw into the application.
  }
}

function deliver(peer: Peer, msg: unknown): void {
  if (!isPerfkitMessage(msg)) return; // the application's own message
  if (msg.to === '*') {
    for (const r of [...receivers.values()]) r.onMessage(peer, msg);
    return;
  }
  const target = typeof msg.to === 'string' ? receivers.get(msg.to) : undefined;
  if (target) target.onMessage(peer, msg);
  else if (peer.via === 'cluster' && cluster.isPrimary) lastReceiver?.onMessage(peer, msg); // unaddressed: reported once as garbage
}

let clusterHooked = false;
const peers = new WeakMap<ClusterWorker, Peer>();

function workerPeer(worker: ClusterWorker): Peer {
  let peer = peers.get(worker);
  if (!peer) {
    peer = {
      via: 'cluster',
      workerId: worker.id,
      send(msg) {
        try {
          if (worker.isConnected()) worker.send(msg, undefined, () => undefined);
        } catch {
          // The worker is gone: its exit event settles what waited for it.
        }
      },
    };
    peers.set(worker, peer);
  }
  return peer;
}

const primaryPeer: Peer = {
  via: 'cluster',
  send(msg) {
    try {
      if (process.connected) process.send?.(msg, undefined, undefined, () => undefined);
    } catch {
      // The primary is gone: nothing to report to.
    }
  },
};

function hookCluster(): void {
  if (clusterHooked) return;
  clusterHooked = true;
  if (cluster.isPrimary) {
    cluster.on('message', (worker: ClusterWorker, msg: unknown) => dispatch(workerPeer(worker), msg));
    cluster.on('exit', (worker: ClusterWorker, code: number | null, signal: string | null) => {
      for (const r of receivers.values()) r.onWorkerExit?.(worker.id, code, signal);
    });
  } else if (process.send) {
    // Like any worker that listens for messages, a worker with perfkit stays connected to its primary.
    process.on('message', (msg: unknown) => dispatch(primaryPeer, msg));
  }
}

let channel: BroadcastChannel | undefined;

const threadPeer: Peer = {
  via: 'thread',
  send(msg) {
    try {
      channel?.postMessage(msg);
    } catch {
      // Closed at shutdown.
    }
  },
};

function hookThreads(): void {
  if (channel) return;
  channel = new BroadcastChannel(`perfkit:${process.pid}`);
  channel.onmessage = (event: unknown) => dispatch(threadPeer, (event as { data: unknown }).data);
  channel.unref();
}

/** Registers a receiver under its id and starts listening where it needs to. */
export function listen(id: string, receiver: Receiver, on: { cluster: boolean; threads: boolean }): void {
  receivers.set(id, receiver);
  lastReceiver = receiver;
  if (on.cluster) hookCluster();
  if (on.threads) hookThreads();
}

/** Stops delivering to a receiver. */
export function unlisten(id: string): void {
  const r = receivers.get(id);
  receivers.delete(id);
  if (lastReceiver === r) lastReceiver = [...receivers.values()].pop();
}

/** How a reporter reaches its aggregator. */
export function peerFor(via: 'cluster' | 'thread'): Peer {
  return via === 'cluster' ? primaryPeer : threadPeer;
}

/** The BroadcastChannel peer, to send to every thread at once. */
export const threadsPeer = threadPeer;

/** Whether this thread is a process's main thread. */
export const isMain = isMainThread;
