// Signing in as each role: the session cookie, the menu the role has, the language switch,
// and a wrong password refused with nothing shown.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, Ordo, PASSWORD, ROLES, screenshot, signIn, userOf } from './harness.mjs';

let ordo, browser;

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

const expectedMenu = {
  admin: ['#/dashboard', '#/orders', '#/review', '#/exceptions', '#/warehouse', '#/service', '#/inventory', '#/settings', '#/users'],
  reviewer: ['#/dashboard', '#/orders', '#/review', '#/exceptions', '#/inventory'],
  warehouse: ['#/dashboard', '#/orders', '#/warehouse', '#/inventory'],
  customer_service: ['#/dashboard', '#/orders', '#/exceptions', '#/service'],
  finance: ['#/dashboard', '#/orders'],
};

for (const role of ROLES) {
  test(`${role} signs in and sees the menu of the role`, async () => {
    const page = await newPage(browser);
    await signIn(page, ordo, role);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'ordo_session');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    const links = await page.$$eval('.menu a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(links, expectedMenu[role]);
    // Each lands on its daily work: the warehouse on its waves, the others on the first screen.
    const landing = role === 'warehouse' ? '#/warehouse' : expectedMenu[role][0];
    await page.waitForFunction((h) => location.hash === h, landing);
    // The cookie is not readable by the page's script.
    assert.equal(await page.evaluate(() => document.cookie.includes('ordo_session')), false);
    await screenshot(page, `signin-${role}`);
    await page.context().close();
  });
}

test('a wrong password is refused and the console stays signed out', async () => {
  const page = await newPage(browser);
  await page.goto(ordo.base + '/console/');
  await page.fill('input[name=name]', userOf('reviewer'));
  await page.fill('input[name=password]', PASSWORD + 'x');
  await page.click('button[type=submit]');
  await page.waitForSelector('.error-box');
  assert.match(await page.textContent('.error-box'), /用户名或密码错误/);
  assert.equal(await page.$('.menu'), null);
  await screenshot(page, 'signin-wrong-password');
  await page.context().close();
});

test('the language switches between Chinese and English and is remembered', async () => {
  const page = await newPage(browser);
  await signIn(page, ordo, 'reviewer');
  assert.equal(await page.textContent('.menu a[href="#/orders"]'), '订单');
  await page.click('button.lang');
  await page.waitForSelector('.menu a[href="#/orders"]:text("Orders")');
  await page.reload();
  await page.waitForSelector('.menu a[href="#/orders"]:text("Orders")');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await page.context().close();
});

test('a screen the role may not use says so, and the server refuses its requests', async () => {
  const page = await newPage(browser);
  await signIn(page, ordo, 'warehouse');
  // The server is the judge: the console's own session may not approve an order.
  const status = await page.evaluate(async () => {
    const s = await (await fetch('/v1/session')).json();
    const r = await fetch('/v1/orders/NO-SUCH/approve', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token },
      body: '{}',
    });
    return r.status;
  });
  assert.equal(status, 403);
  // Without the CSRF token a change is refused too.
  const noCsrf = await page.evaluate(async () => (await fetch('/v1/session', { method: 'DELETE' })).status);
  assert.equal(noCsrf, 403);
  await page.context().close();
});

test('signing out ends the session', async () => {
  const page = await newPage(browser);
  await signIn(page, ordo, 'finance');
  await page.click('button.signout');
  await page.waitForSelector('input[name=password]');
  const status = await page.evaluate(async () => (await fetch('/v1/session')).status);
  assert.equal(status, 401);
  assert.equal(page.consoleErrors.filter((e) => !/401/.test(e)).length, 0, page.consoleErrors.join('\n'));
  await page.context().close();
});
