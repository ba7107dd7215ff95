// The admin's screens: users (add with a field error first, role change, disable, new
// password, API tokens shown once and revoked), review rules (a parameter saved; a bad one
// refused whole), a carrier's rate card and coverage, and a webhook's delivery log with a
// redelivery. Each change is checked through the API as well as on screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, Ordo, screenshot as save, signIn, waitFor } from './harness.mjs';

// From the top: the sticky bars stay where they belong in a full-page picture.
async function screenshot(p, name) {
  await p.evaluate(() => scrollTo(0, 0));
  await save(p, name);
}

let ordo, browser, page;

before(async () => {
  // A failed webhook delivery waits a minute before its next try, so a redelivery shows.
  ordo = await new Ordo({ env: { ORDO_WEBHOOK_BACKOFF_MS: '60000' } }).start();
  await ordo.addUsers();
  browser = await launchBrowser();
  page = await newPage(browser);
  await signIn(page, ordo, 'admin');
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

// Console errors other than the failed loads expected: the shell's 401 asking for a session
// before signing in, a 422 from a bad form, the 404 of an endpoint the server does not have
// yet. Cleared once read.
function unexpectedErrors(p, allowed = [404, 422]) {
  const errors = p.consoleErrors.filter((e) => {
    const m = /status of (\d{3})/.exec(e);
    return !(m && (m[1] === '401' || allowed.includes(Number(m[1]))));
  });
  p.consoleErrors.length = 0;
  return errors;
}

// Words on screen that are dictionary keys: a translation is missing.
async function assertNoKeys(p) {
  const text = await p.textContent('main');
  const keys = text.match(/\b(admin|users|rules|carriers|hooks|settings|zone|inv)\.[a-z_]+\b/g);
  assert.equal(keys, null, 'untranslated keys: ' + (keys || []).join(' '));
}

async function user(name) {
  const list = await ordo.ok('GET', '/v1/users');
  return list.items.find((u) => u.name === name);
}

async function signInStatus(name, password) {
  return (await ordo.request('POST', '/v1/session', { name, password }, { token: null })).status;
}

test('the admin adds a user: a short password is refused by field, then the user is added and signs in', async () => {
  await page.goto(ordo.base + '/console/#/users');
  await page.waitForSelector('.adm-user-table tr[data-user="u-finance"]');
  await page.fill('.adm-add-user input[name=name]', 'clerk.li');
  await page.selectOption('.adm-add-user select[name=role]', 'warehouse');
  await page.fill('.adm-add-user input[name=password]', 'short');
  await page.click('.adm-add-user button[type=submit]');
  const err = await page.waitForSelector('.adm-add-user .field-invalid[data-path=password] .field-error');
  assert.equal(await err.textContent(), '密码至少 8 个字符');
  assert.match(await page.textContent('.adm-add-user .error-box'), /1 处输入有误/);
  // The input is kept, and the server holds no such user.
  assert.equal(await page.inputValue('.adm-add-user input[name=name]'), 'clerk.li');
  assert.equal(await user('clerk.li'), undefined);
  await screenshot(page, 'admin-users-add-error');

  await page.fill('.adm-add-user input[name=password]', 'clerk password 1');
  await page.click('.adm-add-user button[type=submit]');
  await page.waitForSelector('.adm-user-table tr[data-user="clerk.li"]');
  assert.match(await page.textContent('.adm-note'), /已添加用户 clerk\.li/);
  assert.deepEqual(
    { role: (await user('clerk.li')).role, disabled: (await user('clerk.li')).disabled },
    { role: 'warehouse', disabled: false },
  );

  // The name taken: a 409 in words.
  await page.fill('.adm-add-user input[name=name]', 'clerk.li');
  await page.fill('.adm-add-user input[name=password]', 'another password');
  await page.click('.adm-add-user button[type=submit]');
  await page.waitForSelector('.adm-add-user .error-box:has-text("用户名 clerk.li 已被使用")');

  // The new user signs in with the console's own form.
  const other = await newPage(browser);
  await other.goto(ordo.base + '/console/');
  await other.fill('input[name=name]', 'clerk.li');
  await other.fill('input[name=password]', 'clerk password 1');
  await other.click('button[type=submit]');
  await other.waitForSelector('.who[data-role="warehouse"]');
  await other.context().close();
  await screenshot(page, 'admin-users');
  assert.deepEqual(unexpectedErrors(page, [404, 409, 422]), []);
});

test('a role change, disabling and a new password take effect on the server', async () => {
  await page.goto(ordo.base + '/console/#/users');
  const row = 'tr[data-user="clerk.li"]';
  await page.waitForSelector(row);
  // The user is signed in elsewhere.
  const other = await newPage(browser);
  await other.goto(ordo.base + '/console/');
  await other.fill('input[name=name]', 'clerk.li');
  await other.fill('input[name=password]', 'clerk password 1');
  await other.click('button[type=submit]');
  await other.waitForSelector('.who[data-role="warehouse"]');

  await page.selectOption(`${row} select.adm-role`, 'reviewer');
  await page.waitForSelector('.adm-note:has-text("clerk.li 的角色已改为 审单员")');
  assert.equal((await user('clerk.li')).role, 'reviewer');
  // At once, for the session already open.
  assert.equal(await other.evaluate(async () => (await (await fetch('/v1/session')).json()).role), 'reviewer');

  await page.click(`${row} button.adm-disable`);
  await page.waitForSelector(`${row} .adm-state:has-text("已停用")`);
  assert.equal((await user('clerk.li')).disabled, true);
  assert.equal(await other.evaluate(async () => (await fetch('/v1/session')).status), 401);
  assert.equal(await signInStatus('clerk.li', 'clerk password 1'), 401);
  await screenshot(page, 'admin-users-disabled');
  await other.context().close();

  await page.click(`${row} button.adm-enable`);
  await page.waitForSelector(`${row} .adm-state:has-text("正常")`);
  assert.equal((await user('clerk.li')).disabled, false);

  // A new password: too short first (field error), then one that works.
  await page.click(`${row} button.adm-reset`);
  await page.fill('.adm-subrow input[name=new-password]', 'tiny');
  await page.click('.adm-subrow button[type=submit]');
  await page.waitForSelector('.adm-subrow .field-error:has-text("密码至少 8 个字符")');
  await page.fill('.adm-subrow input[name=new-password]', 'a fresh password');
  await page.click('.adm-subrow button[type=submit]');
  await page.waitForSelector('.adm-note:has-text("密码已重设")');
  assert.equal(await signInStatus('clerk.li', 'clerk password 1'), 401);
  assert.equal(await signInStatus('clerk.li', 'a fresh password'), 200);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('an API token is shown once, works, and stops working when revoked', async () => {
  await page.goto(ordo.base + '/console/#/users');
  const row = 'tr[data-user="clerk.li"]';
  await page.waitForSelector(row);
  await page.click(`${row} button.adm-tokens-open`);
  await page.waitForSelector('.adm-tokens[data-user="clerk.li"] .empty');
  await page.fill('.adm-tokens input[name=token-label]', 'ERP 对接');
  await page.click('.adm-tokens button[type=submit]');
  const token = (await (await page.waitForSelector('.adm-token-value')).textContent()).trim();
  assert.match(token, /^ordo_[0-9a-f]{64}$/);
  assert.match(await page.textContent('.adm-token-fresh'), /只显示这一次/);
  await page.waitForSelector('.adm-token-table tr[data-token-id] >> text=ERP 对接');
  const session = await ordo.request('GET', '/v1/session', undefined, { token });
  assert.equal(session.status, 200);
  assert.equal(session.body.user, 'clerk.li');
  // The list holds no secret.
  assert.equal((await page.textContent('.adm-token-table')).includes(token), false);
  await screenshot(page, 'admin-users-token');

  const id = await page.getAttribute('.adm-token-table tr[data-token-id]', 'data-token-id');
  await page.click(`.adm-token-table tr[data-token-id="${id}"] button.adm-revoke`);
  await page.waitForSelector(`.ok-box:has-text("令牌 ${id} 已吊销")`);
  await page.waitForSelector('.adm-tokens .empty');
  assert.equal(await page.$('.adm-token-value'), null, 'the revoked token is no longer shown');
  assert.equal((await ordo.request('GET', '/v1/session', undefined, { token })).status, 401);
  const left = await ordo.ok('GET', '/v1/users/clerk.li/tokens');
  assert.deepEqual(left.items, []);
  assert.deepEqual(unexpectedErrors(page), []);
});

test('review rules: a parameter and a switch are saved; a bad threshold is refused and changes nothing', async () => {
  await page.goto(ordo.base + '/console/#/settings/rules');
  const card = '.adm-rule[data-rule="velocity_phone"]';
  await page.waitForSelector(card);
  await page.fill(`${card} input[name=threshold]`, '7');
  await page.uncheck('.adm-rule[data-rule="remark"] input[name=enabled]');
  await page.waitForSelector('.badge:has-text("有未保存的修改")');
  await page.click('.adm-rules-save >> nth=0');
  await page.waitForSelector('.adm-saved:has-text("规则集已保存（版本 1）")');
  let rules = await ordo.ok('GET', '/v1/review/rules');
  const byId = (doc, id) => doc.rules.find((r) => r.id === id);
  assert.equal(byId(rules, 'velocity_phone').params.threshold, 7);
  assert.equal(byId(rules, 'remark').enabled, false);
  assert.equal(rules.version, 1);
  assert.equal(rules.updated_by, 'u-admin');
  // The rest stands as it was.
  assert.equal(byId(rules, 'high_value').params.threshold_fen, 500000);
  assert.deepEqual(byId(rules, 'remote_area').params.areas, ['西藏自治区', '新疆维吾尔自治区', '三沙市']);
  await assertNoKeys(page);
  await screenshot(page, 'admin-settings-rules');

  await page.fill(`${card} input[name=threshold]`, '-3');
  await page.fill('.adm-rule[data-rule="high_value"] input[name=threshold_fen]', '8000');
  await page.click('.adm-rules-save >> nth=0');
  const fe = await page.waitForSelector(`${card} .field-invalid[data-path="rules[2].params.threshold"] .field-error`);
  assert.match(await fe.textContent(), /超出允许范围.*-3/);
  assert.match(await page.textContent('.adm-rules .error-box'), /rules\[2\]\.params\.threshold/);
  assert.equal(await page.inputValue(`${card} input[name=threshold]`), '-3');
  rules = await ordo.ok('GET', '/v1/review/rules');
  assert.equal(rules.version, 1);
  assert.equal(byId(rules, 'velocity_phone').params.threshold, 7);
  assert.equal(byId(rules, 'high_value').params.threshold_fen, 500000, 'the good change in a bad set is not saved either');
  await screenshot(page, 'admin-settings-rules-error');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a carrier: its rate card and coverage edited and saved', async () => {
  await ordo.ok('PUT', '/v1/carriers/ZTO', {
    name: '中通快递',
    rate_card: {
      local: { first_weight_g: 1000, first_fen: 800, step_g: 1000, step_fen: 200, promised_days: 1 },
      national: { first_weight_g: 1000, first_fen: 1200, step_g: 1000, step_fen: 500, promised_days: 3 },
    },
    tracking_format: { pattern: '[0-9]{12,15}', check: 'none' },
  });
  await ordo.ok('PUT', '/v1/carriers/EMS', {
    name: '中国邮政 EMS',
    rate_card: { remote: { first_weight_g: 500, first_fen: 2000, step_g: 500, step_fen: 900, promised_days: 6 } },
    tracking_format: { pattern: '[A-Z]{2}[0-9]{9}[A-Z]{2}', check: 's10' },
    channels: ['jd'],
  });
  await page.goto(ordo.base + '/console/#/settings/carriers');
  await page.waitForSelector('.adm-carrier-table tr[data-carrier="ZTO"]');
  await assertNoKeys(page);
  await screenshot(page, 'admin-settings-carriers');
  await page.click('.adm-carrier-table tr[data-carrier="ZTO"]');
  await page.waitForSelector('form.adm-carrier[data-carrier="ZTO"]');
  assert.equal(await page.inputValue('input[name=local-first_fen]'), '8.00');
  await page.fill('input[name=local-first_fen]', '9.5');
  await page.check('input[name=served-regional]');
  await page.fill('input[name=regional-first_fen]', '10');
  await page.fill('input[name=regional-step_fen]', '3');
  await page.fill('input[name=regional-promised_days]', '2');
  await page.check('input[name=province-31]');
  await page.check('input[name=province-32]');
  // A quality score out of range first: refused by field, nothing changed.
  await page.fill('input[name=quality_score]', '150');
  await page.click('button.adm-carrier-save');
  await page.waitForSelector('.field-invalid[data-path=quality_score] .field-error');
  assert.equal((await ordo.ok('GET', '/v1/carriers/ZTO')).rate_card.local.first_fen, 800);
  await page.fill('input[name=quality_score]', '90');
  await page.click('button.adm-carrier-save');
  await page.waitForSelector('.adm-saved:has-text("承运商 ZTO 已保存")');
  const zto = await ordo.ok('GET', '/v1/carriers/ZTO');
  assert.equal(zto.rate_card.local.first_fen, 950);
  assert.deepEqual(zto.rate_card.regional, { first_weight_g: 1000, first_fen: 1000, step_g: 1000, step_fen: 300, promised_days: 2 });
  assert.equal(zto.rate_card.national.first_fen, 1200);
  assert.deepEqual(zto.provinces.map((p) => (p >= 100 ? Math.floor(p / 10000) : p)), [31, 32]);
  assert.equal(zto.quality_score, 90);
  assert.equal(zto.tracking_format.pattern, '[0-9]{12,15}');
  await assertNoKeys(page);
  await screenshot(page, 'admin-settings-carrier');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('a webhook: opened, its delivery log shown, a delivery sent again', async () => {
  await ordo.ok('PUT', '/v1/webhooks/erp', { url: 'http://127.0.0.1:9/ordo', events: ['stock.low'], secret: 'webhook-secret-0123456789' });
  // Stock below its safety stock: one stock.low message, which the dead URL refuses.
  await ordo.putWarehouse('WH-H');
  await ordo.putSku('HOOK-1');
  await ordo.ok('PUT', '/v1/stock/WH-H/HOOK-1', { on_hand: 1, safety_stock: 5, bin: 'A-01-01-01' });
  const first = await waitFor(async () => {
    const d = await ordo.ok('GET', '/v1/webhooks/erp/deliveries');
    return d.length && d[0].attempts >= 1 && d[0].last_error ? d[0] : null;
  }, 'a failed delivery');

  await page.goto(ordo.base + '/console/#/settings/webhooks');
  await page.waitForSelector('.adm-webhooks');
  await page.waitForSelector('.adm-webhooks .adm-gap, .adm-webhook-table');
  await screenshot(page, 'admin-settings-webhooks');
  if (await page.$('.adm-webhook-table tr[data-webhook="erp"]')) await page.click('.adm-webhook-table tr[data-webhook="erp"]');
  else {
    await page.fill('input[name=webhook-id]', 'erp');
    await page.click('.adm-webhooks button[type=submit]');
  }
  await page.waitForSelector(`.adm-delivery-table tr[data-delivery="${first.id}"]`);
  assert.equal(await page.inputValue('input[name=url]'), 'http://127.0.0.1:9/ordo');
  assert.match(await page.textContent(`tr[data-delivery="${first.id}"]`), /stock\.low/);
  await page.click(`tr[data-delivery="${first.id}"] button.adm-redeliver`);
  await page.waitForSelector(`.adm-note:has-text("推送 ${first.id} 已重新排队")`);
  // Tried again now, not in a minute.
  await waitFor(async () => (await ordo.ok('GET', '/v1/webhooks/erp/deliveries'))[0].attempts > first.attempts, 'the redelivery');
  await page.click('.adm-deliveries-refresh');
  await assertNoKeys(page);
  await screenshot(page, 'admin-settings-webhook');

  // A save without the secret is refused by field; nothing changes.
  await page.fill('input[name=url]', 'https://erp.example.com/hooks/ordo');
  await page.click('button.adm-webhook-save');
  await page.waitForSelector('.field-invalid[data-path=secret] .field-error');
  assert.equal((await ordo.ok('GET', '/v1/webhooks/erp')).url, 'http://127.0.0.1:9/ordo');
  await page.fill('input[name=secret]', 'a-new-secret-0123456789');
  await page.click('button.adm-webhook-save');
  await page.waitForSelector('.adm-saved');
  assert.equal((await ordo.ok('GET', '/v1/webhooks/erp')).url, 'https://erp.example.com/hooks/ordo');
  assert.deepEqual(unexpectedErrors(page), []);
});

test('the admin screens in English', async () => {
  const en = await newPage(browser, { lang: 'en' });
  await signIn(en, ordo, 'admin');
  await en.goto(ordo.base + '/console/#/users');
  await en.waitForSelector('.adm-user-table');
  assert.match(await en.textContent('h1'), /Users and roles/);
  await assertNoKeys(en);
  await screenshot(en, 'admin-users-en');
  await en.goto(ordo.base + '/console/#/settings/rules');
  await en.waitForSelector('.adm-rule[data-rule="velocity_phone"]');
  await assertNoKeys(en);
  await screenshot(en, 'admin-settings-rules-en');
  assert.deepEqual(unexpectedErrors(en), []);
  await en.context().close();
});
