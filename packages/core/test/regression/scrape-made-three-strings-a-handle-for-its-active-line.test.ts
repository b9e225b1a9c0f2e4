import { Session } from 'node:inspector';
import { streamedScrapes } from './scrapes';

// A streamed scrape wrote each handle's active-operations line by building `baseLabels` (a new string), the line
// around it (another) and handing that to Buffer#write, which flattened it (a third): about 350 bytes of garbage a
// handle a scrape, 60 % of what a node:cluster primary allocated per scrape of 2,000 series and ~40 MB a scrape at
// 100,000; escapeLabelValue also made a RegExp object a call. The line is now written as bytes from the type's cached
// label pieces. V8's sampling heap profiler read 415-421 bytes a series for a whole streamed scrape before, 63-68
// after (Node 20 and 26, 20,000 series).

const SERIES = 20_000;

interface SamplingNode {
  selfSize: number;
  children: SamplingNode[];
}

/** Bytes V8's sampling heap profiler saw allocated while `work` ran (objects collected since included). */
async function sampledBytes(work: () => Promise<void>): Promise<number> {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))));
  try {
    await post('HeapProfiler.startSampling', { samplingInterval: 256, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
    await work();
    const { profile } = await post<{ profile: { head: SamplingNode } }>('HeapProfiler.stopSampling');
    let total = 0;
    const walk = (node: SamplingNode): void => {
      total += node.selfSize;
      node.children.forEach(walk);
    };
    walk(profile.head);
    return total;
  } finally {
    session.disconnect();
  }
}

describe('a streamed scrape makes no strings for the active-operations lines', () => {
  const { drop } = streamedScrapes(SERIES);

  it(`allocates under 150 bytes a series for a whole streamed scrape of ${SERIES.toLocaleString('en-US')} series`, async () => {
    await drop();
    await drop(); // compiled, and the chunk pool holds what a scrape uses
    const bytes = await sampledBytes(drop);
    expect(bytes / SERIES).toBeLessThan(150);
  }, 60_000);
});
