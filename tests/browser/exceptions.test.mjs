// The exception pool: red and yellow flags grouped by reason with their counts, filters,
// assigning, acting and resolving, each checked against what the server then holds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, makeOrder, newPage, Ordo, screenshot, signIn, uniqueId, userOf, waitFor } from './harness.mjs';

let ordo, browser;
let shortOrder, couponOrder, spare;

// The page's console errors, less the sign-in page's 401 (asking for a session before
// there is one) and the refusals a test provokes on purpose.
// A 404 that no response of the page's own requests explains is the browser's favicon.
function unexpectedErrors(page, allowed = []) {
  const own404 = page.notFound && page.notFound.length > 0;
  return page.consoleErrors.filter(
    (e) => !/status of 401/.test(e) && !(/status of 404/.test(e) && !own404) && !allowed.some((s) => e.includes('status of ' + s)),
  );
}

async function page404(opts) {
  const page = await newPage(browser, opts);
  page.notFound = [];
  page.on('response', (r) => r.status() === 404 && page.notFound.push(r.url()));
  return page;
}

function openOf(order, code) {
  return order.exceptions.find((e) => e.code === code && e.status === 'open');
}

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  await ordo.putWarehouse('EX1');
  const scarce = uniqueId('SKU-S');
  spare = uniqueId('SKU-P');
  const plain = uniqueId('SKU-C');
  await ordo.putSku(scarce);
  await ordo.putSku(spare, { price: 1200 });
  await ordo.putSku(plain, { price: 5000 });
  await ordo.putStock('EX1', scarce, 1);
  await ordo.putStock('EX1', spare, 20);
  await ordo.putStock('EX1', plain, 20);
  // Short of stock and not splittable: a red stock_short exception.
  shortOrder = await ordo.postOrder(makeOrder([[scarce, 3]], { splittable: false }));
  assert.ok(openOf(shortOrder, 'stock_short'), JSON.stringify(shortOrder.exceptions));
  // A coupon used twice: a yellow coupon_mismatch exception.
  const coupon = makeOrder([[plain, 1, 5000]], { discounts: [{ code: 'DUP', amount: 500 }, { code: 'DUP', amount: 500 }] });
  coupon.payment.amount = 4000;
  couponOrder = await ordo.postOrder(coupon);
  assert.ok(openOf(couponOrder, 'coupon_mismatch'), JSON.stringify(couponOrder.exceptions));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

