import { test, expect } from '@playwright/test';

test('a caseworker opens needs of their county but not of another county', async ({ page }) => {
  // Codes of an open need in 农安县 (the caseworker's county) and one in Gansu, from the
  // public library.
  await page.goto('/');
  const cards = page.getByTestId('need-card');
  const codeOf = async (place: string) =>
    ((await cards.filter({ hasText: place }).first().locator('.need-code').textContent()) ?? '').trim();
  const own = await codeOf('农安县');
  const other = await codeOf('甘肃省');
  expect(own).toMatch(/^JL-/);
  expect(other).toMatch(/^GS-/);

  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill('caseworker@shanqiao.test');
  await page.getByLabel('密码').fill('shanqiao-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);

  await page.goto(`/office/needs/${own}`);
  await expect(page.getByTestId('office-need')).toBeVisible();
  await expect(page.getByRole('heading', { name: '内部信息（不公开）' })).toBeVisible();

  const response = await page.goto(`/office/needs/${other}`);
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: '页面不存在' })).toBeVisible();
  await expect(page.getByText('内部信息')).toHaveCount(0);
});
