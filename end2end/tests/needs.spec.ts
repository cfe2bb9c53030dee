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

/// Console errors other than the 422 of a form sent back with its problems.
function watchConsole(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 422/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

const CLEAN_STORY =
  '老人今年七十多岁，独自生活，患有慢性支气管炎，冬季取暖设备损坏，需要更换电暖器并补贴部分药费。';

test('a caseworker sees a phone number blocked, removes it, submits, and a reviewer publishes', async ({ browser }, info) => {
  const run = `${Date.now() % 1e6}${info.project.name === 'phone' ? 'p' : 'd'}`;
  const title = `为独居老人更换取暖设备 ${run}`;

  const caseworker = await signIn(browser, 'caseworker@shanqiao.test');
  const errors = watchConsole(caseworker);
  await caseworker.goto('/office');
  await caseworker.getByRole('link', { name: '新建需求' }).first().click();
  await expect(caseworker.getByRole('heading', { level: 1 })).toHaveText('新建需求');

  // The story's live privacy check runs once the page's island is hydrated.
  await expect(caseworker.getByTestId('live-guard')).toHaveAttribute('data-live', 'true');
  await caseworker.getByLabel('标题', { exact: true }).fill(title);
  await caseworker.getByLabel('所在县（区）').selectOption('220122');
  await caseworker.getByLabel('帮扶类型').selectOption('basic_living');
  await caseworker.getByLabel('家庭类别').selectOption('tekun');
  await caseworker.getByLabel('救助情况').selectOption('still_in_hardship');
  await caseworker.getByLabel('受助人年龄段').selectOption('70-79');
  await caseworker.getByLabel('家庭人口').selectOption('1');
  await caseworker.getByLabel('情况说明').fill(`${CLEAN_STORY}有事请联系其女儿，电话 139 1234 5678。`);
  await expect(caseworker.getByTestId('live-guard')).toContainText('手机号');
  await expect(caseworker.getByTestId('live-guard')).toContainText('139 1234 5678');
  await caseworker.getByLabel('资金需求（元，选填）').fill('1800');
  await caseworker.getByLabel('案件编号').fill(`E2E-${run}`);
  await caseworker.getByLabel('家庭成员姓名').fill('何淑芬');
  await caseworker.getByLabel('授权范围').fill('同意在善桥平台匿名公开需求');
  // The live check reads the names field as it stands.
  await caseworker.getByLabel('情况说明').pressSequentially('何淑芬');
  await expect(caseworker.getByTestId('live-guard')).toContainText('何淑芬');
  await caseworker.getByLabel('情况说明').fill(`${CLEAN_STORY}有事请联系其女儿，电话 139 1234 5678。`);
  await caseworker.getByRole('button', { name: '提交审核' }).click();

  // Blocked: the problem is summarised, the field flagged, the number marked in place.
  await expect(caseworker.getByTestId('error-summary')).toContainText('个人信息');
  await expect(caseworker.getByLabel('情况说明')).toHaveAttribute('aria-invalid', 'true');
  const mark = caseworker.locator('mark.pii-blocking');
  await expect(mark).toHaveCount(1);
  await expect(mark).toContainText('139 1234 5678');
  await expect(mark).toHaveAttribute('data-kind', 'mobile');
  await expect(caseworker.getByTestId('pii-findings')).toContainText('手机号');
  await expect(caseworker.getByLabel('标题', { exact: true })).toHaveValue(title);

  // Removed, and submitted.
  await caseworker.getByLabel('情况说明').fill(CLEAN_STORY);
  await caseworker.getByRole('button', { name: '提交审核' }).click();
  await expect(caseworker).toHaveURL(/\/office\/needs\/JL-\d{4}-\d{6}\?done=submitted$/);
  await expect(caseworker.getByTestId('done')).toHaveText('已提交审核。');
  const code = (caseworker.url().match(/JL-\d{4}-\d{6}/) ?? [''])[0];
  await expect(caseworker.getByTestId('office-need')).toContainText('审核中');
  // The author is not offered the publish button.
  await expect(caseworker.getByRole('button', { name: '审核通过并发布' })).toHaveCount(0);

  // Not public while in review.
  const visitor = await (await browser.newContext()).newPage();
  expect((await visitor.goto(`/needs/${code}`))?.status()).toBe(404);

  // A second staff member publishes it.
  const reviewer = await signIn(browser, 'reviewer@shanqiao.test');
  const reviewerErrors = watchConsole(reviewer);
  await reviewer.goto('/office/needs?status=in_review');
  await reviewer.getByRole('link', { name: code }).click();
  await expect(reviewer.getByTestId('need-preview')).toContainText(title);
  await reviewer.getByRole('button', { name: '审核通过并发布' }).click();
  await expect(reviewer.getByTestId('done')).toHaveText('已审核通过并发布。');

  // On the public site, with no private field.
  const response = await visitor.goto(`/needs/${code}`);
  expect(response?.status()).toBe(200);
  await expect(visitor.getByRole('heading', { level: 1 })).toHaveText(title);
  const body = await visitor.locator('body').innerText();
  for (const secret of ['何淑芬', `E2E-${run}`, '同意在善桥平台匿名公开需求', '139 1234']) {
    expect(body).not.toContain(secret);
  }
  expect(errors).toEqual([]);
  expect(reviewerErrors).toEqual([]);
});

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false });

  test('the editor checks a draft and previews it without scripts', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/signin');
    await page.getByLabel('邮箱或手机号').fill('caseworker@shanqiao.test');
    await page.getByLabel('密码').fill('shanqiao-demo');
    await page.getByRole('button', { name: '登录' }).click();
    await page.goto('/office/needs/new');
    await page.getByLabel('标题', { exact: true }).fill('为困难学生购买冬季校服');
    await page.getByLabel('所在县（区）').selectOption('220122');
    await page.getByLabel('帮扶类型').selectOption('education');
    await page.getByLabel('家庭类别').selectOption('dibao');
    await page.getByLabel('救助情况').selectOption('outside');
    await page.getByLabel('受助人年龄段').selectOption('12-17');
    await page.getByLabel('家庭人口').selectOption('3');
    await page.getByLabel('情况说明').fill('学生家住人民大街1234号，家庭困难，冬季缺少校服和棉衣，需要帮助购买。');
    await page.getByLabel('物品 1 名称').fill('冬季校服');
    await page.getByLabel('物品 1 单位').fill('套');
    await page.getByLabel('物品 1 数量').fill('2');
    await page.getByLabel('物品 1 单价（元）').fill('260');
    await page.getByLabel('案件编号').fill('E2E-NOJS');
    await page.getByLabel('家庭成员姓名').fill('冯小雨');
    await page.getByLabel('授权范围').fill('同意匿名公开');
    await page.getByRole('button', { name: '隐私检查并预览' }).click();
    await expect(page.locator('mark.pii-blocking')).toContainText('人民大街1234号');
    await expect(page.getByTestId('need-preview')).toContainText('为困难学生购买冬季校服');
    await expect(page.getByTestId('need-preview')).not.toContainText('冯小雨');
  });
});
