// Browser tests' harness: a real `ordo serve` on a fresh SQLite file, users of every role,
// an admin API client for setting up data, Debian's Chromium driven by playwright-core, and
// screenshots kept under build/screenshots for people to look at.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ORDO_BIN = process.env.ORDO_BIN || join(REPO, 'build', 'ordo');
export const SCREENSHOTS = process.env.ORDO_SCREENSHOTS || join(REPO, 'build', 'screenshots');
export const PASSWORD = 'correct horse battery';
export const ROLES = ['admin', 'reviewer', 'warehouse', 'customer_service', 'finance'];
const ADMIN_TOKEN = 'browser-tests-admin-token-0123456789';

export function userOf(role) {
  return 'u-' + role.replace('_', '-');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

// Polls fn until it returns a truthy value (returned) or the deadline passes (throws).
export async function waitFor(fn, what = 'condition', deadlineMs = 15000) {
  const until = Date.now() + deadlineMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}` + (last ? `: ${last}` : ''));
    await new Promise((r) => setTimeout(r, 50));
  }
}

export class Ordo {
  constructor({ env = {} } = {}) {
    this.env = env;
    this.dir = mkdtempSync(join(tmpdir(), 'ordo-browser-'));
    this.db = join(this.dir, 'ordo.db');
    this.proc = null;
  }

  async start() {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const log = join(this.dir, 'server.log');
    this.logPath = log;
    const { openSync } = await import('node:fs');
    const fd = openSync(log, 'a');
    this.proc = spawn(ORDO_BIN, ['serve', '--listen', `127.0.0.1:${this.port}`, '--db', this.db, '--no-demo'], {
      cwd: REPO,
      env: { ...process.env, ORDO_ADMIN_TOKEN: ADMIN_TOKEN, ...this.env },
      stdio: ['ignore', fd, fd],
    });
    await waitFor(async () => (await fetch(this.base + '/healthz')).ok, 'ordo to answer /healthz', 20000);
    return this;
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const exited = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await exited;
    }
    const code = this.proc ? this.proc.exitCode : 0;
    const log = this.logTail();
    if (!process.env.ORDO_KEEP_TMP) rmSync(this.dir, { recursive: true, force: true });
    if (/ERROR: (Address|Undefined|Leak)Sanitizer|runtime error:/.test(log))
      throw new Error('sanitizer report in the server log:\n' + log);
    return code;
  }

  logTail(lines = 60) {
    try {
      return readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  // The admin token's view of the API, for setting up what a test needs.
  async request(method, path, body, { token = ADMIN_TOKEN, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (token) init.headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const resp = await fetch(this.base + path, init);
    const text = await resp.text();
    let data = text;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: resp.status, body: data, headers: resp.headers };
  }

  async ok(method, path, body, expect = [200, 201]) {
    const r = await this.request(method, path, body);
    if (!expect.includes(r.status))
      throw new Error(`${method} ${path} → ${r.status}: ${JSON.stringify(r.body).slice(0, 600)}`);
    return r.body;
  }

  async addUsers() {
    for (const role of ROLES) await this.ok('POST', '/v1/users', { name: userOf(role), role, password: PASSWORD }, [201]);
  }

  async putWarehouse(code, province = '北京市', city = '北京市', district = '朝阳区') {
    return this.ok('PUT', `/v1/warehouses/${encodeURIComponent(code)}`, { name: '仓库 ' + code, province, city, district, priority: 100 });
  }

  async putSku(sku, fields = {}) {
    return this.ok('PUT', `/v1/skus/${encodeURIComponent(sku)}`, {
      name: '商品 ' + sku,
      barcode: ean13(sku),
      price: 1000,
      weight_g: 500,
      length_mm: 100,
      width_mm: 100,
      height_mm: 50,
      fragile: false,
      liquid: false,
      food: false,
      shelf_life_days: 0,
      sellable: true,
      ...fields,
    });
  }

  async putStock(warehouse, sku, onHand, bin = 'A-01-01-01') {
    return this.ok('PUT', `/v1/stock/${encodeURIComponent(warehouse)}/${encodeURIComponent(sku)}`, { on_hand: onHand, safety_stock: 0, bin }, [200]);
  }

  async postOrder(order) {
    return this.ok('POST', '/v1/orders', order, [201]);
  }
}

// A valid EAN-13 with China's 690 prefix derived from seed (the same as the API tests').
export function ean13(seed) {
  let n = 0n;
  for (const b of Buffer.from(seed)) n = (n << 8n) | BigInt(b);
  const digits = '690' + String(n % 1000000000n).padStart(9, '0');
  let total = 0;
  for (let i = 0; i < 12; i++) total += Number(digits[i]) * (i % 2 ? 3 : 1);
  return digits + String((10 - (total % 10)) % 10);
}

let counter = 0;
export function uniqueId(prefix = 'B') {
  counter += 1;
  return `${prefix}${Date.now().toString(36)}${process.pid.toString(36)}${counter}`;
}

function rfc3339(d) {
  // China Standard Time, as the channels send it.
  const cst = new Date(d.getTime() + 8 * 3600 * 1000);
  return cst.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

// An order as a channel sends it: items [[sku, qty, unitPriceFen?]]; paid unless told.
export function makeOrder(items, over = {}) {
  const lines = items.map(([sku, qty, price = 1000]) => ({ sku, qty, unit_price: price }));
  const total = lines.reduce((s, l) => s + l.qty * l.unit_price, 0);
  const placed = new Date(Date.now() - 5000);
  const due = new Date(Date.now() + 3 * 86400 * 1000 + 8 * 3600 * 1000).toISOString().slice(0, 10);
  return {
    channel: 'web',
    external_id: uniqueId('EXT'),
    placed_at: rfc3339(placed),
    buyer: { name: '王女士', phone: '13800138000' },
    address: { province: '北京市', city: '北京市', district: '朝阳区', detail: '建国路88号SOHO现代城A座1单元1203室', postal_code: '100022' },
    items: lines,
    shipping_fee: 0,
    discounts: [],
    payment: { status: 'paid', method: 'alipay', transaction_id: uniqueId('TX'), amount: total, paid_at: rfc3339(new Date(placed.getTime() + 3000)) },
    remark: '',
    requested_delivery_date: due,
    splittable: true,
    client_ip: '203.0.113.7',
    ...over,
  };
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

// A page at the console's size for desks (1366×768) or a hand-held scanner (360×640),
// with the language chosen before the page loads.
export async function newPage(browser, { lang = 'zh', device = 'desk' } = {}) {
  const viewport = device === 'handheld' ? { width: 360, height: 640 } : { width: 1366, height: 768 };
  const context = await browser.newContext({ viewport, locale: lang === 'zh' ? 'zh-CN' : 'en-GB' });
  await context.addInitScript((l) => localStorage.getItem('ordo.lang') || localStorage.setItem('ordo.lang', l), lang);
  const page = await context.newPage();
  page.consoleErrors = [];
  page.on('console', (m) => m.type() === 'error' && page.consoleErrors.push(m.text()));
  page.on('pageerror', (e) => page.consoleErrors.push(String(e)));
  return page;
}

export async function signIn(page, ordo, role) {
  await page.goto(ordo.base + '/console/');
  await page.fill('input[name=name]', userOf(role));
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  // Attached, not visible: hand-held screens (≤480px) hide the user's name in the top bar.
  await page.waitForSelector(`.who[data-role="${role}"]`, { state: 'attached' });
}

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name + '.png'), fullPage: true });
}

export function chromiumAvailable() {
  const path = process.env.CHROMIUM || '/usr/bin/chromium';
  return spawnSync(path, ['--version']).status === 0;
}

// ---- added for the exception pool and customer-service tests ----

// The carrier the fulfilment helpers ship with: ZTO with a cheap rate card and tracking
// numbers from its pool (as tests/api/test_shipping.py's CHEAP).
export async function putCheapCarrier(ordo, code = 'ZTO', count = 40) {
  const zone = (firstFen, stepFen, days) => ({ first_weight_g: 1000, first_fen: firstFen, step_g: 1000, step_fen: stepFen, promised_days: days });
  await ordo.ok('PUT', `/v1/carriers/${code}`, {
    name: '中通快递',
    quality_score: 80,
    volumetric_divisor: 8000,
    rate_card: { local: zone(600, 100, 2), regional: zone(800, 200, 3), national: zone(1000, 400, 4) },
    tracking_format: { pattern: '(7[0-9]|5[0-9]|3[0-9])[0-9]{10,13}' },
  });
  const base = (Date.now() % 1000000) * 1000;
  const numbers = Array.from({ length: count }, (_, i) => '7' + String(base + i).padStart(13, '0'));
  await ordo.ok('POST', `/v1/carriers/${code}/tracking-numbers`, { numbers });
}

// Takes an order to `shipped` through the admin API, as tests/api/test_after_sales.py does:
// approve (if in review), a wave at the warehouse, every pick line scanned, packed with its
// items' barcodes, shipped with the carrier. Returns the shipped order.
export async function shipOrder(ordo, orderNo, warehouse, carrier = 'ZTO') {
  const no = encodeURIComponent(orderNo);
  const order = await ordo.ok('GET', `/v1/orders/${no}`);
  if (order.status === 'pending_review') await ordo.ok('POST', `/v1/orders/${no}/approve`, { note: 'browser test' });
  const wave = await ordo.ok('POST', '/v1/waves', { warehouse, strategy: 'zone', max_orders: 1000 }, [201]);
  if (!wave.orders.includes(orderNo)) throw new Error(`wave did not take ${orderNo}: ${JSON.stringify(wave.orders)}`);
  for (const task of wave.tasks)
    for (const line of task.lines)
      await ordo.ok('POST', `/v1/picks/${task.id}/scan`, { barcode: line.barcode, qty: line.qty });
  const items = order.items.map((it) => ({ barcode: ean13(it.sku), qty: it.qty }));
  await ordo.ok('POST', `/v1/orders/${no}/pack`, { items, weight_g: 800, length_mm: 300, width_mm: 200, height_mm: 150 });
  return ordo.ok('POST', `/v1/orders/${no}/ship`, { carrier });
}
