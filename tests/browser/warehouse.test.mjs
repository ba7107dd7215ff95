// The warehouse screens end to end: a wave built in the console, its items scanned on a
// hand-held (one wrong barcode refused in red without changing the pick, the tote counted
// after 10 items), the order packed with its remark on screen and shipped with a tracking
// number from the carrier's pool; the server's records checked through the API.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ean13, launchBrowser, makeOrder, newPage, Ordo, screenshot as save, signIn, waitFor } from './harness.mjs';

const WH = 'WH-BJ';
const REMARK = '杯子易碎，请多包几层气泡膜，谢谢！';
const REMARK2 = '周末不在家，请放丰巢快递柜';
const POOL = ['731234567801', '731234567802', '731234567803', '731234567804'];
let ordo, browser, o1, o2, session;

before(async () => {
  ordo = await new Ordo().start();
  await ordo.addUsers();
  await ordo.putWarehouse(WH);
  await ordo.putWarehouse('WH-SH', '上海市', '上海市', '浦东新区');
  await ordo.putSku('MUG', { name: '玻璃水杯', fragile: true, weight_g: 350 });
  await ordo.putSku('TEA', { name: '龙井茶 250g', weight_g: 260 });
  await ordo.putSku('SOCK', { name: '棉袜', weight_g: 60, length_mm: 60, width_mm: 40, height_mm: 20 });
  await ordo.putStock(WH, 'MUG', 20, 'A-01-03-1');
  await ordo.putStock(WH, 'TEA', 20, 'A-02-05');
  await ordo.putStock(WH, 'SOCK', 30, 'A-01-10-2');
  // A carrier that serves Beijing from Beijing, with a small pool of tracking numbers.
  const zone = (days) => ({ first_weight_g: 1000, first_fen: 800, step_g: 1000, step_fen: 200, promised_days: days });
  await ordo.ok('PUT', '/v1/carriers/ZTO', {
    name: '中通快递',
    rate_card: { local: zone(1), regional: zone(2), national: zone(3) },
    tracking_format: { pattern: '7[0-9]{11}' },
  });
  await ordo.ok('POST', '/v1/carriers/ZTO/tracking-numbers', { numbers: POOL });
  // Two paid orders; the remark and the unverified web payment hold them for review.
  o1 = (await ordo.postOrder(makeOrder([['MUG', 2], ['TEA', 1]], { remark: REMARK }))).order_no;
  o2 = (await ordo.postOrder(makeOrder([['SOCK', 8]], { remark: REMARK2 }))).order_no;
  for (const no of [o1, o2]) {
    const approved = await ordo.ok('POST', `/v1/orders/${no}/approve`, { note: 'browser test' });
    assert.equal(approved.status, 'approved');
  }
  browser = await launchBrowser();
  // The warehouse user signs in once; each test's page (desk or hand-held) carries that
  // session's cookie, as a second tab would.
  const page = await newPage(browser);
  await signIn(page, ordo, 'warehouse');
  session = await page.context().cookies();
  await page.context().close();
});

after(async () => {
  await browser?.close();
  assert.equal(await ordo.stop(), 0);
});

