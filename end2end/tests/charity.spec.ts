import { test, expect, type Browser } from '@playwright/test';
import { linkSentTo } from './outbox';

// GB 32100: completes 17 characters with the check character.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
function uscc(first17: string): string {
  const sum = [...first17].reduce((acc, ch, i) => acc + ALPHABET.indexOf(ch) * WEIGHTS[i], 0);
  return first17 + ALPHABET[(31 - (sum % 31)) % 31];
}

async function signIn(browser: Browser, account: string, password: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto('/signin');
  await page.getByLabel('邮箱或手机号').fill(account);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page).not.toHaveURL(/\/signin/);
  return page;
}

test('a charity registers, an admin verifies it, and its admin invites a member who signs in', async ({ browser }, info) => {
  const run = `${Date.now() % 1e6}`.padStart(6, '0') + (info.project.name === 'phone' ? '1' : '2');
  const code = uscc(`53220100MJ${run}`);
  const name = `长春市暖心公益服务中心${run}`;
  const adminEmail = `charity-${run}@example.org`;
  const memberEmail = `member-${run}@example.org`;
  const password = 'a long enough password';

  // The charity registers; a wrong code is caught first, next to its field.
  const charity = await (await browser.newContext()).newPage();
  await charity.goto('/charity/register');
  await charity.getByLabel('机构全称').fill(name);
  await charity.getByLabel('统一社会信用代码').fill(code.slice(0, 17) + (code.endsWith('0') ? '1' : '0'));
  await charity.getByLabel('登记所在地').selectOption('220100');
  await charity.getByLabel('邮箱或手机号').fill(adminEmail);
  await charity.getByLabel('姓名或称呼').fill('张老师');
  await charity.getByRole('button', { name: '提交注册' }).click();
  await expect(charity.getByTestId('error-summary')).toContainText('校验位不正确');
  await expect(charity.getByLabel('机构全称')).toHaveValue(name);
  await charity.getByLabel('统一社会信用代码').fill(code);
  await charity.getByRole('button', { name: '提交注册' }).click();
  await expect(charity.getByTestId('link-sent')).toBeVisible();

  // The link sent to the admin's address opens the charity, once a password is chosen.
  await charity.goto(await linkSentTo(adminEmail, '/signup/'));
  await expect(charity.getByTestId('sign-up-for')).toContainText(name);
  await charity.getByLabel('密码', { exact: true }).fill(password);
  await charity.getByLabel('再次输入密码').fill(password);
  await charity.getByRole('button', { name: '完成注册' }).click();
  await expect(charity.getByTestId('verification-status')).toContainText('待审核');

  // The platform admin verifies it.
  const admin = await signIn(browser, 'admin@shanqiao.test', 'shanqiao-demo');
  await admin.goto('/admin/charities');
  const item = admin.getByTestId('pending-charity').filter({ hasText: name });
  await item.getByRole('button', { name: '通过认证' }).click();
  await expect(admin.getByRole('status')).toContainText('已记录审核结果');
  await expect(admin.getByTestId('pending-charity').filter({ hasText: name })).toHaveCount(0);

  await charity.goto('/charity');
  await expect(charity.getByTestId('verification-status')).toContainText('已认证');

  // Its admin invites a member; the member opens the link in the e-mail, sets a password,
  // is in.
  await charity.getByLabel('对方邮箱').fill(memberEmail);
  await charity.getByRole('button', { name: '发送邀请' }).click();
  await expect(charity.getByTestId('invitation-sent')).toContainText(memberEmail);
  const link = await linkSentTo(memberEmail, '/invitations/');
  expect(link).toMatch(/^\/invitations\/[A-Za-z0-9_-]{20,}$/);

  const member = await (await browser.newContext()).newPage();
  await member.goto(link);
  await expect(member.getByTestId('invitation')).toContainText(name);
  await member.getByLabel('姓名或称呼').fill('李志愿者');
  await member.getByLabel('设置密码').fill(password);
  await member.getByLabel('再次输入密码').fill(password);
  await member.getByRole('button', { name: '接受邀请' }).click();
  await expect(member).toHaveURL(/\/charity$/);
  await expect(member.getByTestId('members')).toContainText('李志愿者');

  // And can sign in again later.
  const again = await signIn(browser, memberEmail, password);
  await again.goto('/charity');
  await expect(again.getByRole('heading', { level: 1 })).toHaveText(name);
});
