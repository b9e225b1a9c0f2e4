import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendError } from '../api/http';
import { PAGE_CSP, SECURITY_HEADERS } from './security';

/** Where `scripts/build-page.mjs` writes the bundled page (same from `src/` under jest and from `dist/`). */
export const PAGE_DIR = path.resolve(__dirname, '..', '..', 'dist', 'public');

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** Serves the page and its two assets, read once from {@link PAGE_DIR}. Nothing is fetched from elsewhere. */
export class StaticPage {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly dir = PAGE_DIR) {}

  /** Whether `pathname` is one of the page's files. */
  owns(pathname: string): boolean {
    return pathname in FILES || pathname.startsWith('/assets/');
  }

  /** Answers a request for one of the page's files. */
  serve(pathname: string, res: ServerResponse): void {
    const entry = FILES[pathname];
    if (!entry) return sendError(res, 404, 'not_found', `no asset ${pathname.slice(0, 128)}`);
    let body = this.cache.get(entry.file);
    if (!body) {
      try {
        body = fs.readFileSync(path.join(this.dir, entry.file));
        this.cache.set(entry.file, body);
      } catch {
        return sendError(res, 503, 'page_not_built', `the dashboard page is not built (${path.join(this.dir, entry.file)} missing): run "npm run build -w @perfkit/dashboard"`);
      }
    }
    res.writeHead(200, {
      'content-type': entry.type,
      'content-length': body.length,
      'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
      'content-security-policy': PAGE_CSP,
    });
    res.end(body);
  }
}