// No script errors; failed requests only those expected (the sign-in page's session probe,
// and the refusals a test provokes). "Failed to load resource" lines are judged by the
// requests themselves (the browser's own /favicon.ico miss is not the console's).
const noErrors = (page, allowed = []) => {
  const expected = [/^401 .*\/v1\/session$/, ...allowed];
  assert.deepEqual(page.consoleErrors.filter((e) => !/^Failed to load resource/.test(e)), []);
  assert.deepEqual(page.failed.filter((f) => !expected.some((re) => re.test(f))), []);
};
// Every failed request is kept, so a console error names its address.
async function page_(opts) {
  const page = await newPage(browser, opts);
  await page.context().addCookies(session);
  page.failed = [];
  page.on('response', (r) => r.status() >= 400 && page.failed.push(`${r.status()} ${r.url()}`));
  return page;
}
// The whole page from its top (a scroll leaves the sticky top bar mid-page in the image).
async function screenshot(page, name) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await save(page, name);
}
const noOverflow = async (page) => {
  const wide = await page.evaluate(() =>
    document.documentElement.scrollWidth <= window.innerWidth
      ? []
      : [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5)
          .map((e) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`),
  );
  assert.deepEqual(wide, [], 'no sideways scrolling');
};

let taskId;

test('a wave is built by strategy at the desk and shows its route and pick list', async () => {
  const page = await page_();
  await page.goto(ordo.base + '/console/#/warehouse');
  await page.waitForSelector('.who[data-role="warehouse"]');
  // No warehouse chosen yet: every warehouse the API lists is offered, by name and code.
  await page.waitForSelector('button.wh-known');
  const listed = await page.$$eval('button.wh-known', (bs) =>
    bs.map((b) => ({ code: b.dataset.code, name: b.querySelector('.wh-known-name').textContent, shown: b.querySelector('.wh-known-code').textContent })),
  );
  const api = (await ordo.ok('GET', '/v1/warehouses')).items;
  assert.deepEqual(api.map((w) => w.code), ['WH-BJ', 'WH-SH']);
  assert.deepEqual(listed, api.map((w) => ({ code: w.code, name: w.name, shown: w.code })));
  await screenshot(page, 'warehouse-desk-chooser');
  await page.click(`button.wh-known[data-code="${WH}"]`);
  await page.waitForSelector(`.wh-current[data-warehouse="${WH}"]`);
  await page.waitForSelector('.wh-waiting:text("2 单 / 11 件")');
  await page.selectOption('select[name=strategy]', 'zone');
  await screenshot(page, 'warehouse-desk-home');
  await page.click('.wh-new-wave button[type=submit]');
  await page.waitForSelector('.wh-task');
  taskId = Number(await page.getAttribute('.wh-task', 'data-task'));
  const task = await ordo.ok('GET', `/v1/picks/${taskId}`);
  const wave = task.wave;
  // Route order: aisle 01 bays up, then aisle 02.
  assert.deepEqual(
    task.lines.map((l) => l.bin),
    ['A-01-03-1', 'A-01-10-2', 'A-02-05'],
  );
  const bins = await page.$$eval('.wh-task .wh-bin', (tds) => tds.map((td) => td.textContent));
  assert.deepEqual(bins, task.lines.map((l) => l.bin));
  assert.match(await page.textContent('.wh-wave-summary'), new RegExp(`${task.distance_m} 米`));
  // Both orders are picking now.
  for (const no of [o1, o2]) assert.equal((await ordo.ok('GET', `/v1/orders/${no}`)).status, 'picking');
  await screenshot(page, 'warehouse-wave');

  // Back at the desk's home the new wave heads the list: nothing picked yet, its task open
  // with a Scan link.
  await page.click('a:text("← 仓库作业")');
  const item = `.wh-wave-item[data-wave="${wave}"]`;
  await page.waitForSelector(`${item} .wh-progress-text:text("已拣 0/11")`);
  assert.match(await page.textContent(`${item} .badge`), /拣货中/);
  assert.match(await page.textContent(`${item} .wh-wave-meta`), /2 单/);
  assert.equal(await page.getAttribute(`${item} .wh-open-task[data-task="${taskId}"] a.wh-scan-link`, 'href'), `#/warehouse/picks/${taskId}`);
  const waves = await ordo.ok('GET', `/v1/waves?warehouse=${WH}`);
  assert.equal(waves.items[0].id, wave);
  await screenshot(page, 'warehouse-desk-waves');
  await page.click(`${item} .wh-wave-link`);
  await page.waitForSelector('.wh-task');

  await page.click('a:text("打印拣货单")');
  await page.waitForSelector('.wh-printable tbody tr');
  await page.waitForSelector('.wh-printable td:text("玻璃水杯")');
  assert.equal(await page.$$eval('.wh-printable tbody tr', (rs) => rs.length), 3);
  await screenshot(page, 'warehouse-pick-list');
  noErrors(page);
  await page.context().close();
});

test('the hand-held scan screen refuses a wrong item in red and picks the right ones', async () => {
  assert.ok(taskId, 'the wave test ran');
  const page = await page_({ device: 'handheld' });
  // A new hand-held: the warehouse is chosen from the list, the task opened from the waves.
  await page.goto(ordo.base + '/console/#/warehouse');
  await page.click(`button.wh-known[data-code="${WH}"]`);
  await page.click(`.wh-open-task[data-task="${taskId}"] a.wh-scan-link`);
  await page.waitForSelector('.wh-next-bin:text("A-01-03-1")');
  // The scanner is a keyboard: the barcode input holds the focus without a click.
  await waitFor(() => page.evaluate(() => document.activeElement?.name === 'barcode'), 'the scan input to have focus');
  const wedge = async (code) => {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  };

  // A wrong item: red, the server's reason, nothing picked.
  await wedge(ean13('NOT-ON-THIS-TASK'));
  await page.waitForSelector('.wh-signal-bad[data-code="wrong_item"]');
  const red = await page.textContent('.wh-signal-bad');
  assert.match(red, /错误商品/);
  assert.match(red, /is not on pick task/);
  let task = await ordo.ok('GET', `/v1/picks/${taskId}`);
  assert.equal(task.picked, 0);
  assert.ok(task.wave);
  assert.ok(task.lines.every((l) => l.picked === 0));
  await noOverflow(page);
  await screenshot(page, 'warehouse-scan-wrong');

  // The right items in route order: two mugs.
  await wedge(ean13('MUG'));
  await page.waitForSelector('.wh-signal-ok:has-text("还剩 10 件")');
  assert.equal(await page.$('.wh-signal-bad'), null);
  // Scanners do not wait for the server: two scans in a row both count.
  await wedge(ean13('MUG'));
  await wedge(ean13('SOCK'));
  await page.waitForSelector('.wh-signal-ok:has-text("还剩 8 件")');
  assert.equal((await ordo.ok('GET', `/v1/picks/${taskId}`)).picked, 3);
  await page.waitForSelector('.wh-next-bin:text("A-01-10-2")');
  await screenshot(page, 'warehouse-scan-right');

  // The waves list shows the progress so far; its Scan link leads back to the same place.
  const wave = task.wave;
  const item = `.wh-wave-item[data-wave="${wave}"]`;
  await page.goto(ordo.base + '/console/#/warehouse');
  await page.waitForSelector(`${item} .wh-progress-text:text("已拣 3/11")`);
  assert.match(await page.textContent(`${item} .wh-open-task[data-task="${taskId}"]`), /3\/11/);
  await noOverflow(page);
  await screenshot(page, 'warehouse-home-handheld-progress');
  await page.click(`${item} .wh-open-task[data-task="${taskId}"] a.wh-scan-link`);
  await page.waitForSelector('.wh-next-bin:text("A-01-10-2")');
  await waitFor(() => page.evaluate(() => document.activeElement?.name === 'barcode'), 'the scan input to have focus');

  // Seven socks in one scan with the quantity: the tenth item asks for the tote count.
  await page.fill('input[name=qty]', '7');
  await page.click('input[name=barcode]');
  await wedge(ean13('SOCK'));
  await page.waitForSelector('.wh-count');
  await screenshot(page, 'warehouse-scan-count');
  await page.fill('input[name=confirm_count]', '9');
  await page.click('.wh-count button[type=submit]');
  await page.waitForSelector('.wh-count .error-box:has-text("should hold 10")');
  await page.fill('input[name=confirm_count]', '10');
  await page.click('.wh-count button[type=submit]');
  await page.waitForSelector('.wh-signal-ok:has-text("数量已确认：10 件")');

  // The last item completes the task.
  await waitFor(() => page.evaluate(() => document.activeElement?.name === 'barcode'), 'focus back on the scan input');
  await wedge(ean13('TEA'));
  await page.waitForSelector('.wh-signal-ok:has-text("任务完成")');
  await page.waitForSelector(`.wh-done a[href="#/warehouse/pack/${o1}"]`);
  task = await ordo.ok('GET', `/v1/picks/${taskId}`);
  assert.equal(task.status, 'done');
  assert.equal(task.picked, 11);
  const picks = await ordo.ok('GET', `/v1/orders/${o1}/picks`);
  assert.equal(picks.ready_to_pack, true);
  await noOverflow(page);
  await screenshot(page, 'warehouse-scan-done');
  // Done: the wave is listed as picked in full with no open task left.
  await page.goto(ordo.base + '/console/#/warehouse');
  await page.waitForSelector(`${item} .wh-progress-text:text("已拣 11/11")`);
  assert.match(await page.textContent(`${item} .badge`), /已拣完/);
  assert.equal(await page.$(`${item} .wh-open-task`), null);
  const listed = (await ordo.ok('GET', `/v1/waves?warehouse=${WH}`)).items.find((w) => w.id === wave);
  assert.deepEqual([listed.status, listed.picked, listed.units, listed.remaining], ['done', 11, 11, 0]);
  noErrors(page, [/^422 .*\/v1\/picks\/\d+\/scan$/]);
  await page.context().close();
});

test('the packing station shows the remark, packs the scanned items and ships with a label', async () => {
  const page = await page_();
  await page.goto(ordo.base + `/console/#/warehouse/pack/${o1}`);
  await page.waitForSelector('.wh-remark-big');
  assert.equal((await page.textContent('.wh-remark-text')).trim(), REMARK);
  assert.ok(await page.isVisible('.wh-remark-big'));
  await page.waitForSelector('.wh-expected tbody tr >> nth=1');
  await waitFor(() => page.evaluate(() => document.activeElement?.name === 'barcode'), 'the pack scan input to have focus');
  const wedge = async (code) => {
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
  };
  await wedge(ean13('SOCK')); // not this order's
  await page.waitForSelector('.wh-signal-bad:has-text("不在本订单中")');
  await wedge(ean13('MUG'));
  await wedge(ean13('MUG'));
  await wedge(ean13('TEA'));
  await page.waitForSelector('.wh-all-in');
  await page.fill('input[name=weight_g]', '1050');
  await page.fill('input[name=length_mm]', '300');
  await page.fill('input[name=width_mm]', '200');
  await page.fill('input[name=height_mm]', '160');
  await screenshot(page, 'warehouse-pack-scanned');
  await page.click('.wh-pack-submit');
  await page.waitForSelector('.wh-packed-result .wh-packaging');
  assert.match(await page.textContent('.wh-packed-result'), /纸箱.*气泡膜/);
  assert.equal((await ordo.ok('GET', `/v1/orders/${o1}`)).status, 'packed');
  // The remark stays in sight after packing.
  assert.ok(await page.isVisible('.wh-remark-big'));

  await page.click('.wh-ship-btn');
  await page.waitForSelector('.wh-shipped');
  const tracking = await page.getAttribute('.wh-shipped', 'data-tracking');
  assert.ok(POOL.includes(tracking), tracking);
  assert.match(await page.textContent('.wh-shipped'), new RegExp(`ZTO ${tracking}`));
  const pdfHref = await page.getAttribute('.wh-label-pdf', 'href');
  assert.equal(await page.getAttribute('.wh-label-pdf', 'target'), '_blank');
  const pdf = await page.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, type: r.headers.get('Content-Type'), head: (await r.text()).slice(0, 5) };
  }, pdfHref);
  assert.equal(pdf.status, 200);
  assert.match(pdf.type, /pdf/);
  assert.equal(pdf.head, '%PDF-');
  const zplHref = await page.getAttribute('.wh-label-zpl', 'href');
  const zpl = await page.evaluate(async (href) => (await fetch(href)).text(), zplHref);
  assert.match(zpl, /^\^XA/);
  assert.ok(zpl.includes(tracking));
  await screenshot(page, 'warehouse-pack-shipped');

  // The server holds it: shipped, one parcel under that tracking number.
  const order = await ordo.ok('GET', `/v1/orders/${o1}`);
  assert.equal(order.status, 'shipped');
  const parcels = await ordo.ok('GET', `/v1/orders/${o1}/parcels`);
  assert.equal(parcels.items.length, 1);
  assert.equal(parcels.items[0].carrier, 'ZTO');
  assert.equal(parcels.items[0].tracking_no, tracking);
  noErrors(page);

  // Back at the desk the other order waits to be packed; the shipped one is gone.
  await page.goto(ordo.base + '/console/#/warehouse');
  // A new browser: the warehouse is chosen by typing its code.
  await page.fill('input[name=warehouse]', WH);
  await page.press('input[name=warehouse]', 'Enter');
  await page.waitForSelector(`.wh-topack tr[data-order="${o2}"]`);
  assert.equal(await page.$(`.wh-topack tr[data-order="${o1}"]`), null);
  await page.waitForSelector(`.wh-topack tr[data-order="${o2}"] .badge:text("可打包")`);
  await screenshot(page, 'warehouse-desk-topack');
  noErrors(page);
  await page.context().close();
});

