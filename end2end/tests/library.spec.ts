import { test, expect, type Page } from '@playwright/test';

// The index is built in the background when the server starts on a fresh data directory.
async function indexReady(page: Page) {
  await expect
    .poll(async () => {
      const health = await (await page.request.get('/healthz')).text();
      const needs = Number(/search_index_needs (\d+)/.exec(health)?.[1] ?? 0);
      const lag = Number(/search_index_lag (\d+)/.exec(health)?.[1] ?? 1);
      return needs > 0 && lag === 0;
    }, { timeout: 30_000 })
    .toBe(true);
}

// Searches 医疗 from the library's form, narrows to a county through the region facet
// (province → city → county), and opens a result.
async function searchFilterOpen(page: Page) {
  await indexReady(page);
  await page.goto('/needs');
  await expect(page.getByRole('heading', { level: 1, name: '需求库' })).toBeVisible();
  const box = page.getByRole('searchbox', { name: '搜索需求' });
  await box.fill('医疗');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/needs\?q=%E5%8C%BB%E7%96%97/);
  await expect(page.getByTestId('library-count')).toContainText('“医疗”共找到');
  const results = page.getByTestId('library-results').getByTestId('need-card');
  expect(await results.count()).toBeGreaterThan(0);
  await expect(page.getByTestId('need-snippet').first().locator('mark').first()).toBeVisible();

  const filters = page.getByRole('complementary', { name: '筛选' });
  const regions = filters.locator('section.facet').first();
  for (const level of ['province', 'city', 'county']) {
    const link = regions.locator('ul > li > a').first();
    await expect(link, `a ${level} to choose`).toBeVisible();
    const before = page.url();
    await link.click();
    await expect(page).not.toHaveURL(before);
    await expect(page).toHaveURL(/region=\d{6}/);
  }
  const region = /region=(\d{6})/.exec(page.url())?.[1] ?? '';
  expect(region.endsWith('00')).toBe(false);
  await expect(page.locator('.region-trail')).toBeVisible();
  expect(await results.count()).toBeGreaterThan(0);
  // The search is kept while filtering.
  await expect(page.getByRole('searchbox', { name: '搜索需求' })).toHaveValue('医疗');

  const first = results.first().getByRole('link').first();
  const title = (await first.textContent())?.trim() ?? '';
  await first.click();
  await expect(page).toHaveURL(/\/needs\/[A-Z]{2}-\d{4}-\d{6}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  // The back button returns to the same search.
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`region=${region}`));
}

test('search the library, filter by a county and open a need', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await searchFilterOpen(page);
  expect(errors).toEqual([]);
});

test('with JavaScript, the search, filters and sort update in place and the back button works', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await indexReady(page);
  await page.goto('/needs');
  await expect(page.locator('.library-live[data-live="true"]')).toHaveCount(1);
  // A mark on the window: a full page load would wipe it.
  await page.evaluate(() => { (window as unknown as { stillHere: boolean }).stillHere = true; });
  const stillHere = () => page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere === true);

  const box = page.getByRole('searchbox', { name: '搜索需求' });
  await box.fill('助学');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/needs\?q=%E5%8A%A9%E5%AD%A6/);
  await expect(page.getByTestId('library-count')).toContainText('“助学”共找到');
  await expect(page.getByTestId('library-count')).toBeFocused();

  const regions = page.getByRole('complementary', { name: '筛选' }).locator('section.facet').first();
  await regions.locator('ul > li > a').first().click();
  await expect(page).toHaveURL(/q=%E5%8A%A9%E5%AD%A6.*region=\d{6}|region=\d{6}.*q=%E5%8A%A9%E5%AD%A6/);
  await expect(page.locator('.region-trail')).toBeVisible();

  // The sort applies as soon as it is chosen, keeping the search and the filter.
  await page.getByLabel('排序').selectOption('newest');
  await expect(page).toHaveURL(/sort=newest/);
  await expect(page).toHaveURL(/region=\d{6}/);
  expect(await stillHere()).toBe(true);

  // Back and forward walk through the same states.
  await page.goBack();
  await expect(page).not.toHaveURL(/sort=newest/);
  await expect(page.getByLabel('排序')).toHaveValue('relevance');
  await page.goBack();
  await expect(page).not.toHaveURL(/region=/);
  await expect(page.locator('.region-trail')).toHaveCount(0);
  await expect(page.getByTestId('library-count')).toContainText('“助学”共找到');
  await page.goForward();
  await expect(page.locator('.region-trail')).toBeVisible();
  expect(await stillHere()).toBe(true);
  expect(errors).toEqual([]);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('search the library, filter by a county and open a need', async ({ page }) => {
    await searchFilterOpen(page);
  });

  test('an empty search suggests how to widen it', async ({ page }) => {
    await indexReady(page);
    await page.goto('/needs?q=%E5%AE%8C%E5%85%A8%E6%B2%A1%E6%9C%89%E7%9A%84%E8%AF%8D&type=medical');
    await expect(page.getByTestId('library-empty')).toBeVisible();
    await page.getByRole('link', { name: '去掉筛选条件再搜' }).click();
    await expect(page).not.toHaveURL(/type=medical/);
  });
});
