import { test, expect, type Browser } from '@playwright/test';

async function signIn(browser: Browser, account: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill(account);
  await page.getByLabel('密码').fill('shanqiao-demo');
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  return page;
}

test('one charity claims a need, another sees it claimed, the report is verified and the outcome is public', async ({ browser }, info) => {
  // Two charities in two browser contexts.
  const first = await signIn(browser, 'charity-admin@shanqiao.test');
  const second = await signIn(browser, 'charity-admin-4@shanqiao.test');

  // The first charity's portal opens on the needs that fit it, with the reasons. Each
  // project takes its own need of 长春市 (whose office admin verifies below).
  await first.goto('/charity');
  const matches = first.getByTestId('match').filter({ hasText: '长春市' });
  const match = matches.nth(info.project.name === 'phone' ? 1 : 0);
  await expect(match.getByTestId('match-reasons')).toContainText(/医疗|残疾人帮扶|最低生活保障对象|特困人员|你们提供/);
  const href = await match.getByRole('link').first().getAttribute('href');
  const code = (href ?? '').split('/').pop() ?? '';
  expect(code).toMatch(/^JL-\d{4}-\d{6}$/);

  // It claims the need from the need's public page.
  await first.goto(`/needs/${code}`);
  await first.getByRole('link', { name: '慈善组织认领此需求' }).click();
  await expect(first.getByTestId('lease-line')).toBeVisible();
  await first.getByLabel('帮扶计划（做什么、何时完成）').fill('本机构采购所需物品，两周内送达家庭并请村委会见证签收。');
  await first.getByRole('button', { name: '确认认领' }).click();
  await expect(first.getByTestId('done')).toContainText('认领成功');

  // The second charity sees it claimed, by whom and until when, and cannot take it.
  await second.goto(`/needs/${code}`);
  await expect(second.getByTestId('claim-line')).toContainText('认领机构：松辽善行慈善基金会');
  await expect(second.getByRole('link', { name: '慈善组织认领此需求' })).toHaveCount(0);
  await second.goto(`/charity/needs/${code}/claim`);
  await second.getByLabel('帮扶计划（做什么、何时完成）').fill('我们也想帮助这个家庭。');
  await second.getByRole('button', { name: '确认认领' }).click();
  await expect(second.getByTestId('error-summary')).toContainText('该需求已被其他慈善组织认领');

  // The first charity reports fulfilment.
  await first.getByLabel('交付情况与凭证说明').fill('物资已全部送达，由村委会工作人员见证签收，收据已留存。');
  const cost = first.getByLabel('实际花费（元，可不填）');
  await cost.fill('1500');
  await first.getByRole('button', { name: '提交交付报告' }).click();
  await expect(first.getByTestId('done')).toContainText('交付报告已提交');

  // A staff member of the region verifies the report and closes the need.
  const staff = await signIn(browser, 'office-admin@shanqiao.test');
  await staff.goto(`/office/needs/${code}`);
  await expect(staff.getByTestId('need-claims')).toContainText('物资已全部送达');
  await staff.getByLabel('办结原因').selectOption('met_fully');
  await staff.getByLabel('评价（可不选）').selectOption('5');
  await staff.getByLabel('公开感谢语（可不填，将显示在需求页面）').fill('感谢松辽善行慈善基金会的及时帮助！');
  await staff.getByRole('button', { name: '核实并办结' }).click();
  await expect(staff.getByTestId('done')).toContainText('交付报告已核实');

  // The public page shows the outcome (the library follows within a second).
  const visitor = await (await browser.newContext()).newPage();
  await expect(async () => {
    await visitor.goto(`/needs/${code}`);
    await expect(visitor.getByTestId('need-outcome')).toContainText('已完全满足', { timeout: 500 });
  }).toPass({ timeout: 5_000 });
  await expect(visitor.getByTestId('need-outcome')).toContainText('感谢松辽善行慈善基金会的及时帮助');
});