test('the packing screen on a hand-held keeps the remark in sight', async () => {
  const page = await page_({ device: 'handheld', lang: 'en' });
  await page.goto(ordo.base + `/console/#/warehouse/pack/${o2}`);
  await page.waitForSelector('.wh-expected tbody tr');
  assert.match(await page.textContent('h1'), /Packing · order/);
  assert.equal((await page.textContent('.wh-remark-text')).trim(), REMARK2);
  assert.ok(await page.isVisible('.wh-remark-big'));
  assert.match(await page.textContent('.wh-remark-label'), /Buyer remark/);
  await noOverflow(page);
  await screenshot(page, 'warehouse-pack-handheld-en');
  noErrors(page);
  await page.context().close();
});

test('a short bin is reported from the scan screen after a confirmation', async () => {
  await ordo.putSku('SOAP', { name: '香皂' });
  await ordo.putStock(WH, 'SOAP', 3, 'A-03-02');
  const o3 = (await ordo.postOrder(makeOrder([['SOAP', 2]]))).order_no;
  await ordo.ok('POST', `/v1/orders/${o3}/approve`, { note: 'browser test' });
  const wave = await ordo.ok('POST', '/v1/waves', { warehouse: WH, strategy: 'single' }, [201]);
  const task = wave.tasks[0].id;

  const page = await page_({ device: 'handheld' });
  await page.goto(ordo.base + `/console/#/warehouse/picks/${task}`);
  await page.waitForSelector('.wh-next-bin:text("A-03-02")');
  await page.click('.wh-short-btn');
  await page.fill('input[name=found]', '1');
  await page.click('.wh-short button.danger');
  // The first press asks to confirm; nothing is reported yet.
  await page.waitForSelector('.wh-warn:has-text("只有 1 件")');
  assert.equal((await ordo.ok('GET', `/v1/picks/${task}`)).lines[0].qty, 2);
  await screenshot(page, 'warehouse-scan-short');
  await page.click('.wh-short button.danger');
  await page.waitForSelector('.wh-short-result');
  assert.match(await page.textContent('.wh-short-result'), /缺 1 件/);
  const after = await ordo.ok('GET', `/v1/picks/${task}`);
  assert.equal(after.units, 1);
  // The one unit found is still to pick, and the scan input has the focus again.
  await page.waitForSelector('.wh-next .wh-next-qty:text("取 1 件")');
  await waitFor(() => page.evaluate(() => document.activeElement?.name === 'barcode'), 'focus back on the scan input');
  await noOverflow(page);
  noErrors(page);
  await page.context().close();
});

