import { gzipSync } from 'node:zlib';
import { HttpScraper } from '../../bench/src/suites/httpScraper';

// bench:node26's served rows scrape both peers uncompressed (the peer has no gzip of its own), the scrape suite's
// HTTP rows with gzip as Prometheus does. The scraper must ask for what it is told and count the body it got back
// uncompressed, or one row would compare a gzipped perfkit with an uncompressed peer.
describe('HttpScraper encoding', () => {
  const body = 'x'.repeat(5000);
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const asked = String(req.headers['accept-encoding']);
    res.setHeader('x-asked', asked);
    if (asked === 'gzip') {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync(`${asked}:${body}`));
    } else {
      res.writeHead(200);
      res.end(`${asked}:${body}`);
    }
  };

  it('asks for gzip by default and counts the body uncompressed', async () => {
    const scraper = await HttpScraper.start(handler);
    try {
      expect(await scraper.scrape()).toBe('gzip:'.length + 5000);
    } finally {
      await scraper.close();
    }
  });

  it('asks for identity when told to', async () => {
    const scraper = await HttpScraper.start(handler, { encoding: 'identity' });
    try {
      expect(await scraper.scrape()).toBe('identity:'.length + 5000);
    } finally {
      await scraper.close();
    }
  });
});
