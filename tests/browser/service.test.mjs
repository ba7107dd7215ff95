// Customer service: opening an after-sales ticket from a shipped order, working it (approve,
// a refund over what was paid refused on its field, then one within it), the tickets list
// with its SLA clocks (red once breached), logistics cases and buyer messages; each checked
// against what the server holds.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';
import { launchBrowser, makeOrder, newPage, Ordo, putCheapCarrier, screenshot, shipOrder, signIn, uniqueId, userOf } from './harness.mjs';

let ordo, browser, provider;
let shippedNo, sku;

// A refund provider that makes every refund asked for (the console never sees it).
function startProvider() {
  let n = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      n += 1;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: 'succeeded', refund_id: 'RF' + String(n).padStart(6, '0') }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function unexpectedErrors(page, allowed = []) {
  const own404 = page.notFound.length > 0;
  return page.consoleErrors.filter(
    (e) => !/status of 401/.test(e) && !(/status of 404/.test(e) && !own404) && !allowed.some((s) => e.includes('status of ' + s)),
  );
}

async function csPage(opts) {
  const page = await newPage(browser, opts);
  page.notFound = [];
  page.on('response', (r) => r.status() === 404 && page.notFound.push(r.url()));
  await signIn(page, ordo, 'customer_service');
  return page;
}

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  provider = await startProvider();
  await ordo.ok('PUT', '/v1/refunds/provider', { url: `http://127.0.0.1:${provider.address().port}/refunds`, secret: 'browser-refund-secret-0123', timeout_ms: 5000 });
  await putCheapCarrier(ordo);
  await ordo.putWarehouse('SV1', '上海市', '上海市', '浦东新区');
  sku = uniqueId('SKU-T');
  await ordo.putSku(sku, { weight_g: 200, price: 2000 });
  await ordo.putStock('SV1', sku, 10);
  const order = await ordo.postOrder(makeOrder([[sku, 2, 2000]]));
  shippedNo = order.order_no;
  const shipped = await shipOrder(ordo, shippedNo, 'SV1');
  assert.equal(shipped.status, 'shipped');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  provider?.close();
  assert.equal(await ordo.stop(), 0);
});

test('a ticket is opened from a shipped order; too many units are named on their line', async () => {
  const page = await csPage();
  await page.goto(ordo.base + '/console/#/service/new?order=' + encodeURIComponent(shippedNo));
  await page.waitForSelector('.svc-new-form');
  await page.selectOption('select[name=type]', 'refund_only');
  await page.fill('input[name=qty_0]', '3');
  await page.fill('textarea[name=reason]', '包装破损，买家要求部分退款');
  await page.fill('textarea[name=evidence]', 'https://img.example.com/box.jpg');
  await page.click('.svc-new-form button[type=submit]');
  await page.waitForSelector('.svc-new-form .error-box');
  assert.match(await page.textContent('.svc-new-form .error-box'), /items\[0\]\.qty/);
  assert.ok(await page.$('.svc-items .field-error'), 'the error sits on the line');
  assert.equal(await page.inputValue('textarea[name=reason]'), '包装破损，买家要求部分退款', 'input kept');
  await screenshot(page, 'service-new-ticket-error');
  const none = await ordo.ok('GET', '/v1/after-sales?order_no=' + encodeURIComponent(shippedNo));
  assert.deepEqual(none.items, [], 'nothing was written');

  await page.fill('input[name=qty_0]', '1');
  await page.click('.svc-new-form button[type=submit]');
  await page.waitForSelector('.svc-ticket[data-status="requested"]');
  const list = await ordo.ok('GET', '/v1/after-sales?order_no=' + encodeURIComponent(shippedNo));
  assert.equal(list.items.length, 1);
  const tk = await ordo.ok('GET', '/v1/after-sales/' + list.items[0].id);
  assert.equal(tk.type, 'refund_only');
  assert.equal(tk.status, 'requested');
  assert.deepEqual(tk.items, [{ sku, qty: 1, exchange_sku: null }]);
  assert.equal(tk.reason, '包装破损，买家要求部分退款');
  assert.deepEqual(tk.evidence, ['https://img.example.com/box.jpg']);
  assert.equal(tk.created_by, userOf('customer_service'));
  assert.match(page.url(), new RegExp(`#/service/tickets/${tk.id}$`));
  assert.equal(await page.getAttribute('.svc-head [data-sla]', 'data-sla'), 'running');
  await screenshot(page, 'service-ticket-requested');
  assert.deepEqual(unexpectedErrors(page, [422]), []);
  await page.context().close();
});

