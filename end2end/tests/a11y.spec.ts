import { test, expect, type Browser, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

// axe-core on every public page and the main portal pages, in Chinese and in English, on
// desktop and phone: zero violations (WCAG 2.1 A and AA rules and axe's best practices).
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return result.violations.map(
    (v) => `${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`,
  );
}

async function signIn(browser: Browser, account: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill(account);
  await page.getByLabel('密码').fill('shanqiao-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  return page;
}

async function firstHref(page: Page, path: string, pattern: RegExp): Promise<string> {
  await page.goto(path);
  const hrefs = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const href = hrefs.find((h) => pattern.test(h));
  expect(href, `a link like ${pattern} on ${path}`).toBeTruthy();
  return href!;
}

async function check(page: Page, paths: string[]) {
  const found: string[] = [];
  for (const path of paths) {
    await page.goto(path);
    for (const v of await violations(page)) found.push(`${path} ${v}`);
  }
  expect(found).toEqual([]);
}

test('public pages have no accessibility violations', async ({ page }) => {
  test.setTimeout(120_000);
  const need = await firstHref(page, '/needs', /^\/needs\/[A-Z]{2}-\d{4}-\d{6}$/);
  const fund = await firstHref(page, '/funds', /^\/funds\/\d+$/);
  const charity = await firstHref(page, '/charities', /^\/charities\/[^/]+$/);
  await check(page, [
    '/',
    '/needs',
    '/needs?q=轮椅&type=medical',
    '/needs?q=zzzzqqq',
    need,
    '/funds',
    fund,
    '/transparency',
    '/transparency?region=220000',
    '/charities',
    charity,
    '/open-data',
    '/signin',
    '/signup',
    '/charity/register',
    '/embed/needs?region=220000',
  ]);
});

test('public pages in English have no accessibility violations', async ({ page, context }) => {
  test.setTimeout(120_000);
  await context.addCookies([{ name: 'lang', value: 'en', url: `http://127.0.0.1:${process.env.E2E_PORT ?? 3939}` }]);
  await check(page, ['/', '/needs', '/funds', '/transparency', '/charities', '/open-data']);
});

test('portal pages have no accessibility violations', async ({ browser }) => {
  test.setTimeout(180_000);
  const office = await signIn(browser, 'reviewer@shanqiao.test');
  const inReview = await firstHref(office, '/office/needs?status=in_review', /^\/office\/needs\/[A-Z]{2}-\d{4}-\d{6}$/);
  await check(office, ['/office', '/office/needs', inReview, '/account', '/notifications', '/office/needs/import']);
  const caseworker = await signIn(browser, 'caseworker@shanqiao.test');
  await check(caseworker, ['/office/needs/new', '/office/needs/import']);
  const charity = await signIn(browser, 'charity-admin@shanqiao.test');
  await check(charity, ['/charity', '/charity/profile', '/charity/alerts', '/charity/funds', '/charity/pledges']);
  const admin = await signIn(browser, 'admin@shanqiao.test');
  await check(admin, ['/admin/charities', '/admin/users', '/admin/offices']);
});

test.describe('on a 360 px wide phone, by keyboard', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('public pages fit the width and start with a skip link', async ({ page }) => {
    test.setTimeout(90_000);
    for (const path of ['/', '/needs', '/funds', '/transparency', '/charities', '/open-data', '/signin']) {
      await page.goto(path);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} is ${width} px wide`).toBeLessThanOrEqual(360);
      await page.keyboard.press('Tab');
      const focused = page.locator(':focus');
      await expect(focused, path).toHaveText(/跳到正文/);
      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      // The next stop is inside the page's main content, not back in the header.
      expect(await page.evaluate(() => !!document.activeElement?.closest('main')), path).toBe(true);
    }
  });
});
