import { test, expect } from '@playwright/test';
import { linkSentTo } from './outbox';

// A fresh address per run and project, so that parallel projects do not collide.
function uniqueEmail(project: string): string {
  return `donor-${project}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

test('a donor signs up, signs out and signs in again', async ({ page }, info) => {
  const errors: string[] = [];
  // A form sent back with errors answers 422, which Chromium logs as a failed resource;
  // anything else (script errors, CSP violations) fails the test.
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 422/.test(m.text())) errors.push(m.text());
  });
  const email = uniqueEmail(info.project.name);
  const password = 'a long enough password';

  await page.goto('/');
  await page.getByRole('link', { name: '登录' }).click();
  await page.getByRole('link', { name: '注册成为爱心人士' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('注册爱心人士账号');

  // A first try without a name: the error sits next to the field, the rest is kept.
  await page.getByLabel('邮箱或手机号').fill(email);
  await page.getByRole('button', { name: '发送注册链接' }).click();
  await expect(page.getByTestId('error-summary')).toContainText('请填写称呼');
  await expect(page.getByLabel('邮箱或手机号')).toHaveValue(email);
  await expect(page.getByLabel('称呼')).toHaveAttribute('aria-invalid', 'true');

  await page.getByLabel('称呼').fill('爱心人士小王');
  await page.getByRole('button', { name: '发送注册链接' }).click();
  await expect(page.getByTestId('link-sent')).toContainText('请在 24 小时内打开其中的链接');

  // The link in the e-mail: choose a password (too short first), and the account is open.
  await page.goto(await linkSentTo(email, '/signup/'));
  await page.getByLabel('密码', { exact: true }).fill('short');
  await page.getByLabel('再次输入密码').fill('short');
  await page.getByRole('button', { name: '完成注册' }).click();
  await expect(page.getByTestId('error-summary')).toContainText('密码至少需要 10 个字符');
  await expect(page.getByLabel('密码', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('再次输入密码').fill(password);
  await page.getByRole('button', { name: '完成注册' }).click();
  await expect(page).toHaveURL(/\/account\?welcome=1$/);
  await expect(page.getByTestId('signed-in-as')).toContainText('爱心人士小王');

  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('link', { name: '登录' })).toBeVisible();

  await page.getByRole('link', { name: '登录' }).click();
  await page.getByLabel('邮箱或手机号').fill(email);
  await page.getByLabel('密码').fill('not the password');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('error-summary')).toContainText('账号或密码错误');

  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId('account-link')).toHaveText('爱心人士小王');
  expect(errors).toEqual([]);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('a demo account signs in with the plain form', async ({ page }) => {
    await page.goto('/signin');
    await page.getByLabel('邮箱或手机号').fill('donor@shanqiao.test');
    await page.getByLabel('密码').fill('shanqiao-demo');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByTestId('signed-in-as')).toContainText('爱心人士小周');
  });
});
