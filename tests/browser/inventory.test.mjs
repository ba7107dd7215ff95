// The inventory screen: stock per SKU and warehouse with a SKU below its safety stock
// flagged, the low-stock report, near-expiry lots (one no longer pickable), slow movers; the
// warehouse on a hand-held screen; a reviewer, who reads stock but not the stock reports.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, newPage, Ordo, PASSWORD, screenshot as save, signIn, userOf } from './harness.mjs';

let ordo, browser;

async function screenshot(p, name) {
  await p.evaluate(() => scrollTo(0, 0));
  await save(p, name);
}

// China's date n days from now, as lots are dated.
function chinaDate(days) {
  return new Date(Date.now() + 8 * 3600 * 1000 + days * 86400 * 1000).toISOString().slice(0, 10);
}

// harness signIn waits for the user's name to be visible, which a hand-held screen hides.
async function signInHandheld(page, role) {
  await page.goto(ordo.base + '/console/');
  await page.fill('input[name=name]', userOf(role));
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector(`.who[data-role="${role}"]`, { state: 'attached' });
}

function unexpectedErrors(p) {
  return p.consoleErrors.filter((e) => !/status of (401|404)\b/.test(e));
}

async function assertNoKeys(p) {
  const text = await p.textContent('main');
  const keys = text.match(/\b(admin|inv)\.[a-z_]+\b/g);
  assert.equal(keys, null, 'untranslated keys: ' + (keys || []).join(' '));
}

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  browser = await launchBrowser();
  await ordo.putWarehouse('WH-BJ');
  await ordo.putWarehouse('WH-SH', '上海市', '上海市', '浦东新区');
  await ordo.putSku('INV-LOW', { name: '保温杯 500ml' });
  await ordo.putSku('INV-OK', { name: '帆布袋' });
  await ordo.putSku('INV-MILK', { name: '鲜牛奶 1L', food: true, liquid: true, shelf_life_days: 5 });
  // Below its safety stock at WH-BJ (3 < 10), above it at WH-SH.
  await ordo.ok('PUT', '/v1/stock/WH-BJ/INV-LOW', { on_hand: 3, safety_stock: 10, bin: 'A-01-02-03', reason: 'stocktake' });
  await ordo.ok('PUT', '/v1/stock/WH-SH/INV-LOW', { on_hand: 40, safety_stock: 10, bin: 'B-02-01-01', reason: 'stocktake' });
  await ordo.putStock('WH-BJ', 'INV-OK', 25);
  // Milk by lot: one lot with 3 days left (its SKU needs 5: not pickable), one with 20.
  await ordo.ok('PUT', `/v1/stock/WH-BJ/INV-MILK/lots/L-SOON`, { expires_on: chinaDate(3), on_hand: 6 });
  await ordo.ok('PUT', `/v1/stock/WH-BJ/INV-MILK/lots/L-LATER`, { expires_on: chinaDate(20), on_hand: 12 });
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

