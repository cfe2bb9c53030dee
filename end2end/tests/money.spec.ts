import { test, expect, type Browser, type Page } from '@playwright/test';

async function signIn(browser: Browser, account: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill(account);
  await page.getByLabel('密码').fill('shanqiao-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  return page;
}

test('a donor pledges ¥200 to a fund without JavaScript; the charity receives and allocates it; the tracking page shows the need', async ({ browser }, info) => {
  const run = `${Date.now() % 1e6}${info.project.name === 'phone' ? 'p' : 'd'}`;
  const name = `测试捐赠人${run}`;

  // The donor, with JavaScript off and no account, finds the fund and pledges ¥200.
  const donor = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await donor.goto('/funds');
  await donor.getByLabel('类型', { exact: true }).selectOption('named');
  await donor.getByRole('button', { name: '筛选' }).click();
  await expect(donor).toHaveURL(/kind=named/);
  await donor.getByRole('link', { name: '晨光冠名助学基金' }).click();
  await expect(donor.getByRole('heading', { level: 1 })).toHaveText('晨光冠名助学基金');
  await expect(donor.getByTestId('matching')).toContainText('100%');
  // Nothing typed: every problem is named, nothing is lost.
  await donor.getByRole('button', { name: '提交认捐' }).click();
  await expect(donor.getByTestId('error-summary')).toContainText('请阅读并同意认捐须知');
  await expect(donor.getByLabel('¥200')).toBeChecked();
  await donor.getByLabel('公开显示的名字').fill(name);
  await donor.getByLabel('接收回执的邮箱或手机号').fill(`donor-${run}@example.org`);
  await donor.getByLabel(/我已阅读认捐须知/).check();
  await donor.getByRole('button', { name: '提交认捐' }).click();
  await expect(donor).toHaveURL(/\/pledges\/SQ-/);
  const code = (await donor.getByTestId('receipt-code').textContent())!.trim();
  expect(code).toMatch(/^SQ(-[0-9A-Z]{4}){4}$/);
  await expect(donor.getByTestId('pledge-amount')).toHaveText('¥200');
  await expect(donor.getByTestId('pledge-status')).toContainText('已认捐待到账');
  await expect(donor.getByTestId('pay-line').last()).toHaveText(code);

  // The charity sees it waiting, marks ¥200 received, and allocates it to a need.
  const charity = await signIn(browser, 'charity-admin@shanqiao.test');
  await charity.goto('/charity/pledges');
  const row = charity.locator(`tr[data-receipt="${code}"]`);
  await expect(row).toContainText(name);
  await expect(row.getByLabel('到账金额（元）')).toHaveValue('200');
  await row.getByRole('button', { name: /确认到账/ }).click();
  await expect(charity.getByTestId('done')).toHaveText('已确认到账。');
  await charity.locator(`tr[data-receipt="${code}"]`).getByRole('link', { name: '拨付' }).click();
  await expect(charity).toHaveURL(/\/charity\/funds\/\d+\?pledge=\d+/);
  // A need that still lacks at least ¥200.
  const options = await charity.getByLabel('需求', { exact: true }).locator('option').evaluateAll((os) =>
    os.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })),
  );
  const lacking = (text: string) => Number((text.match(/尚缺 ¥([\d,]+)/)?.[1] ?? '0').replace(/,/g, ''));
  const need = options.find((o) => lacking(o.text) >= 200)!;
  expect(need).toBeTruthy();
  await charity.getByLabel('需求', { exact: true }).selectOption(need.value);
  await charity.getByLabel('金额（元）', { exact: true }).fill('200');
  await charity.getByRole('button', { name: '拨付', exact: true }).click();
  await expect(charity.getByTestId('done')).toHaveText('已拨付。');

  // The donor's tracking page shows the need the money reached.
  await donor.reload();
  // All of it went to the need (the chosen pledge's money is drawn first): allocated.
  await expect(donor.getByTestId('pledge-status')).toContainText('已拨付');
  await expect(donor.getByTestId('matched')).toHaveText('¥200');
  await expect(donor.getByTestId('reached')).toContainText(need.value);
  await donor.getByTestId('reached').getByRole('link').first().click();
  await expect(donor).toHaveURL(new RegExp(`/needs/${need.value}`));
});

test('the refund asks for confirmation, without JavaScript, and refunds once', async ({ browser }, info) => {
  // The charity admin, with JavaScript off.
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill('charity-admin@shanqiao.test');
  await page.getByLabel('密码').fill('shanqiao-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  await page.goto('/charity/pledges');
  const row = page.locator('tr[data-testid="charity-pledge"]').filter({ has: page.locator('details.confirm-refund') })
    .nth(info.project.name === 'phone' ? 1 : 0);
  const receipt = await row.getAttribute('data-receipt');
  // The button only opens the confirmation; nothing is refunded yet.
  await row.locator('details.confirm-refund summary').click();
  const confirm = row.getByRole('checkbox', { name: /我确认退还/ });
  await expect(confirm).toBeVisible();
  await expect(confirm).not.toBeChecked();
  await confirm.check();
  await row.getByRole('button', { name: /确认退款/ }).click();
  await expect(page.getByTestId('done')).toHaveText('已退款并取消该认捐。');
  // The pledge is cancelled and offers no refund any more.
  const after = page.locator(`tr[data-receipt="${receipt}"]`);
  await expect(after.locator('details.confirm-refund')).toHaveCount(0);
});