test('the hand-held home in English: the menu on its own row, the waves with their Scan links', async () => {
  const page = await page_({ device: 'handheld', lang: 'en' });
  await page.goto(ordo.base + '/console/#/warehouse');
  await page.waitForSelector(`button.wh-known[data-code="${WH}"]`);
  await noOverflow(page);
  await screenshot(page, 'warehouse-chooser-handheld-en');
  await page.click(`button.wh-known[data-code="${WH}"]`);
  await page.waitForSelector('.wh-wave-item >> nth=1');
  // The newest wave first: the short-picked one, still open with one unit to pick.
  const waves = (await ordo.ok('GET', `/v1/waves?warehouse=${WH}`)).items;
  const shown = await page.$$eval('.wh-wave-item', (li) => li.map((l) => Number(l.dataset.wave)));
  assert.deepEqual(shown, waves.map((w) => w.id));
  const first = `.wh-wave-item[data-wave="${waves[0].id}"]`;
  assert.equal(await page.textContent(`${first} .wh-progress-text`), `Picked ${waves[0].picked}/${waves[0].units}`);
  assert.equal(await page.textContent(`${first} .wh-scan-link`), 'Scan');
  // Every menu entry and the language and sign-out buttons lie inside the screen, unclipped
  // and apart.
  const boxes = await page.$$eval('.topbar .menu a, .topbar .lang, .topbar .signout', (els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect();
      return { text: e.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom, clipped: e.scrollWidth > e.clientWidth };
    }),
  );
  assert.deepEqual(boxes.map((b) => b.text), ['Dashboard', 'Orders', 'Warehouse', 'Inventory', '中文', 'Sign out']);
  for (const b of boxes) assert.ok(b.left >= 0 && b.right <= 360 && !b.clipped, JSON.stringify(b));
  const menuScroll = await page.$eval('.topbar .menu', (m) => m.scrollWidth <= m.clientWidth);
  assert.ok(menuScroll, 'the menu fits without scrolling');
  const [lang, signout] = boxes.slice(3);
  assert.ok(signout.left - lang.right >= 8, 'language and sign-out apart');
  await noOverflow(page);
  await screenshot(page, 'warehouse-home-handheld-en');
  noErrors(page);
  await page.context().close();
});