test('a ticket is taken, approved, and refunded; over the paid amount is a field error', async () => {
  const [tk] = (await ordo.ok('GET', '/v1/after-sales?order_no=' + encodeURIComponent(shippedNo))).items;
  const page = await csPage();
  await page.goto(ordo.base + '/console/#/service/tickets/' + tk.id);
  await page.waitForSelector('.svc-ticket');
  await page.click('.svc-move-assign button[type=submit]'); // empty: to me
  await page.waitForSelector(`.svc-assignee:text("${userOf('customer_service')}")`);
  await page.fill('textarea[name=messages_text]', '已请买家上传破损照片');
  await page.click('.svc-move-messages button[type=submit]');
  await page.waitForSelector('.svc-timeline tr[data-kind="message"]');
  await page.fill('input[name=approve_note]', '照片清晰，同意退款');
  await page.click('.svc-move-approve button[type=submit]');
  await page.waitForSelector('.svc-ticket[data-status="approved"]');

  // Paid 40.00: 50.00 is refused on its field, and the input stays.
  await page.waitForSelector('.svc-refundable');
  await page.fill('input[name=refund_amount]', '50');
  await page.click('.svc-move-refund button[type=submit]');
  await page.waitForSelector('.svc-move-refund .field-invalid input[name=refund_amount]');
  assert.match(await page.textContent('.svc-move-refund .error-box'), /amount/);
  assert.match(await page.textContent('.svc-move-refund .field-error'), /4000/);
  assert.equal(await page.inputValue('input[name=refund_amount]'), '50');
  await screenshot(page, 'service-refund-over-paid');
  let refunds = await ordo.ok('GET', `/v1/orders/${encodeURIComponent(shippedNo)}/refunds`);
  assert.equal(refunds.refunded, 0);

  await page.fill('input[name=refund_amount]', '12.50');
  await page.click('.svc-move-refund button[type=submit]');
  await page.waitForSelector('.svc-ticket[data-status="refunded"]');
  await page.waitForSelector('.svc-refunds');
  refunds = await ordo.ok('GET', `/v1/orders/${encodeURIComponent(shippedNo)}/refunds`);
  assert.equal(refunds.refunded, 1250);
  const view = await ordo.ok('GET', '/v1/after-sales/' + tk.id);
  assert.equal(view.status, 'refunded');
  assert.equal(view.assignee, userOf('customer_service'));
  assert.ok(view.timeline.some((e) => e.kind === 'message' && e.text.includes('已请买家上传破损照片')));
  await screenshot(page, 'service-ticket-refunded');
  assert.deepEqual(unexpectedErrors(page, [422]), []);
  await page.context().close();
});

test('the tickets list shows each SLA clock, red once the deadline has passed', async () => {
  // A second ticket still waiting in `requested` (its clock runs: 24 h by default).
  const order = await ordo.postOrder(makeOrder([[sku, 1, 2000]]));
  await shipOrder(ordo, order.order_no, 'SV1');
  const t2 = await ordo.ok('POST', `/v1/orders/${encodeURIComponent(order.order_no)}/after-sales`, { type: 'return_refund', items: [{ sku, qty: 1 }], reason: '尺码不合适' }, [201]);
  const page = await csPage();
  await page.goto(ordo.base + '/console/#/service');
  await page.waitForSelector(`.svc-tickets tr[data-id="${t2.id}"]`);
  assert.equal(await page.getAttribute(`tr[data-id="${t2.id}"] [data-sla]`, 'data-sla'), 'running');
  assert.match(await page.textContent(`tr[data-id="${t2.id}"] [data-sla]`), /剩余 (23h|24h)/);
  await screenshot(page, 'service-tickets');
  await page.context().close();

  // Two days later the same list shows it breached, in red.
  const later = await newPage(browser);
  later.notFound = [];
  await later.clock.setFixedTime(new Date(Date.now() + 48 * 3600 * 1000));
  await signIn(later, ordo, 'customer_service');
  await later.goto(ordo.base + '/console/#/service');
  await later.waitForSelector(`tr[data-id="${t2.id}"] [data-sla="breached"]`);
  assert.match(await later.textContent(`tr[data-id="${t2.id}"] [data-sla]`), /超时/);
  const color = await later.$eval(`tr[data-id="${t2.id}"] [data-sla]`, (el) => getComputedStyle(el).color);
  assert.equal(color, 'rgb(209, 36, 47)');
  await screenshot(later, 'service-tickets-breached');
  await later.context().close();
});

test('a logistics case is raised and listed; buyer messages of an order are shown', async () => {
  const page = await csPage({ lang: 'en' });
  await page.goto(ordo.base + '/console/#/service?tab=logistics');
  await page.waitForSelector('.svc-raise');
  await page.fill('input[name=lg_order]', shippedNo);
  await page.selectOption('select[name=lg_kind]', 'damaged');
  await page.fill('input[name=lg_note]', 'buyer sent photos of a crushed box');
  await page.click('.svc-raise button[type=submit]');
  await page.waitForSelector('.exc-detail .exc-logistics');
  const cases = await ordo.ok('GET', `/v1/orders/${encodeURIComponent(shippedNo)}/logistics-cases`);
  assert.equal(cases.length, 1);
  assert.equal(cases[0].code, 'logistics_damaged');
  assert.equal(cases[0].actions[0].actor, userOf('customer_service'));
  await screenshot(page, 'service-logistics-case-en');
  await page.goto(ordo.base + '/console/#/service?tab=logistics');
  await page.waitForSelector(`.svc-cases tr[data-id="${cases[0].id}"]`);
  await screenshot(page, 'service-logistics-en');

  await page.goto(ordo.base + '/console/#/service?tab=messages&order=' + encodeURIComponent(shippedNo));
  await page.waitForSelector('.svc-messages');
  const messages = await ordo.ok('GET', `/v1/orders/${encodeURIComponent(shippedNo)}/messages`);
  const rows = await page.$$('.svc-messages tbody tr');
  assert.equal(rows.length, (Array.isArray(messages) ? messages : messages.items).length);
  await screenshot(page, 'service-messages-en');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});