test('the pool shows red and yellow flags grouped by reason with the counts per reason, and filters', async () => {
  const page = await page404();
  await signIn(page, ordo, 'reviewer');
  await page.click('.menu a[href="#/exceptions"]');
  await page.waitForSelector('tbody.exc-group[data-code="stock_short"]');
  const summary = await ordo.ok('GET', '/v1/exceptions/summary');
  for (const c of summary.codes) {
    const count = await page.textContent(`.exc-reason[data-code="${c.code}"] .exc-reason-count`);
    assert.equal(Number(count), c.open, c.code);
  }
  assert.equal(Number(await page.textContent('[data-stat="red"] .stat')), summary.red);
  assert.equal(Number(await page.textContent('[data-stat="yellow"] .stat')), summary.yellow);
  const shortRow = `tbody[data-code="stock_short"] tr[data-id="${openOf(shortOrder, 'stock_short').id}"]`;
  assert.equal(await page.getAttribute(shortRow + ' [data-severity]', 'data-severity'), 'red');
  const couponRow = `tbody[data-code="coupon_mismatch"] tr[data-id="${openOf(couponOrder, 'coupon_mismatch').id}"]`;
  assert.equal(await page.getAttribute(couponRow + ' [data-severity]', 'data-severity'), 'yellow');
  assert.match(await page.textContent('tbody[data-code="stock_short"] .exc-group-head'), /库存不足/);
  await screenshot(page, 'exceptions-pool');

  // Red only: the yellow group leaves.
  await page.selectOption('select[name=severity]', 'red');
  await page.waitForSelector('tbody[data-code="coupon_mismatch"]', { state: 'detached' });
  assert.ok(await page.$(shortRow));
  // One reason by its chip.
  await page.selectOption('select[name=severity]', '');
  await page.click('.exc-reason[data-code="coupon_mismatch"]');
  await page.waitForSelector('tbody[data-code="stock_short"]', { state: 'detached' });
  assert.ok(await page.$(couponRow));
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

test('a reviewer assigns, notes a contact and resolves; the API shows the note and the user', async () => {
  const exc = openOf(couponOrder, 'coupon_mismatch');
  const page = await page404();
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/exceptions');
  await page.click(`tr[data-id="${exc.id}"] .exc-take`);
  await waitFor(async () => (await ordo.ok('GET', `/v1/exceptions/${exc.id}`)).owner === userOf('reviewer'), 'assigned to me');
  // "Only mine" lists it.
  await page.check('input[name=mine]');
  await page.waitForSelector(`tr[data-id="${exc.id}"]`);

  await page.click(`tr[data-id="${exc.id}"]`);
  await page.waitForSelector('.exc-detail');
  assert.equal((await page.textContent('.exc-owner')).trim(), userOf('reviewer'));
  // A note without its text: the server's field error, under the field.
  await page.selectOption('select[name=action]', 'note');
  await page.click('.exc-act button[type=submit]');
  await page.waitForSelector('.exc-act .error-box');
  assert.match(await page.textContent('.exc-act .error-box'), /note/);
  assert.ok(await page.$('.exc-act .field-invalid textarea[name=note]'));
  // The buyer was called.
  await page.selectOption('select[name=action]', 'contact_buyer');
  await page.fill('.exc-act textarea[name=note]', '已电话联系买家，确认只用一张券');
  await page.click('.exc-act button[type=submit]');
  await page.waitForSelector('.exc-history tr[data-action="contact_buyer"]');
  await screenshot(page, 'exceptions-detail');

  await page.fill('textarea[name=resolve_note]', '买家同意按一张优惠券结算');
  await page.click('.exc-resolve button[type=submit]');
  await page.waitForSelector('.exc-detail[data-status="resolved"]');
  assert.match(await page.textContent('.exc-resolved-by'), new RegExp(userOf('reviewer')));
  const d = await ordo.ok('GET', `/v1/exceptions/${exc.id}`);
  assert.equal(d.status, 'resolved');
  assert.equal(d.resolved_by, userOf('reviewer'));
  assert.equal(d.note, '买家同意按一张优惠券结算');
  assert.deepEqual(
    d.actions.map((a) => [a.action, a.actor]),
    [['assign', userOf('reviewer')], ['contact_buyer', userOf('reviewer')], ['resolve', userOf('reviewer')]],
  );
  assert.equal(d.actions[1].note, '已电话联系买家，确认只用一张券');
  await screenshot(page, 'exceptions-resolved');
  assert.deepEqual(unexpectedErrors(page, [422]), []);
  await page.context().close();
});

test('customer service swaps the short item: a bad SKU is named, then the order is whole', async () => {
  const exc = openOf(shortOrder, 'stock_short');
  const page = await page404({ lang: 'en' });
  await signIn(page, ordo, 'customer_service');
  await page.goto(ordo.base + `/console/#/exceptions/${exc.id}`);
  await page.waitForSelector('.exc-detail');
  await page.waitForSelector('.exc-lines');
  await page.selectOption('select[name=action]', 'swap');
  await page.fill('.exc-act input[name=line]', '1');
  await page.fill('.exc-act input[name=sku]', 'NO-SUCH-SKU');
  await page.fill('.exc-act textarea[name=note]', 'buyer takes another colour');
  await page.click('.exc-act button[type=submit]');
  await page.waitForSelector('.exc-act .field-invalid input[name=sku]');
  assert.match(await page.textContent('.exc-act .error-box'), /sku/);
  // The input is kept: only the SKU is corrected.
  assert.equal(await page.inputValue('.exc-act textarea[name=note]'), 'buyer takes another colour');
  await screenshot(page, 'exceptions-swap-error');
  await page.fill('.exc-act input[name=sku]', spare);
  await page.click('.exc-act button[type=submit]');
  await page.waitForSelector('.exc-detail[data-status="resolved"]');
  const d = await ordo.ok('GET', `/v1/exceptions/${exc.id}`);
  assert.equal(d.status, 'resolved');
  assert.equal(d.decision, 'swap');
  assert.equal(d.resolved_by, userOf('customer_service'));
  const order = await ordo.ok('GET', `/v1/orders/${encodeURIComponent(shortOrder.order_no)}`);
  assert.deepEqual(order.items.map((i) => [i.sku, i.qty, i.reserved_qty]), [[spare, 3, 3]]);
  await screenshot(page, 'exceptions-swapped-en');
  assert.deepEqual(unexpectedErrors(page, [422]), []);
  await page.context().close();
});
