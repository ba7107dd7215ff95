// The Orders screen as the order desk uses it: filters (status, channel, open exception),
// exact search by order number, external id and phone, cursor paging, and an order's detail
// with the buyer's remark highlighted, its holds explained, the allocation's reasons and the
// timeline. A warehouse user opening an order sees no money, and no error either.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, makeOrder, newPage, Ordo, PASSWORD, screenshot, signIn, userOf } from './harness.mjs';

let ordo, browser;
const o = {};
const FILLERS = 51; // one more than the API's default page

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  await ordo.putWarehouse('W-BJ');
  await ordo.putWarehouse('W-SH', '上海市', '上海市', '浦东新区');
  await ordo.putSku('SKU-TEA');
  await ordo.putStock('W-BJ', 'SKU-TEA', 500);
  await ordo.putStock('W-SH', 'SKU-TEA', 500);
  o.remark = await ordo.postOrder(
    makeOrder([['SKU-TEA', 2, 1999]], {
      buyer: { name: '周女士', phone: '13911112222' },
      remark: '礼物，请不要放价格单',
      client_ip: '198.51.100.1',
    }),
  );
  o.tmall = await ordo.postOrder(
    makeOrder([['SKU-TEA', 1]], {
      channel: 'tmall',
      buyer: { name: '陈先生', phone: '13922223333' },
      address: { province: '北京市', city: '北京市', district: '海淀区', detail: '中关村大街27号1号楼501室' },
      client_ip: '198.51.100.2',
    }),
  );
  o.late = await ordo.postOrder(
    makeOrder([['SKU-TEA', 1]], {
      channel: 'jd',
      buyer: { name: '刘先生', phone: '13933334444' },
      address: { province: '北京市', city: '北京市', district: '东城区', detail: '东四北大街107号2单元302室' },
      requested_delivery_date: '2020-01-01',
      client_ip: '198.51.100.3',
    }),
  );
  assert.equal(o.remark.status, 'pending_review');
  assert.equal(o.tmall.status, 'approved');
  assert.equal(o.late.exceptions[0].code, 'delivery_date_past');
  // Store orders, each its own buyer, for paging.
  for (let i = 0; i < FILLERS; i++) {
    await ordo.postOrder(
      makeOrder([['SKU-TEA', 1]], {
        channel: 'store',
        buyer: { name: '门店顾客' + i, phone: '1370000' + String(1000 + i) },
        address: { province: '上海市', city: '上海市', district: '浦东新区', detail: `世纪大道${100 + i}号${i}室` },
        client_ip: undefined,
      }),
    );
  }
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

// Console errors with the address they are about: the shell's 401 before signing in and
// the browser's favicon request are expected.
async function openPage(opts) {
  const page = await newPage(browser, opts);
  page.errorsAt = [];
  page.on('console', (m) => m.type() === 'error' && page.errorsAt.push({ text: m.text(), url: m.location().url || '' }));
  page.on('pageerror', (e) => page.errorsAt.push({ text: String(e), url: '' }));
  return page;
}

function noErrors(page) {
  const expected = [
    [401, '/v1/session'],
    [404, '/favicon.ico'],
  ];
  const left = page.errorsAt.filter(
    (e) => !expected.some(([s, p]) => e.text.includes(`status of ${s}`) && new URL(e.url || 'http://x/').pathname === p),
  );
  assert.deepEqual(left, [], JSON.stringify(left));
}

async function rows(page) {
  return page.$$eval('tr.order-row', (trs) => trs.map((tr) => tr.dataset.order));
}

// Waits until the list has settled on exactly these orders (or this many rows).
async function waitRows(page, expected) {
  await page.waitForFunction(
    (want) => {
      if (document.querySelector('.ox .loading')) return false;
      const got = [...document.querySelectorAll('tr.order-row')].map((tr) => tr.dataset.order);
      return typeof want === 'number' ? got.length === want : JSON.stringify(got) === JSON.stringify(want);
    },
    expected,
  );
}

