// The managers' dashboard: every figure on screen is the one GET /v1/stats/dashboard gives
// (statuses, intake, stage times with an SLA breach, error rates, peak and capacity); a paid
// order posted through the API shows up live without a reload; the intake chart is drawn;
// the window selector changes the request; the warehouse, which may not read the event
// stream, polls instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchBrowser, makeOrder, newPage, Ordo, putCheapCarrier, screenshot, shipOrder, signIn, waitFor } from './harness.mjs';

let ordo, browser;
const o = {};

function buyer(i) {
  return {
    buyer: { name: '买家' + i, phone: '1370000' + String(1000 + i) },
    address: { province: '北京市', city: '北京市', district: '朝阳区', detail: `望京街${10 + i}号${i}单元${200 + i}室`, postal_code: '100102' },
    client_ip: '198.51.100.' + (40 + i),
  };
}

before(async () => {
  // A one-second review SLA, so the order approved after it is a breach.
  ordo = await new Ordo({ env: { ORDO_SLA_REVIEW_S: '1' } }).start();
  await ordo.addUsers();
  await ordo.putWarehouse('W-BJ');
  await ordo.putSku('SKU-TEA');
  await ordo.putStock('W-BJ', 'SKU-TEA', 100);
  await putCheapCarrier(ordo);
  const remark = { remark: '请周末送货' }; // held for review by the default rules
  o.ship = await ordo.postOrder(makeOrder([['SKU-TEA', 1]], { ...buyer(1), ...remark }));
  o.reject = await ordo.postOrder(makeOrder([['SKU-TEA', 1]], { ...buyer(2), ...remark }));
  o.wait1 = await ordo.postOrder(makeOrder([['SKU-TEA', 2]], { ...buyer(3), ...remark }));
  o.wait2 = await ordo.postOrder(makeOrder([['SKU-TEA', 1]], { ...buyer(4), channel: 'jd', ...remark }));
  o.pick = await ordo.postOrder(makeOrder([['SKU-TEA', 1]], { ...buyer(5), ...remark }));
  const placed = Date.now();
  browser = await launchBrowser();
  await waitFor(() => Date.now() - placed > 1100, 'the review SLA to pass');
  // One order in picking, where a scan of the wrong item is refused and counted.
  await ordo.ok('POST', `/v1/orders/${o.pick.order_no}/approve`, { note: 'ok' });
  const wave = await ordo.ok('POST', '/v1/waves', { warehouse: 'W-BJ', strategy: 'zone', max_orders: 1000 }, [201]);
  const bad = await ordo.request('POST', `/v1/picks/${wave.tasks[0].id}/scan`, { barcode: '6900000000002', qty: 1 });
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  await shipOrder(ordo, o.ship.order_no, 'W-BJ');
  await ordo.ok('POST', `/v1/orders/${o.reject.order_no}/reject`, { reason: 'rejected: 地址不实' });
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

const errorsOf = (page) => page.consoleErrors.filter((e) => !/401/.test(e));

// What the page's own session reads from the API.
const stats = (page, w = 60) => page.evaluate(async (win) => (await fetch('/v1/stats/dashboard?window_minutes=' + win)).json(), w);

async function figuresMatch(page, s) {
  for (const [status, n] of Object.entries(s.orders_by_status))
    assert.equal(await page.getAttribute(`.dash-status[data-status="${status}"]`, 'data-count'), String(n), status);
  const shown = await page.$$eval('.dash-statuses [data-status]', (as) => as.filter((a) => a.dataset.status !== 'exceptions').map((a) => [a.dataset.status, Number(a.dataset.count)]));
  for (const [status, n] of shown) assert.equal(n, s.orders_by_status[status] || 0, status);
  const total = s.intake_per_minute.reduce((a, b) => a + b.count, 0);
  assert.equal(await page.getAttribute('.dash-intake', 'data-total'), String(total));
  assert.equal(await page.getAttribute('.dash-intake', 'data-buckets'), String(s.window_minutes));
  for (const st of s.stages) {
    const row = `.dash-stages tr[data-stage="${st.stage}"]`;
    assert.equal(await page.getAttribute(row, 'data-count'), String(st.count), st.stage);
    assert.equal(await page.getAttribute(row, 'data-breaches'), String(st.breaches), st.stage);
  }
  for (const r of s.error_rates) {
    const row = `.dash-errors tr[data-measure="${r.measure}"]`;
    assert.equal(await page.getAttribute(row, 'data-errors'), String(r.errors), r.measure);
    assert.equal(await page.getAttribute(row, 'data-total'), String(r.total), r.measure);
    const rate = (await page.textContent(row + ' [data-field=rate]')).trim();
    assert.equal(rate, r.rate === null ? '—' : (r.rate * 100).toFixed(1) + '%', r.measure);
  }
  assert.equal(await page.getAttribute('.dash-peak', 'data-capacity'), String(s.peak.capacity_per_hour));
  assert.equal(await page.getAttribute('.dash-peak', 'data-current'), String(s.peak.current_hour_orders));
}

// Pixels of the bars' colour on the intake chart's canvas.
const barPixels = (page) =>
  page.$eval('.dash-intake-chart canvas', (c) => {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 31 && d[i + 1] === 111 && d[i + 2] === 235 && d[i + 3] === 255) n++;
    return n;
  });

test('the reviewer sees the figures the API gives, a paid order arrives live, and the chart is drawn', async () => {
  const page = await newPage(browser);
  await signIn(page, ordo, 'reviewer');
  await page.waitForSelector('.dash-statuses'); // the reviewer's first screen
  const s = await stats(page);
  // What the setup did: one order shipped, one picking, one rejected, two waiting; both
  // approvals came after the one-second review SLA.
  assert.deepEqual(s.orders_by_status, { pending_review: 2, picking: 1, shipped: 1, cancelled: 1 });
  const review = s.stages.find((x) => x.stage === 'review');
  assert.deepEqual([review.count, review.breaches], [2, 2]);
  const rejects = s.error_rates.find((x) => x.measure === 'review_rejects');
  assert.deepEqual([rejects.errors, rejects.total], [1, 3]);
  assert.ok(s.error_rates.find((x) => x.measure === 'scan_mismatches').errors >= 1);
  assert.equal(s.peak.capacity_per_hour, 1);
  await figuresMatch(page, s);
  // The breach is red; pending review and the open exceptions stand out.
  assert.ok(await page.$('.dash-stages tr[data-stage="review"] td.dash-breach'));
  assert.ok(await page.$('.dash-status.hot[data-status="pending_review"]'));
  const summary = await page.evaluate(async () => (await fetch('/v1/exceptions/summary')).json());
  assert.equal(await page.getAttribute('.dash-status[data-status="exceptions"]', 'data-count'), String(summary.open));
  assert.match(await page.textContent('.dash-peak'), /当前|本小时进单/);
  assert.ok((await barPixels(page)) > 20, 'the intake bars are drawn');

  // Live: the stream is open; a paid order posted now shows without a reload.
  await page.waitForSelector('.dash-live[data-live="on"]');
  await page.evaluate(() => (window.__sameDocument = true));
  const pending = Number(await page.getAttribute('.dash-status[data-status="pending_review"]', 'data-count'));
  const intake = Number(await page.getAttribute('.dash-intake', 'data-total'));
  const fresh = await ordo.postOrder(makeOrder([['SKU-TEA', 1]], { ...buyer(9), remark: '下午送' }));
  assert.equal(fresh.status, 'pending_review');
  await page.waitForSelector(`.dash-status[data-status="pending_review"][data-count="${pending + 1}"]`);
  await page.waitForSelector(`.dash-intake[data-total="${intake + 1}"]`);
  assert.ok(Number(await page.getAttribute('.dash-intake', 'data-now')) >= 1);
  assert.equal(await page.evaluate(() => window.__sameDocument), true, 'not reloaded');
  // After the re-read the screen still agrees with the server.
  await waitFor(async () => {
    const now = await stats(page);
    await figuresMatch(page, now);
    return true;
  }, 'the figures after the re-read');
  await screenshot(page, 'dashboard-zh');
  assert.deepEqual(errorsOf(page), []);
  await page.context().close();
});

test('finance reads it in English, and the window selector changes the request', async () => {
  const page = await newPage(browser, { lang: 'en' });
  await signIn(page, ordo, 'finance');
  await page.waitForSelector('.dash-statuses');
  assert.equal(await page.textContent('.dash h1'), 'Dashboard');
  assert.match(await page.textContent('.dash-stages'), /Time per stage against the SLA[\s\S]*Review[\s\S]*Delivery/);
  assert.match(await page.textContent('.dash-errors'), /Scan mismatches/);
  assert.equal(await page.$('.dash-status[data-status="exceptions"]'), null, 'finance may not read exceptions');
  await figuresMatch(page, await stats(page));
  await screenshot(page, 'dashboard-en');

  const asked = page.waitForRequest((r) => r.url().includes('/v1/stats/dashboard?window_minutes=240'));
  await page.click('.dash-windows button[data-window="240"]');
  await asked;
  await page.waitForSelector('.dash-intake[data-buckets="240"]');
  assert.match(page.url(), /#\/dashboard\?window=240$/);
  assert.equal(await page.getAttribute('.dash-windows button[data-window="240"]', 'aria-pressed'), 'true');
  await figuresMatch(page, await stats(page, 240));
  const day = page.waitForRequest((r) => r.url().includes('window_minutes=1440'));
  await page.click('.dash-windows button[data-window="1440"]');
  await day;
  await page.waitForSelector('.dash-intake[data-buckets="1440"]');
  assert.ok((await barPixels(page)) > 0, 'bars at a day');
  assert.deepEqual(errorsOf(page), []);
  await page.context().close();
});

test('the warehouse, which may not read the event stream, gets the dashboard polled', async () => {
  const page = await newPage(browser, { device: 'handheld' });
  const streams = [];
  page.on('request', (r) => r.url().includes('/v1/events/stream') && streams.push(r.url()));
  await signIn(page, ordo, 'warehouse');
  await page.goto(ordo.base + '/console/#/dashboard');
  await page.waitForSelector('.dash-live[data-live="poll"]');
  await figuresMatch(page, await stats(page));
  await screenshot(page, 'dashboard-warehouse-handheld');
  assert.deepEqual(streams, []);
  assert.deepEqual(errorsOf(page), []);
  await page.context().close();
});
