import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { brotliDecompressSync } from 'node:zlib';
import path from 'node:path';

// The site folder scripts/build.sh wrote and the server under test reads (scripts/env.sh).
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? `${process.env.CARGO_TARGET_DIR ?? '../target'}/site`;
const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const built = (file: string) => readFileSync(path.join(siteRoot, file));

// The content-hashed names the build gave the assets (site/hash.txt: `kind: hash`).
const hashes = Object.fromEntries(
  readFileSync(path.join(siteRoot, 'hash.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(':').map((s) => s.trim())),
);
const asset = (kind: 'js' | 'wasm' | 'css') => `pkg/shanqiao.${hashes[kind]}.${kind}`;

test('assets have content-hashed names, are kept for a year, and come precompressed', async ({ request }) => {
  for (const kind of ['js', 'wasm', 'css'] as const) {
    const file = asset(kind);
    // The name is the content's hash.
    expect(digest(built(file)).slice(0, 16), file).toBe(hashes[kind]);
    const plain = await request.get(`/${file}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status(), file).toBe(200);
    expect(plain.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(digest(await plain.body()), file).toBe(digest(built(file)));
  }
  const wasm = await request.get(`/${asset('wasm')}`);
  expect(wasm.headers()['content-type']).toBe('application/wasm');
  // The unhashed names are gone: nothing can be served stale under them.
  expect((await request.get('/pkg/shanqiao.css')).status()).toBe(404);
});

test('the brotli and gzip copies are the ones the build wrote', async ({ baseURL }) => {
  for (const kind of ['js', 'wasm', 'css'] as const) {
    const file = asset(kind);
    // Node's fetch would undo the encoding: read the raw bytes over plain HTTP.
    for (const [encoding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
      const raw = await rawGet(`${baseURL}/${file}`, encoding);
      expect(raw.headers['content-encoding'], `${file} ${encoding}`).toBe(encoding);
      expect(digest(raw.body), `${file} ${encoding}`).toBe(digest(built(file + suffix)));
    }
    expect(digest(brotliDecompressSync(built(file + '.br')))).toBe(digest(built(file)));
  }
});

test('a page with islands loads the bundle; the home page loads no script at all', async ({ page }) => {
  const loaded = new Map<string, number>();
  page.on('response', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith('/pkg/') || p === '/favicon.ico') loaded.set(p, r.status());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 2, name: '最新需求' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(loaded.get(`/${asset('css')}`)).toBe(200);
  expect(loaded.has(`/${asset('js')}`)).toBe(false);
  expect(loaded.has(`/${asset('wasm')}`)).toBe(false);

  // The library has an island: its page fetches the JS glue and the wasm.
  await page.goto('/needs');
  await expect
    .poll(() => [`/${asset('js')}`, `/${asset('wasm')}`].map((p) => loaded.get(p)))
    .toEqual([200, 200]);
});

// A GET over plain HTTP with one Accept-Encoding, returning the bytes as sent.
async function rawGet(url: string, encoding: string): Promise<{ headers: Record<string, string>; body: Buffer }> {
  const http = await import('node:http');
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ headers: res.headers as Record<string, string>, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}
