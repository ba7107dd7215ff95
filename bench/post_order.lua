-- wrk script: POST /v1/orders with a new, valid canonical order on every request.
--
--   ORDO_ADMIN_TOKEN=... BENCH_RUN_ID=r1 wrk -t2 -c64 -d20s -s bench/post_order.lua http://127.0.0.1:PORT
--
-- Every order is valid against the catalog bench/run.sh seeds (SKUs BENCH-SKU-01..20, SKU i
-- priced i*500 fen, stock in 3 warehouses) and must be answered 201. external_id is
-- "W<run>-<thread>-<counter>", so orders never repeat across threads or across runs
-- against the same database (BENCH_RUN_ID tells runs apart). The lists below match
-- bench/gen_orders.c.
--
-- Each thread counts 201s and everything else in response(); done() adds the threads up
-- (through the thread objects kept by setup(), wrk's documented way to reach per-thread
-- state) and prints accepted orders/s and latency percentiles.

local threads = {}
local next_tid = 1

function setup(thread)
   thread:set("tid", next_tid)
   next_tid = next_tid + 1
   table.insert(threads, thread)
end

local CHANNELS = { "taobao", "tmall", "jd", "douyin", "web" }
local ADDRS = {
   { "北京市", "北京市", "朝阳区", "大望路甲18号1单元", "100022" },
   { "上海市", "上海市", "浦东新区", "世纪大道100号环球金融中心", "200120" },
   { "广东省", "广州市", "天河区", "天河路208号天河城", "510620" },
   { "浙江省", "杭州市", "西湖区", "文三路90号东部软件园", "310013" },
   { "四川省", "成都市", "武侯区", "人民南路四段9号", "610041" },
}
local NAMES = { "王女士", "李先生", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "周敏" }
local PHONE_PREFIXES = { "138", "139", "150", "186", "199" }
local METHODS = { "alipay", "wechat", "unionpay" }
local N_SKUS = 20

-- Per-thread state (each wrk thread has its own Lua state; these globals are per thread).
n201 = 0
nother = 0
codes = {}
first_error = nil

local counter = 0
local run_id, headers, placed_at, paid_at

-- RFC 3339 in China Standard Time for UTC second t.
local function cst(t)
   return os.date("!%Y-%m-%dT%H:%M:%S", t + 8 * 3600) .. "+08:00"
end

function init(args)
   local token = os.getenv("ORDO_ADMIN_TOKEN") or ""
   run_id = os.getenv("BENCH_RUN_ID") or tostring(os.time())
   headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }
   local now = os.time()
   placed_at = cst(now - 120)
   paid_at = cst(now - 115)
   math.randomseed(now + (tid or 0) * 7919)
end

local function pick(list)
   return list[math.random(#list)]
end

function request()
   counter = counter + 1
   local n_items = math.random(3)
   local first = math.random(N_SKUS) - 1
   local items, total = {}, 0
   for k = 0, n_items - 1 do
      local sku = 1 + (first + k * 7) % N_SKUS
      local qty = math.random(5)
      local price = sku * 500
      total = total + qty * price
      items[#items + 1] = string.format('{"sku":"BENCH-SKU-%02d","qty":%d,"unit_price":%d}',
                                        sku, qty, price)
   end
   local shipping = total >= 9900 and 0 or 800
   local discount = total > 5000 and 1000 or 0
   local discounts = discount > 0
      and string.format('[{"code":"BENCH-10","amount":%d}]', discount) or "[]"
   local a = pick(ADDRS)
   local ext = string.format("W%s-%d-%d", run_id, tid or 0, counter)
   local body = string.format(
      '{"channel":"%s","external_id":"%s","placed_at":"%s",' ..
      '"buyer":{"name":"%s","phone":"%s%08d"},' ..
      '"address":{"province":"%s","city":"%s","district":"%s","detail":"%s","postal_code":"%s"},' ..
      '"items":[%s],"shipping_fee":%d,"discounts":%s,' ..
      '"payment":{"status":"paid","method":"%s","transaction_id":"P%s","amount":%d,"paid_at":"%s"},' ..
      '%s"splittable":true,"client_ip":"100.%d.%d.%d"}',
      pick(CHANNELS), ext, placed_at,
      pick(NAMES), pick(PHONE_PREFIXES), math.random(0, 99999999),
      a[1], a[2], a[3], a[4] .. string.format("%d号楼%d室", math.random(60), math.random(101, 2806)),
      a[5],
      table.concat(items, ","), shipping, discounts,
      pick(METHODS), ext, total + shipping - discount, paid_at,
      -- A flash sale's buyers: one in eight writes a remark, and they come from many
      -- addresses and (carrier-grade NAT) IPs, so velocity rules see realistic keys.
      math.random(8) == 1 and '"remark":"其中1盒刻“生日快乐”",' or "",
      math.random(64, 127), math.random(0, 255), math.random(1, 254))
   return wrk.format("POST", "/v1/orders", headers, body)
end

function response(status, hdrs, body)
   if status == 201 then
      n201 = n201 + 1
   else
      nother = nother + 1
      local key = tostring(status)
      codes[key] = (codes[key] or 0) + 1
      if first_error == nil then
         first_error = key .. " " .. string.sub(body or "", 1, 400)
      end
   end
end

function done(summary, latency, requests)
   local ok, other, by_code, sample = 0, 0, {}, nil
   for _, thread in ipairs(threads) do
      ok = ok + (thread:get("n201") or 0)
      other = other + (thread:get("nother") or 0)
      local c = thread:get("codes")
      if c then
         for k, v in pairs(c) do by_code[k] = (by_code[k] or 0) + v end
      end
      sample = sample or thread:get("first_error")
   end
   local secs = summary.duration / 1e6
   local e = summary.errors
   io.write(string.format("orders: %d accepted (201) in %.2f s = %.0f orders/s\n",
                          ok, secs, ok / secs))
   local parts = {}
   for k, v in pairs(by_code) do parts[#parts + 1] = k .. "=" .. v end
   table.sort(parts)
   io.write(string.format("non-201: %d%s\n", other,
                          #parts > 0 and (" (" .. table.concat(parts, ", ") .. ")") or ""))
   io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
                          e.connect, e.read, e.write, e.timeout))
   io.write(string.format("latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                          latency:percentile(50) / 1000, latency:percentile(90) / 1000,
                          latency:percentile(99) / 1000, latency.max / 1000))
   if sample then
      io.write("first non-201 response: " .. sample .. "\n")
   end
end
