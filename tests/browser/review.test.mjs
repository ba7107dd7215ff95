// The review queue as the reviewer uses it: orders held by the default rules (a buyer's
// remark, a high first-order total, an unverified web payment) listed oldest first with the
// rule hits explained; filters; approve, reject (confirmed), release a hold, and correct an
// address: a bad district is refused next to the field and nothing changes, a good one is
// saved. Every outcome is checked through the API as well as on screen.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, makeOrder, newPage, Ordo, screenshot, signIn } from './harness.mjs';

let ordo, browser;
const orders = {};

// Distinct phones, addresses and IPs, so the velocity rules stay out of the way.
function buyer(i, over = {}) {
  return {
    buyer: { name: '买家' + i, phone: '1390000' + String(1000 + i) },
    address: { province: '北京市', city: '北京市', district: '朝阳区', detail: `建国路${80 + i}号${i}单元${100 + i}室`, postal_code: '100022' },
    client_ip: '198.51.100.' + (10 + i),
    ...over,
  };
}

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  await ordo.putWarehouse('W-BJ');
  await ordo.putSku('SKU-TEA');
  await ordo.putSku('SKU-CUP', { price: 250000 });
  await ordo.putStock('W-BJ', 'SKU-TEA', 100);
  await ordo.putStock('W-BJ', 'SKU-CUP', 10);
  // Oldest first: remark (web: also payment unverified), high value, reject-me, release-me.
  orders.remark = await ordo.postOrder(makeOrder([['SKU-TEA', 2]], { ...buyer(1), remark: '请用顺丰，周六上午送到' }));
  orders.high = await ordo.postOrder(makeOrder([['SKU-CUP', 1, 250000]], { ...buyer(2), channel: 'tmall' }));
  orders.reject = await ordo.postOrder(makeOrder([['SKU-TEA', 1]], { ...buyer(3), channel: 'jd', remark: '假地址测试' }));
  orders.release = await ordo.postOrder(makeOrder([['SKU-TEA', 3]], { ...buyer(4) }));
  for (const o of Object.values(orders)) assert.equal(o.status, 'pending_review', o.order_no);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

const card = (no) => `article.review-card[data-order="${no}"]`;
const order = (no) => ordo.ok('GET', `/v1/orders/${no}`);

// A page whose console errors are kept with the address they are about: the shell's own
// 401 (asking for a session before signing in) and the browser's favicon request are
// expected; a refused request of a test is named by it (status, path).
async function openPage(opts) {
  const page = await newPage(browser, opts);
  page.errorsAt = [];
  page.on('console', (m) => m.type() === 'error' && page.errorsAt.push({ text: m.text(), url: m.location().url || '' }));
  page.on('pageerror', (e) => page.errorsAt.push({ text: String(e), url: '' }));
  return page;
}

function noErrors(page, allowed = []) {
  const expected = [
    [401, '/v1/session'],
    [404, '/favicon.ico'],
    ...allowed,
  ];
  const left = page.errorsAt.filter(
    (e) => !expected.some(([status, path]) => e.text.includes(`status of ${status}`) && new URL(e.url || 'http://x/').pathname.startsWith(path)),
  );
  assert.deepEqual(left, [], JSON.stringify(left));
}

test('the queue lists held orders oldest first with each rule hit explained, and filters', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'reviewer');
  await page.click('.menu a[href="#/review"]');
  await page.waitForSelector(card(orders.release.order_no));
  const listed = await page.$$eval('article.review-card', (as) => as.map((a) => a.dataset.order));
  assert.deepEqual(listed, [orders.remark, orders.high, orders.reject, orders.release].map((o) => o.order_no));

  // The remark hold quotes the remark; the web order's payment hold says why.
  const remark = await page.textContent(card(orders.remark.order_no) + ' .holds');
  assert.match(remark, /买家留言/);
  assert.match(remark, /“请用顺丰，周六上午送到”/);
  assert.match(remark, /尚未得到支付平台确认/);
  // The high-value hold names the total, the threshold and that it is the phone's first order.
  const high = await page.textContent(card(orders.high.order_no) + ' [data-reason="high_value"]');
  assert.match(high, /订单金额 ¥2500\.00 超过了 ¥2000\.00 的审核门槛/);
  assert.match(high, /首单/);
  await screenshot(page, 'review-queue-zh');

  // Filters: by hold reason, by channel, by amount (yuan on screen, fen to the API).
  await page.selectOption('select[name=reason]', 'high_value');
  await waitForCards(page, [orders.high.order_no]);
  await page.selectOption('select[name=reason]', '');
  await page.selectOption('select[name=channel]', 'jd');
  await waitForCards(page, [orders.reject.order_no]);
  await page.selectOption('select[name=channel]', '');
  await page.fill('input[name=min_amount]', '1000');
  await page.click('.review-filters button[type=submit]');
  await waitForCards(page, [orders.high.order_no]);
  await page.fill('input[name=min_amount]', '');
  await page.click('.review-filters button[type=submit]');
  await waitForCards(page, [orders.remark, orders.high, orders.reject, orders.release].map((o) => o.order_no));
  noErrors(page);
  await page.context().close();
});

