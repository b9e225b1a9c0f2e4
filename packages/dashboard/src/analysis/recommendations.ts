import type { Bottleneck, Recommendation } from './types';

const SLOW_ADVICE: Record<string, string> = {
  download: 'download in parallel chunks, resume partial transfers and cache artifacts close to the service',
  health_check: 'cache integrity results and check only files that changed since the last check',
  fallback: 'precompute compatibility scores and cache the candidate list',
  model_operation: 'batch requests, keep the model loaded and warm, and check GPU memory headroom',
  analytics: 'batch records and move collection off the request path',
};

const FAILURE_ADVICE: Record<string, string> = {
  download: 'retry with exponential backoff and jitter, verify the source, and fall back to a mirror',
  health_check: 'repair or re-download corrupted files and alert on repeated corruption',
  fallback: 'widen the set of compatible alternatives and log why candidates were rejected',
  model_operation: 'guard the operation with a timeout and a concurrency limit, and shed load before memory runs out',
  analytics: 'buffer records and retry delivery out of band',
};

const RESOURCE_ADVICE: Record<string, string> = {
  cpu: 'limit concurrency (a guard with maxConcurrent), move CPU-heavy work to worker threads, or add instances',
  memory: 'cap caches and batch sizes, and look for objects held across requests',
  disk: 'delete old artifacts and logs, or move downloads to a larger volume',
  gpu: 'queue GPU work and batch it, or add GPU capacity',
  gpu_memory: 'lower batch size or precision, and unload models that are not in use',
  event_loop: 'move synchronous work (JSON, hashing, compression) off the event loop',
};

/** One recommendation per bottleneck, naming the numbers that triggered it. */
export function recommend(bottlenecks: readonly Bottleneck[]): Recommendation[] {
  return bottlenecks.map((b) => ({ id: `rec:${b.id}`, bottleneckId: b.id, message: adviceFor(b), evidence: b.evidence }));
}

function adviceFor(b: Bottleneck): string {
  const e = b.evidence;
  switch (b.kind) {
    case 'slow_operation':
      return `Speed up ${b.subject} (p${Math.round(Number(e.quantile) * 1000) / 10} ${e.observedSeconds} s > ${e.thresholdSeconds} s): ${SLOW_ADVICE[String(e.operationType)] ?? 'profile the slowest operation names and cache or parallelize their work'}.`;
    case 'high_failure_rate':
      return `Reduce ${b.subject} failures (${(Number(e.failureRate) * 100).toFixed(1)}% > ${(Number(e.thresholdFailureRate) * 100).toFixed(1)}%${e.topErrorType ? `, top error ${e.topErrorType}` : ''}): ${FAILURE_ADVICE[String(e.operationType)] ?? 'look at the top error type and add retries or a fallback for it'}.`;
    case 'resource_saturation':
      return `Relieve ${b.subject.replace('_', ' ')} (mean ${e.mean} > ${e.threshold}): ${RESOURCE_ADVICE[b.subject] ?? 'reduce load or add capacity'}.`;
    case 'resource_exhaustion':
      return `${b.subject === 'disk' ? 'Free disk space' : b.subject === 'memory' ? 'Find the memory growth' : 'Free GPU memory'} before it runs out in ${Math.round(Number(e.secondsUntilExhausted) / 60)} min: ${RESOURCE_ADVICE[b.subject] ?? 'add capacity'}.`;
  }
}
