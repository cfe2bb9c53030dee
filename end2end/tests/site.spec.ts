import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

// The site folder scripts/build.sh wrote and the server under test reads (scripts/env.sh).
const siteRoot = process.env.LEPTOS_SITE_ROOT ?? `${process.env.CARGO_TARGET_DIR ?? '../target'}/site`;
const digest = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const built = (file: string) => digest(readFileSync(path.join(siteRoot, file)));

test('the server serves the files the build wrote, and the page loads them', async ({ page, request }) => {
  const loaded = new Map<string, number>();
  page.on('response', (r) => {
    const p = new URL(r.url()).pathname;
    if (p.startsWith('/pkg/') || p === '/favicon.ico') loaded.set(p, r.status());
  });

  // The hydration script names the bundle the build wrote.
  const html = await (await request.get('/')).text();
  expect(html).toContain('/pkg/shanqiao.js');
  expect(html).toContain('/pkg/shanqiao.wasm');
  expect(html).toContain('/pkg/shanqiao.css');

  // Byte for byte what the build wrote (the client undoes the compression).
  for (const file of ['pkg/shanqiao.js', 'pkg/shanqiao.wasm', 'pkg/shanqiao.css', 'favicon.ico']) {
    const served = await request.get(`/${file}`);
    expect(served.status(), file).toBe(200);
    expect(digest(await served.body()), file).toBe(built(file));
  }
  const wasm = await request.get('/pkg/shanqiao.wasm');
  expect(wasm.headers()['content-type']).toBe('application/wasm');

  // A real page load fetches all three: the islands hydrate from them.
  await page.goto('/');
  await expect
    .poll(() => ['/pkg/shanqiao.css', '/pkg/shanqiao.js', '/pkg/shanqiao.wasm'].map((p) => loaded.get(p)))
    .toEqual([200, 200, 200]);
});
