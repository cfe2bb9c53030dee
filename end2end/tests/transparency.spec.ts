import { test, expect } from '@playwright/test';

// The public dashboard, the charity directory, open data and the embedded views: all
// server-rendered, so they are checked with JavaScript off, as a reader without it sees them.
test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the dashboard shows totals and charts, and drills down by region', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '公开透明' }).click();
    await expect(page).toHaveURL(/\/transparency$/);
    await expect(page.getByRole('heading', { level: 1 })).toContainText('公开透明');
    const published = Number(await page.getByTestId('total-published').textContent());
    expect(published).toBeGreaterThan(50);
    // Each chart is an image with a name, and its data table sits beside it.
    await expect(page.getByRole('img', { name: '各援助类型发布的需求数' })).toBeVisible();
    await expect(page.getByRole('table', { name: '各援助类型数据' })).toBeVisible();
    // Drill down: Jilin, then back to all regions by the breadcrumb.
    await page.getByRole('table', { name: /各地区数据/ }).getByRole('link', { name: '吉林省' }).click();
    await expect(page).toHaveURL(/\/transparency\?region=220000$/);
    const jilin = Number(await page.getByTestId('total-published').textContent());
    expect(jilin).toBeGreaterThan(0);
    expect(jilin).toBeLessThan(published);
    await page.getByRole('navigation', { name: '地区层级' }).getByRole('link', { name: '全国' }).click();
    await expect(page).toHaveURL(/\/transparency$/);
  });

  test('the charity directory opens a charity profile with its record', async ({ page }) => {
    await page.goto('/charities');
    await expect(page.getByRole('heading', { level: 1, name: '慈善组织名录' })).toBeVisible();
    const first = page.getByTestId('charity-list').getByRole('heading', { level: 2 }).first().getByRole('link');
    const name = (await first.textContent())?.trim() ?? '';
    await first.click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
    await expect(page.getByTestId('claims-taken')).toBeVisible();
    await expect(page.getByRole('heading', { name: '信息公开报告' })).toBeVisible();
  });

  test('open data lists its downloads and the data dictionary', async ({ page, request }) => {
    await page.goto('/open-data/');
    await expect(page).toHaveURL(/\/open-data\/$/);
    await expect(page.getByRole('heading', { level: 1, name: '开放数据' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'needs.csv' })).toBeVisible();
    await expect(page.getByRole('table', { name: /needs\.csv/ })).toBeVisible();
    const json = await (await request.get('/open-data/needs.json')).json();
    expect(json.needs.length).toBeGreaterThan(50);
  });

  test('the embedded view of a region lists its needs without the site around it', async ({ page }) => {
    const response = await page.goto('/embed/needs?region=220000');
    expect(response?.headers()['content-security-policy']).toContain('frame-ancestors');
    expect(response?.headers()['x-frame-options']).toBeUndefined();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('吉林省');
    await expect(page.getByRole('navigation', { name: '主导航' })).toHaveCount(0);
    const links = page.getByRole('list').getByRole('link');
    expect(await links.count()).toBeGreaterThan(0);
    expect(await links.first().getAttribute('href')).toMatch(/\/needs\/[A-Z]{2}-\d{4}-\d{6}$/);
  });
});