async function waitForCards(page, expected) {
  await page.waitForFunction(
    (want) => {
      const got = [...document.querySelectorAll('article.review-card')].map((a) => a.dataset.order);
      return !document.querySelector('.loading') && JSON.stringify(got) === JSON.stringify(want);
    },
    expected,
  );
}

test('approving with a note takes the order out of the queue; the API says approved', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/review');
  const no = orders.remark.order_no;
  await page.waitForSelector(card(no));
  await page.fill(card(no) + ' input[name=note]', '已电话确认顺丰');
  await page.click(card(no) + ' button.approve');
  await page.waitForSelector('.flash:has-text("已通过审核")');
  await page.waitForSelector(card(no), { state: 'detached' });
  const o = await order(no);
  assert.equal(o.status, 'approved');
  assert.ok(o.holds.every((h) => h.status === 'released'));
  const events = await ordo.ok('GET', `/v1/orders/${no}/events`);
  assert.ok(events.some((e) => e.to === 'approved' && e.actor === 'u-reviewer'), JSON.stringify(events));
  noErrors(page);
  await page.context().close();
});

test('an address edit with a bad district shows the field error and changes nothing; a good one is saved', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/review');
  const no = orders.high.order_no;
  const c = card(no);
  await page.waitForSelector(c);
  await page.click(c + ' button.edit');
  await page.fill(c + ' input[name=district]', '浦东新区');
  await page.fill(c + ' input[name=name]', '李先生');
  await page.click(c + ' .edit-form button[type=submit]');
  // The error sits under the district field, and what was typed stays.
  const fieldError = c + ' label.field-invalid:has(input[name=district]) .field-error';
  await page.waitForSelector(fieldError);
  assert.match(await page.textContent(fieldError), /浦东新区/);
  assert.match(await page.textContent(c + ' .edit-form .error-box'), /address\.district/);
  assert.equal(await page.inputValue(c + ' input[name=district]'), '浦东新区');
  assert.equal(await page.inputValue(c + ' input[name=name]'), '李先生');
  await screenshot(page, 'review-edit-error-zh');
  let o = await order(no);
  assert.equal(o.address.district, '朝阳区');
  assert.equal(o.buyer.name, '买家2');

  // Corrected: saved, shown on the card, and held by the server.
  await page.fill(c + ' input[name=district]', '东城区');
  await page.fill(c + ' input[name=detail]', '东长安街1号院2号楼3单元401室');
  await page.click(c + ' .edit-form button[type=submit]');
  await page.waitForSelector('.flash:has-text("收货信息已保存")');
  await page.waitForSelector(c + ' .address:has-text("东城区 东长安街1号院2号楼3单元401室")');
  o = await order(no);
  assert.equal(o.address.district, '东城区');
  assert.equal(o.address.detail, '东长安街1号院2号楼3单元401室');
  assert.equal(o.buyer.name, '李先生');
  assert.equal(o.buyer.phone, '13900001002');
  assert.equal(o.status, 'pending_review');
  const events = await ordo.ok('GET', `/v1/orders/${no}/events`);
  assert.ok(events.some((e) => e.type === 'edited'));
  noErrors(page, [[422, '/v1/orders/' + no]]);
  await page.context().close();
});

test('rejecting asks first, needs a reason, and cancels the order', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/review');
  const no = orders.reject.order_no;
  const c = card(no);
  await page.waitForSelector(c);
  await page.click(c + ' button.reject');
  await page.waitForSelector(c + ' .confirm-reject');
  // Nothing happened yet: the confirmation is the first step.
  assert.equal((await order(no)).status, 'pending_review');
  await page.fill(c + ' input[name=note]', '地址为测试地址，买家确认取消');
  await screenshot(page, 'review-reject-confirm-zh');
  await page.click(c + ' button.confirm');
  await page.waitForSelector('.flash:has-text("已拒绝")');
  await page.waitForSelector(c, { state: 'detached' });
  const o = await order(no);
  assert.equal(o.status, 'cancelled');
  const events = await ordo.ok('GET', `/v1/orders/${no}/events`);
  assert.ok(events.some((e) => e.to === 'cancelled' && /地址为测试地址/.test(e.reason || '')), JSON.stringify(events));
  noErrors(page);
  await page.context().close();
});

test('releasing one hold keeps the order in the queue (English)', async () => {
  const page = await openPage({ lang: 'en' });
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/review');
  const no = orders.release.order_no;
  const c = card(no);
  await page.waitForSelector(c);
  assert.match(await page.textContent(c + ' .holds'), /payment provider has not confirmed it/);
  await screenshot(page, 'review-queue-en');
  await page.fill(c + ' input[name=note]', 'paid, seen in the Alipay console');
  await page.click(c + ' [data-reason="payment_unverified"] button.hold-release');
  await page.waitForSelector('.flash:has-text("released")');
  const o = await order(no);
  const hold = o.holds.find((h) => h.reason === 'payment_unverified');
  assert.equal(hold.status, 'released');
  assert.equal(hold.release_note, 'paid, seen in the Alipay console');
  assert.equal(hold.released_by, 'u-reviewer');
  // Releasing does not approve: the order waits for a decision, without that hold.
  assert.equal(o.status, 'pending_review');
  await page.waitForSelector(c + ' .review-holds:has-text("No holds")');
  noErrors(page);
  await page.context().close();
});
