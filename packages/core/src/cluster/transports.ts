import cluster, { type Worker as ClusterWorker } from 'node:cluster';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';
import { isPerfkitMessage, type PerfkitMessage } from './protocol';

/** The other end of a link: a cluster worker (seen from the primary), the primary, or another thread of this process. */
export interface Peer {
  /** `cluster` for IPC, `thread` for a BroadcastChannel between threads. */
  readonly via: 'cluster' | 'thread';
  /** The cluster worker's id (IPC only). */
  readonly workerId?: number;
  /** Sends a message; never throws (a closed channel just loses it). */
  send(msg: PerfkitMessage): void;
  /** Stops listening to this peer (a departed thread's channel); absent where there is nothing to close. */
  close?(): void;
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

// ---- node:cluster: the IPC channel between the primary and each worker ----

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

// ---- worker threads ----
//
// A BroadcastChannel delivers a message to every other instance of its name in the process, and an instance that
// only sends receives too (Node 20 deserializes and dispatches what others post; Node 26 queues it until someone
// listens). One channel for every thread made each report reach every thread. So each reporting thread and its
// aggregator talk over a channel of their own, named after both ids, with exactly one instance on each side: a
// report reaches the aggregator only, an acknowledgement its reporter only. The process-wide channel (the
// rendezvous) carries hellos, and what a thread sends before its aggregator's first answer on the pair channel;
// a thread closes its instance of it once answered. (A MessagePort would do, but BroadcastChannel cannot transfer
// one, and a thread's parentPort belongs to the application.)

const RENDEZVOUS = `perfkit:${process.pid}`;

/** The most pair channels an aggregating thread keeps open (hostile hellos cannot open more). */
const MAX_LINKS = 1024;

/** One side of a pair channel. */
interface Link extends Peer {
  /** The receiver on this side (an aggregator or a reporter), whose `unlisten` closes the link. */
  readonly owner: string;
  /** The other side answered on the pair channel (a reporter sends through the rendezvous until then). */
  isAnswered: boolean;
  readonly channel: BroadcastChannel;
}

const links = new Map<string, Link>();
/** This thread's listening instance of the rendezvous (an aggregator listens there for hellos). */
let rendezvous: BroadcastChannel | undefined;
/** This thread's sending instance of the rendezvous while one of its reporters has no answer yet. */
let outbox: BroadcastChannel | undefined;

function openLink(aggregator: string, reporter: string, owner: string, isAnswered: boolean): Link {
  const key = `${aggregator}:${reporter}`;
  const known = links.get(key);
  if (known) return known;
  if (links.size >= MAX_LINKS) links.values().next().value?.close?.();
  const channel = new BroadcastChannel(`${RENDEZVOUS}:${key}`);
  const link: Link = {
    via: 'thread',
    owner,
    isAnswered,
    channel,
    send(msg) {
      try {
        if (link.isAnswered) channel.postMessage(msg);
        else sendEarly(msg);
      } catch {
        // Closed at shutdown.
      }
    },
    close() {
      links.delete(key);
      channel.close();
    },
  };
  channel.onmessage = (event: unknown) => {
    if (!link.isAnswered) {
      link.isAnswered = true;
      closeOutboxWhenAnswered();
    }
    dispatch(link, (event as { data: unknown }).data);
  };
  channel.unref();
  links.set(key, link);
  return link;
}

function sendEarly(msg: PerfkitMessage): void {
  if (rendezvous) return rendezvous.postMessage(msg);
  if (!outbox) {
    outbox = new BroadcastChannel(RENDEZVOUS);
    // Drained, not read: what other threads say there is not for this one (an instance nobody listens to queues).
    outbox.onmessage = () => undefined;
    outbox.unref();
  }
  outbox.postMessage(msg);
}

function closeOutboxWhenAnswered(): void {
  if (!outbox) return;
  for (const link of links.values()) if (!link.isAnswered) return;
  outbox.close();
  outbox = undefined;
}

/** The rendezvous peer: answers to a sender that never said hello (garbage, most likely) go back there. */
const rendezvousPeer: Peer = {
  via: 'thread',
  send(msg) {
    try {
      rendezvous?.postMessage(msg);
    } catch {
      // Closed at shutdown.
    }
  },
};

function hookThreads(): void {
  if (rendezvous) return;
  rendezvous = new BroadcastChannel(RENDEZVOUS);
  rendezvous.onmessage = (event: unknown) => {
    const msg = (event as { data: unknown }).data;
    dispatch(linkFor(msg) ?? rendezvousPeer, msg);
  };
  rendezvous.unref();
}

/** The pair channel to the sender of a rendezvous message addressed to a receiver here (opened by its hello). */
function linkFor(msg: unknown): Link | undefined {
  if (!isPerfkitMessage(msg) || typeof msg.from !== 'string' || msg.from.length > 200 || typeof msg.to !== 'string' || !receivers.has(msg.to)) return undefined;
  const known = links.get(`${msg.to}:${msg.from}`);
  if (known || msg.kind !== 'hello') return known;
  try {
    return openLink(msg.to, msg.from, msg.to, true);
  } catch {
    return undefined;
  }
}

/** Registers a receiver under its id and starts listening where it needs to (`threads`: for hellos, as an aggregator). */
export function listen(id: string, receiver: Receiver, on: { cluster: boolean; threads: boolean }): void {
  receivers.set(id, receiver);
  lastReceiver = receiver;
  if (on.cluster) hookCluster();
  if (on.threads) hookThreads();
}

/** Stops delivering to a receiver, and closes its pair channels. */
export function unlisten(id: string): void {
  const r = receivers.get(id);
  receivers.delete(id);
  if (lastReceiver === r) lastReceiver = [...receivers.values()].pop();
  for (const link of [...links.values()]) if (link.owner === id) link.close?.();
  closeOutboxWhenAnswered();
}

/**
 * How a reporter `from` reaches its aggregator `to`: the IPC channel to the primary, or a pair channel to the main
 * thread (through the rendezvous until the aggregator first answers).
 */
export function connect(via: 'cluster' | 'thread', from: string, to: string): Peer {
  return via === 'cluster' ? primaryPeer : openLink(to, from, from, false);
}

/** Whether this thread is a process's main thread. */
export const isMain = isMainThread;
