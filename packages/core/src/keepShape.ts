/**
 * The latest object made by each class registered here, kept so that the class's hidden class (V8's map) outlives
 * the objects of one scrape.
 *
 * V8 links a class's maps by weak transitions: once every object of a class is dead, a full GC collects the map they
 * shared, and with it every piece of optimized code that embeds it (V8's trace: "marking dependent code ... for
 * deoptimization, reason: embedded weak objects cleared"). A scrape makes its writer, its rendering and their chunks,
 * and drops them when it is done: the serializer's optimized code (histogramText, putActiveLine, SlicedWriter.reserve)
 * was thrown away by the first full GC after every scrape, and the next scrape ran in the interpreter and baseline
 * code while TurboFan compiled it again (40 ms on a helper thread). A 10,000-series scrape after a full GC took 25-39
 * ms of main-thread CPU against 9-12 ms without one (Node 26.10, streamed); with its objects' map kept, 8.6-9.5.
 *
 * The latest object rather than one made for the purpose: a map moves on while its objects live (a field first
 * holding a small integer and later a fraction gets a new map), and the latest object has the map the next one will
 * get. Each class registered here holds nothing large once its work is done (see each caller).
 */
const latest = new Map<object, object>();

/**
 * Keeps `object` as the latest of its class (call it from the constructor), or of `kind`: objects not made by a class
 * of ours (a message JSON.parse made) are kept under a kind of their own.
 */
export function keepShape(object: object, kind: object = object.constructor): void {
  latest.set(kind, object);
}

/**
 * Lets go of `object` if it is still the latest kept for `kind` (its owner is closing: a perfkit shut down keeps
 * nothing of its own alive through here). The map then lives only as long as other objects of it.
 */
export function forgetShape(object: object, kind: object = object.constructor): void {
  if (latest.get(kind) === object) latest.delete(kind);
}

/** @internal The object kept for `kind` (tests). */
export function keptShape(kind: object): object | undefined {
  return latest.get(kind);
}