test('the stock of a SKU per warehouse, the one below its safety stock flagged', async () => {
  const page = await newPage(browser);
  await signIn(page, ordo, 'admin');
  await page.goto(ordo.base + '/console/#/inventory');
  await page.waitForSelector('.inv-stock');
  await page.fill('.inv-filters input[name=sku]', 'INV-LOW');
  await page.click('.inv-filters button[type=submit]');
  const low = 'tr[data-sku="INV-LOW"][data-warehouse="WH-BJ"]';
  await page.waitForSelector(`${low} .inv-flag[data-low=true]`);
  assert.match(await page.textContent(`${low} .inv-flag`), /低于安全库存/);
  assert.equal(await page.textContent('tr[data-sku="INV-LOW"][data-warehouse="WH-SH"] .inv-flag'), '正常');
  // What the server holds.
  const stock = await ordo.ok('GET', '/v1/stock/INV-LOW');
  const bj = stock.warehouses.find((w) => w.warehouse === 'WH-BJ');
  assert.ok(bj.available < bj.safety_stock);
  assert.match(await page.textContent(low), /A-01-02-03/);
  await assertNoKeys(page);
  await screenshot(page, 'inventory-stock');

  // The low-stock report: only what is short, by how much.
  await page.click('.adm-tabs a[data-tab=low]');
  await page.waitForSelector('.inv-low-table tr[data-sku="INV-LOW"][data-warehouse="WH-BJ"]');
  assert.match(await page.textContent('.inv-low-table tr[data-sku="INV-LOW"]'), /差 7/);
  assert.equal(await page.$('.inv-low-table tr[data-warehouse="WH-SH"]'), null);
  assert.equal(await page.$('.inv-low-table tr[data-sku="INV-OK"]'), null);
  const report = await ordo.ok('GET', '/v1/reports/low-stock');
  assert.deepEqual(
    report.items.map((i) => `${i.sku}@${i.warehouse}`),
    ['INV-LOW@WH-BJ'],
  );
  await screenshot(page, 'inventory-low-stock');

  // Counted back up: no longer low, on screen either.
  await ordo.ok('PUT', '/v1/stock/WH-BJ/INV-LOW', { on_hand: 30, safety_stock: 10, bin: 'A-01-02-03', reason: 'restock' });
  await page.click('.adm-tabs a[data-tab=stock]');
  await page.click('.adm-tabs a[data-tab=low]');
  await page.waitForSelector('.inv-lowstock .empty');
  await ordo.ok('PUT', '/v1/stock/WH-BJ/INV-LOW', { on_hand: 3, safety_stock: 10, bin: 'A-01-02-03', reason: 'stocktake' });
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

test('near-expiry lots, the one too close to expiry for picking flagged; slow movers', async () => {
  const page = await newPage(browser);
  await signIn(page, ordo, 'admin');
  await page.goto(ordo.base + '/console/#/inventory/expiry');
  const soon = '.inv-expiry-table tr[data-lot="L-SOON"]';
  await page.waitForSelector(soon);
  assert.match(await page.textContent(`${soon} .inv-flag`), /不可拣/);
  assert.match(await page.textContent('.inv-expiry-table tr[data-lot="L-LATER"] .inv-flag'), /可拣/);
  assert.match(await page.textContent(soon), new RegExp(chinaDate(3)));
  const report = await ordo.ok('GET', '/v1/reports/near-expiry?days=30');
  assert.deepEqual(
    report.lots.map((l) => [l.lot, l.pickable]),
    [
      ['L-SOON', false],
      ['L-LATER', true],
    ],
  );
  await assertNoKeys(page);
  await screenshot(page, 'inventory-near-expiry');
  // Ten days: the later lot drops out.
  await page.fill('.inv-filters input[name=days]', '10');
  await page.click('.inv-filters button[type=submit]');
  // The list is read again: wait for the new one, which keeps the sooner lot only.
  await page.waitForFunction(
    () => document.querySelector('.inv-expiry-table tr[data-lot="L-SOON"]') && !document.querySelector('.inv-expiry-table tr[data-lot="L-LATER"]'),
  );
  assert.match(page.url(), /days=10/);

  await page.click('.adm-tabs a[data-tab=slow]');
  await page.waitForSelector('.inv-slow-table tr[data-sku="INV-OK"]');
  assert.match(await page.textContent('.inv-slow-table tr[data-sku="INV-OK"]'), /从未售出/);
  await screenshot(page, 'inventory-slow-movers');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

test('the warehouse reads inventory on a hand-held screen', async () => {
  const page = await newPage(browser, { device: 'handheld' });
  await signInHandheld(page, 'warehouse');
  await page.goto(ordo.base + '/console/#/inventory/low');
  await page.waitForSelector('.inv-low-table tr[data-sku="INV-LOW"]');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok(overflow <= 0, `the page is ${overflow}px wider than the screen`);
  await screenshot(page, 'inventory-low-stock-handheld');
  await page.goto(ordo.base + '/console/#/inventory/stock');
  await page.fill('.inv-filters input[name=sku]', 'INV-MILK');
  await page.click('.inv-filters button[type=submit]');
  await page.waitForSelector('tr[data-sku="INV-MILK"][data-warehouse="WH-BJ"]');
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth - innerWidth)) <= 0);
  await screenshot(page, 'inventory-stock-handheld');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});

test('a reviewer reads stock but is not offered the stock reports', async () => {
  const page = await newPage(browser, { lang: 'en' });
  await signIn(page, ordo, 'reviewer');
  await page.goto(ordo.base + '/console/#/inventory');
  await page.waitForSelector('.inv-stock');
  const tabs = await page.$$eval('.adm-tabs a', (as) => as.map((a) => a.dataset.tab));
  assert.deepEqual(tabs, ['stock']);
  await page.fill('.inv-filters input[name=sku]', 'INV-LOW');
  await page.click('.inv-filters button[type=submit]');
  await page.waitForSelector('tr[data-sku="INV-LOW"][data-warehouse="WH-BJ"] .inv-flag:text("Below safety stock")');
  await assertNoKeys(page);
  await screenshot(page, 'inventory-stock-reviewer-en');
  assert.deepEqual(unexpectedErrors(page), []);
  await page.context().close();
});