test('filters, search and paging find the orders; a row opens the order with its remark highlighted', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'reviewer');
  await page.click('.menu a[href="#/orders"]');
  await waitRows(page, 50);
  assert.ok(await page.isVisible('button.pager'));

  // Channel: the store's orders, page by page.
  await page.selectOption('select[name=channel]', 'store');
  await waitRows(page, 50);
  await page.click('button.pager');
  await waitRows(page, FILLERS);
  assert.equal(await page.$('button.pager'), null);
  await page.selectOption('select[name=channel]', 'tmall');
  await waitRows(page, [o.tmall.order_no]);
  assert.match(await page.textContent('tr.order-row'), /天猫/);

  // Status and exception filters combine with the address (#/orders?…).
  await page.click('button.clear-filters');
  await waitRows(page, 50);
  await page.selectOption('select[name=status]', 'pending_review');
  await waitRows(page, [o.remark.order_no]);
  assert.match(page.url(), /status=pending_review/);
  await page.selectOption('select[name=status]', '');
  await page.selectOption('select[name=exception]', 'delivery_date_past');
  await waitRows(page, [o.late.order_no]);
  assert.match(await page.textContent('tr.order-row .flags'), /要求送达日已过/);
  await page.click('button.clear-filters');

  // Search: phone, external id, order number (exact).
  for (const [q, want] of [
    ['13911112222', o.remark],
    [o.tmall.external_id, o.tmall],
    [o.late.order_no, o.late],
  ]) {
    await page.fill('input[name=q]', q);
    await page.press('input[name=q]', 'Enter');
    await waitRows(page, [want.order_no]);
  }
  await page.fill('input[name=q]', '13911112222');
  await page.press('input[name=q]', 'Enter');
  await waitRows(page, [o.remark.order_no]);
  await screenshot(page, 'orders-list-zh');

  // The row opens the order.
  await page.click(`tr.order-row[data-order="${o.remark.order_no}"] td:nth-child(4)`);
  await page.waitForSelector(`.order-detail[data-order="${o.remark.order_no}"] .order-remark`);
  assert.match(await page.textContent('.order-remark'), /礼物，请不要放价格单/);
  const bg = await page.$eval('.order-remark', (el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the remark stands out');
  // Money, holds explained with their values, the allocation's reasons, the timeline.
  await page.waitForSelector('.timeline [data-event="created"]');
  assert.match(await page.textContent('.amount-total'), /¥39\.98/);
  const review = await page.textContent('.review-block');
  assert.match(review, /买家留言（10 字），需要人工阅读：“礼物，请不要放价格单”/);
  assert.match(review, /尚未得到支付平台确认/);
  await page.waitForSelector('.alloc-reason');
  assert.match(await page.textContent('.alloc-reason'), /W-BJ/);
  assert.match(await page.textContent('.allocation'), /W-BJ/);
  // The reviewer may not read parcels or after-sales: left out, not shown as errors.
  assert.equal(await page.$('.error-box'), null);
  assert.equal(await page.$('.after-sales'), null);
  await screenshot(page, 'orders-detail-zh');
  noErrors(page);
  await page.context().close();
});

test('the order detail in English: an approved marketplace order', async () => {
  const page = await openPage({ lang: 'en' });
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/orders/' + o.tmall.order_no);
  await page.waitForSelector('.timeline [data-event="created"]');
  assert.match(await page.textContent('h1'), /Approved/);
  assert.match(await page.textContent('.review-block'), /Every rule passed/);
  assert.match(await page.textContent('.buyer'), /海淀区/);
  await page.waitForSelector('.alloc-reason');
  await screenshot(page, 'orders-detail-en');
  await page.goto(ordo.base + '/console/#/orders?channel=jd');
  await waitRows(page, [o.late.order_no]);
  assert.match(await page.textContent('tr.order-row .flags'), /delivery date past/);
  await screenshot(page, 'orders-list-en');
  noErrors(page);
  await page.context().close();
});

test('a warehouse user opening an order sees no money, politely', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'warehouse');
  await page.goto(ordo.base + '/console/#/orders/' + o.remark.order_no);
  await page.waitForSelector('.timeline [data-event="created"]');
  await page.waitForSelector('.money .redacted-note');
  // Neither the prices, the total, nor the payment (the allocation's shipping estimates are
  // the shop's own costs and stay).
  const text = await page.textContent('.order-detail');
  assert.doesNotMatch(text, /19\.99|39\.98|alipay/);
  assert.ok(!text.includes(o.remark.payment.transaction_id));
  assert.equal(await page.$('.amount-total'), null);
  // What it needs to pick and pack is there: items, the remark, the holds' reasons.
  assert.match(await page.textContent('.order-remark'), /礼物，请不要放价格单/);
  assert.match(await page.textContent('.items'), /SKU-TEA/);
  assert.match(await page.textContent('.review-block'), /买家留言/);
  assert.equal(await page.$('.error-box'), null);
  await screenshot(page, 'orders-detail-warehouse-zh');
  // The list too: no totals column.
  await page.goto(ordo.base + '/console/#/orders?status=pending_review');
  await waitRows(page, [o.remark.order_no]);
  assert.doesNotMatch(await page.textContent('table.orders-table'), /¥|39\.98/);
  noErrors(page);
  await page.context().close();

  // On a hand-held scanner's screen.
  const small = await openPage({ device: 'handheld' });
  // (harness signIn waits for the user's name, which the small screen hides)
  await small.goto(ordo.base + '/console/');
  await small.fill('input[name=name]', userOf('warehouse'));
  await small.fill('input[name=password]', PASSWORD);
  await small.click('button[type=submit]');
  await small.waitForSelector('.who[data-role="warehouse"]', { state: 'attached' });
  await small.goto(ordo.base + '/console/#/orders/' + o.remark.order_no);
  await small.waitForSelector('.money .redacted-note');
  const overflow = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page wider than the screen by ${overflow}px`);
  await screenshot(small, 'orders-detail-warehouse-handheld');
  noErrors(small);
  await small.context().close();
});

test('the admin sees the exception and the parcel section of an order', async () => {
  const page = await openPage();
  await signIn(page, ordo, 'admin');
  await page.goto(ordo.base + '/console/#/orders/' + o.late.order_no);
  await page.waitForSelector('.exceptions [data-exception="delivery_date_past"]');
  assert.match(await page.textContent('.exceptions'), /黄|要求送达日已过/);
  await page.waitForSelector('.parcels');
  assert.match(await page.textContent('.parcels'), /尚未发货/);
  noErrors(page);
  await page.context().close();
});
