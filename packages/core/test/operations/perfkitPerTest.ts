import { createPerfkit, type Perfkit } from '@perfkit/core';

/** A factory of quiet perfkit instances (service "svc", no endpoint) that are shut down after each test. */
export function perfkitPerTest(): () => Perfkit {
  let open: Perfkit[] = [];
  afterEach(async () => {
    await Promise.all(open.map((p) => p.shutdown()));
    open = [];
  });
  return () => {
    const perf = createPerfkit({ serviceName: 'svc', prometheus: { serve: false }, logLevel: 'none' });
    open.push(perf);
    return perf;
  };
}
