import { startExample, waitFor, type StartedExample } from '../helpers';

/**
 * With `--no-perfkit` (the overhead baseline) the example's start-up banner still listed
 * `metrics http://127.0.0.1:8080/metrics`, which answers 404 "perfkit is disabled": a user following the banner hit a
 * dead link. The banner now says metrics are off. Judged the way a user reads it: every URL on the banner is fetched,
 * with perfkit on and off, and each must answer.
 */
describe('no-perfkit banner prints dead metrics url', () => {
  let example: StartedExample | undefined;
  afterEach(async () => {
    await example?.stop();
    example = undefined;
  });

  const setup = async (args: string[]) => {
    example = await startExample({ traffic: false, backgroundIntervalMs: 60_000, args });
    const started = example;
    const output = await waitFor(() => (started.process.output().includes('Press Ctrl-C') ? started.process.output() : undefined), 10_000, 50);
    const banner = output.slice(output.indexOf('is running'), output.indexOf('Press Ctrl-C'));
    const lines = banner.split('\n').filter((l) => /^ {2}\S/.test(l));
    return { lines, urls: lines.map((l) => /^ {2}[a-z ]+?\s+(http:\/\/\S+)/.exec(l)?.[1]).filter((u): u is string => u !== undefined) };
  };

  it.each([
    ['with perfkit', [] as string[]],
    ['with --no-perfkit', ['--no-perfkit']],
  ])('lists only URLs that answer %s', async (_what, args) => {
    const { urls } = await setup(args);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    const statuses = await Promise.all(urls.map(async (url) => `${url} ${(await fetch(url)).status}`));
    expect(statuses).toEqual(urls.map((url) => `${url} 200`));
  });

  it('says metrics are off with --no-perfkit', async () => {
    const { lines } = await setup(['--no-perfkit']);
    expect(lines.find((l) => l.trimStart().startsWith('metrics'))).toMatch(/metrics\s+off \(--no-perfkit/);
  });
});
