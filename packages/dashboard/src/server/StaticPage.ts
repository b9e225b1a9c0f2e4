import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendError } from '../api/http';
import { matchesIfNoneMatch } from './ifNoneMatch';
import { PAGE_CSP, SECURITY_HEADERS } from './security';

/** Where `scripts/build-page.mjs` writes the bundled page (same from `src/` under jest and from `dist/`). */
export const PAGE_DIR = path.resolve(__dirname, '..', '..', 'dist', 'public');

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/index.html': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/assets/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/assets/app.css': { file: 'app.css', type: 'text/css; charset=utf-8' },
};

/** One file of the page as served: its bytes and their strong validator. */
interface PageFile {
  readonly body: Buffer;
  readonly etag: string;
}

/**
 * Serves the page and its two assets, read once from {@link PAGE_DIR}, at construction (a file missing then is looked
 * for again on each request until it is there). Nothing is fetched from elsewhere. Each file carries a strong `ETag`
 * (a hash of its bytes, computed when it is read) and `cache-control: no-cache`: a browser revalidates every load and
 * gets `304` with no body while the file is unchanged, instead of the 56 KiB script again.
 */
export class StaticPage {
  private readonly cache = new Map<string, PageFile>();

  constructor(private readonly dir = PAGE_DIR) {
    for (const file of new Set(Object.values(FILES).map((f) => f.file))) this.read(file);
  }

  /** Whether `pathname` is one of the page's files. */
  owns(pathname: string): boolean {
    return pathname in FILES || pathname.startsWith('/assets/');
  }

  /**
   * Answers a GET or HEAD for one of the page's files; `ifNoneMatch` is the request's `If-None-Match`, answered with
   * `304` when it names the file's current ETag (RFC 9110 13.1.2).
   */
  serve(pathname: string, res: ServerResponse, ifNoneMatch?: string): void {
    const entry = FILES[pathname];
    if (!entry) return sendError(res, 404, 'not_found', `no asset ${pathname.slice(0, 128)}`);
    const page = this.cache.get(entry.file) ?? this.read(entry.file);
    if (!page) {
      return sendError(res, 503, 'page_not_built', `the dashboard page is not built (${path.join(this.dir, entry.file)} missing): run "npm run build -w @perfkit/dashboard"`);
    }
    // A 304 repeats what a cache stores with the response (RFC 9110 15.4.5: ETag, Cache-Control) and keeps the
    // security headers; the representation's own metadata (type, length) stays with the 200.
    const headers = { etag: page.etag, 'cache-control': 'no-cache', ...SECURITY_HEADERS, 'content-security-policy': PAGE_CSP };
    if (matchesIfNoneMatch(ifNoneMatch, page.etag)) return void res.writeHead(304, headers).end();
    res.writeHead(200, { 'content-type': entry.type, 'content-length': page.body.length, ...headers });
    res.end(page.body);
  }

  private read(file: string): PageFile | undefined {
    try {
      const body = fs.readFileSync(path.join(this.dir, file));
      const page = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      this.cache.set(file, page);
      return page;
    } catch {
      return undefined;
    }
  }
}
