import { test, expect, type Page, type ConsoleMessage } from '@playwright/test';

// Fails the test on any console error or uncaught exception in the page.
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(String(err)));
  return errors;
}

test('the home page lists demo needs', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await expect(page).toHaveTitle(/善桥/);
  await expect(page.getByRole('heading', { level: 2, name: '最新需求' })).toBeVisible();
  const cards = page.getByTestId('need-card');
  expect(await cards.count()).toBeGreaterThanOrEqual(10);
  await expect(page.getByText('待认领需求')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a need page opens from the home page and shows the public copy', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  const first = page.getByTestId('need-card').first().getByRole('link');
  const title = (await first.textContent())?.trim() ?? '';
  expect(title.length).toBeGreaterThan(0);
  await first.click();
  await expect(page).toHaveURL(/\/needs\/[A-Z]{2}-\d{4}-\d{6}$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.getByRole('heading', { name: '家庭情况' })).toBeVisible();
  await expect(page.getByText('为保护受助家庭隐私')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a type on the home page opens the library with that filter', async ({ page }) => {
  const errors = watchConsole(page);
  await page.goto('/');
  await page.getByRole('navigation', { name: '按帮扶类型筛选' }).getByRole('link', { name: '医疗', exact: true }).click();
  await expect(page).toHaveURL(/\/needs\?type=medical$/);
  const types = await page.getByTestId('need-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-type')));
  expect(types.length).toBeGreaterThan(0);
  expect(new Set(types)).toEqual(new Set(['medical']));
  expect(errors).toEqual([]);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the home page renders, filters on the server and links to needs', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { level: 2, name: '最新需求' })).toBeVisible();
    expect(await page.getByTestId('need-card').count()).toBeGreaterThanOrEqual(10);
    await page.getByRole('link', { name: '教育', exact: true }).click();
    await expect(page).toHaveURL(/\?type=education/);
    const types = await page.getByTestId('need-card').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-type')));
    expect(new Set(types)).toEqual(new Set(['education']));
    await page.getByTestId('need-card').first().getByRole('link').click();
    await expect(page.getByRole('heading', { name: '家庭情况' })).toBeVisible();
  });
});

test('unknown pages answer 404 with a way home', async ({ page }) => {
  const response = await page.goto('/needs/JL-1999-000001');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
  await page.getByRole('link', { name: '返回首页' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('the language switch shows the English interface', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('lang-switch').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { level: 2, name: 'Latest needs' })).toBeVisible();
});

test('the page is usable by keyboard: the skip link reaches the content', async ({ page }) => {
  await page.goto('/');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: '跳到正文' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);
});
