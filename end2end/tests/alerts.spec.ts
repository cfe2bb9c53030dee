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

const STORY =
  '孩子今年十岁，下肢残疾，家里的旧轮椅已经损坏，上学和复查都很不方便，需要一台适合儿童的轮椅。';

test('a charity saves a search, an office publishes a matching need, the bell shows 1 and opens the need', async ({ browser }, info) => {
  // Each project has its own charity member and its own words, so the two never meet.
  const phone = info.project.name === 'phone';
  const account = phone ? 'charity-admin-6@shanqiao.test' : 'charity-admin-5@shanqiao.test';
  const word = phone ? '星光轮椅乙' : '星光轮椅甲';
  const run = `${Date.now() % 1e6}${phone ? 'p' : 'd'}`;
  const title = `为残疾儿童配置${word} ${run}`;

  // The charity finds "alert me" on the library's search and saves it.
  const charity = await signIn(browser, account);
  await charity.goto(`/needs?q=${encodeURIComponent(word)}`);
  await charity.getByTestId('alert-me').click();
  await expect(charity).toHaveURL(/\/charity\/alerts\?q=/);
  await expect(charity.getByLabel('关键词')).toHaveValue(word);
  await charity.getByTestId('save-subscription').click();
  await expect(charity.getByTestId('done')).toHaveText('订阅已保存。');
  await expect(charity.getByTestId('subscription')).toContainText(word);
  await expect(charity.getByTestId('bell-count')).toHaveText('0');

  // An office writes and publishes a need that matches.
  const caseworker = await signIn(browser, 'caseworker@shanqiao.test');
  await caseworker.goto('/office/needs/new');
  await caseworker.getByLabel('标题', { exact: true }).fill(title);
  await caseworker.getByLabel('所在县（区）').selectOption('220122');
  await caseworker.getByLabel('帮扶类型').selectOption('disability');
  await caseworker.getByLabel('家庭类别').selectOption('dibao');
  await caseworker.getByLabel('救助情况').selectOption('still_in_hardship');
  await caseworker.getByLabel('受助人年龄段').selectOption('6-11');
  await caseworker.getByLabel('家庭人口').selectOption('3');
  await caseworker.getByLabel('情况说明').fill(STORY);
  await caseworker.getByLabel('资金需求（元，选填）').fill('2600');
  await caseworker.getByLabel('案件编号').fill(`E2E-ALERT-${run}`);
  await caseworker.getByLabel('家庭成员姓名').fill('钱小宝');
  await caseworker.getByLabel('授权范围').fill('同意在善桥平台匿名公开需求');
  await caseworker.getByRole('button', { name: '提交审核' }).click();
  await expect(caseworker.getByTestId('done')).toHaveText('已提交审核。');
  const code = (caseworker.url().match(/JL-\d{4}-\d{6}/) ?? [''])[0];
  const reviewer = await signIn(browser, 'reviewer@shanqiao.test');
  await reviewer.goto(`/office/needs/${code}`);
  await reviewer.getByRole('button', { name: '审核通过并发布' }).click();
  await expect(reviewer.getByTestId('done')).toHaveText('已审核通过并发布。');

  // The charity's bell shows 1 (rendered by the server: a reload is all it takes).
  await expect(async () => {
    await charity.reload();
    await expect(charity.getByTestId('bell-count')).toHaveText('1', { timeout: 500 });
  }).toPass({ timeout: 10_000 });
  await expect(charity.getByTestId('bell')).toHaveAttribute('aria-label', '通知（1 条未读）');

  // The list says what happened; the notification opens the need and is read.
  await charity.getByTestId('bell').click();
  await expect(charity).toHaveURL(/\/notifications$/);
  const notice = charity.getByTestId('notification').filter({ hasText: title });
  await expect(notice).toContainText(`符合订阅「${word}」的新需求`);
  await notice.click();
  await expect(charity).toHaveURL(new RegExp(`/needs/${code}$`));
  await expect(charity.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(charity.getByTestId('bell-count')).toHaveText('0');
  const body = await charity.locator('body').innerText();
  for (const secret of ['钱小宝', `E2E-ALERT-${run}`]) expect(body).not.toContain(secret);
});

test('the notification list works without JavaScript and by keyboard', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill('charity-member-3@shanqiao.test');
  await page.getByLabel('密码').fill('shanqiao-demo');
  await page.getByLabel('密码').press('Enter');
  await expect(page).not.toHaveURL(/\/signin/);
  await page.goto('/notifications');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('通知');
  await expect(page.getByTestId('unread-line')).toContainText('条未读');
  // Subscriptions without scripts: a bad one is refused field by field.
  await page.goto('/charity/alerts');
  await page.getByTestId('save-subscription').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('error-summary')).toContainText('这个搜索没有任何条件');
});
