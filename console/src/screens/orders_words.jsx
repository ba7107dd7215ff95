// Words of the Orders and Review screens, and the explanations of review rule hits: what a
// hold's reason code means and which values made its rule hit, in the reader's language.
import { register, t, tCode } from '../i18n.js';
import { duration, money } from '../ui/format.js';

register({
  'orders.title': ['订单', 'Orders'],
  'orders.search': ['订单号 / 外部单号 / 手机号', 'Order no / external id / phone'],
  'orders.search_hint': ['精确匹配：完整的订单号、渠道外部单号或买家手机号', 'Exact match: a whole order number, channel order id or buyer phone'],
  'orders.filter_status': ['状态', 'Status'],
  'orders.filter_channel': ['渠道', 'Channel'],
  'orders.filter_exception': ['异常', 'Exception'],
  'orders.clear': ['清除筛选', 'Clear filters'],
  'orders.col_no': ['订单号', 'Order no'],
  'orders.col_channel': ['渠道', 'Channel'],
  'orders.col_external': ['外部单号', 'External id'],
  'orders.col_buyer': ['收货人', 'Recipient'],
  'orders.col_items': ['件数', 'Units'],
  'orders.col_total': ['金额', 'Total'],
  'orders.col_status': ['状态', 'Status'],
  'orders.col_flags': ['异常 / 拦截', 'Exceptions / holds'],
  'orders.col_created': ['创建时间', 'Created'],
  'orders.holds_n': ['{n} 个拦截', 'holds: {n}'],
  'orders.remark_flag': ['有留言', 'Remark'],
  'orders.shown': ['已显示 {n} 单', 'Shown: {n}'],

  'order.back': ['← 订单列表', '← Orders'],
  'order.title': ['订单 {no}', 'Order {no}'],
  'order.not_found': ['没有这个订单', 'No such order'],
  'order.summary': ['概要', 'Summary'],
  'order.external_id': ['外部单号', 'External id'],
  'order.placed_at': ['下单时间', 'Placed'],
  'order.created_at': ['进入系统', 'Received'],
  'order.updated_at': ['最后更新', 'Updated'],
  'order.delivery_date': ['要求送达', 'Deliver by'],
  'order.splittable': ['可拆单', 'Splittable'],
  'order.yes': ['是', 'yes'],
  'order.no': ['否', 'no'],
  'order.carrier': ['指定快递', 'Carrier'],
  'order.buyer': ['买家与收货地址', 'Buyer and address'],
  'order.recipient': ['收货人', 'Recipient'],
  'order.phone': ['手机', 'Phone'],
  'order.email': ['邮箱', 'Email'],
  'order.address': ['地址', 'Address'],
  'order.postal_code': ['邮编', 'Postal code'],
  'order.remark': ['买家留言', 'Buyer remark'],
  'order.items': ['商品', 'Items'],
  'order.sku': ['SKU', 'SKU'],
  'order.qty': ['数量', 'Qty'],
  'order.reserved': ['已占库存', 'Reserved'],
  'order.unit_price': ['单价', 'Unit price'],
  'order.line_total': ['小计', 'Line total'],
  'order.amounts': ['金额', 'Amounts'],
  'order.amount_items': ['商品金额', 'Items'],
  'order.amount_shipping': ['运费', 'Shipping'],
  'order.amount_discounts': ['优惠', 'Discounts'],
  'order.amount_total': ['应付合计', 'Total'],
  'order.redacted': ['金额和支付信息仅对有权限的角色显示（仓库角色不显示）。', 'Amounts and payment details are shown only to roles that may see them (not to the warehouse).'],
  'order.payment': ['支付', 'Payment'],
  'order.pay_status': ['支付状态', 'Status'],
  'order.pay_method': ['支付方式', 'Method'],
  'order.pay_tx': ['交易号', 'Transaction'],
  'order.pay_amount': ['实付金额', 'Amount paid'],
  'order.pay_at': ['支付时间', 'Paid at'],
  'order.pay_expires': ['付款截止', 'Pay by'],
  'order.pay.paid': ['已支付', 'paid'],
  'order.pay.pending': ['待支付', 'pending'],
  'order.refunds_due': ['待补收 {collect}，待退款 {refund}', 'To collect {collect}, to refund {refund}'],
  'order.allocation': ['库存占用与分仓', 'Reservations and allocation'],
  'order.reservations': ['库存占用', 'Reservations'],
  'order.warehouse': ['仓库', 'Warehouse'],
  'order.alloc_reason': ['分仓理由', 'Why these warehouses'],
  'order.alloc_policy': ['策略', 'Policy'],
  'order.alloc_outcome': ['结果', 'Outcome'],
  'order.alloc_cause': ['时机', 'When'],
  'order.alloc_candidates': ['候选仓库', 'Candidates'],
  'order.rank': ['排名', 'Rank'],
  'order.note': ['说明', 'Note'],
  'order.chosen': ['选中', 'chosen'],
  'order.no_reservations': ['未占用库存', 'Nothing reserved'],
  'alloc.outcome.whole': ['整单一仓', 'whole from one'],
  'alloc.outcome.split': ['拆单多仓', 'split'],
  'alloc.outcome.none': ['无库存', 'none'],
  'alloc.cause.intake': ['下单时', 'at intake'],
  'alloc.cause.restock': ['补货时', 'on restock'],
  'alloc.cause.line_edit': ['改商品时', 'on a line edit'],
  'alloc.cause.reallocate': ['重新分仓', 'reallocated'],
  'alloc.policy.nearest': ['最近', 'nearest'],
  'alloc.policy.cheapest': ['最便宜', 'cheapest'],
  'alloc.policy.fastest': ['最快', 'fastest'],
  'alloc.policy.weighted': ['加权', 'weighted'],
  'order.review': ['审核：拦截与规则命中', 'Review: holds and rule hits'],
  'order.review_passed': ['全部规则通过', 'Every rule passed'],
  'order.review_at': ['规则评估于 {at}（规则版本 {v}）', 'Rules evaluated {at} (rule set version {v})'],
  'order.rules_passed': ['通过的规则：{list}', 'Rules passed: {list}'],
  'order.no_holds': ['没有拦截', 'No holds'],
  'order.exceptions': ['异常', 'Exceptions'],
  'order.parcels': ['包裹与物流', 'Parcels and tracking'],
  'order.no_parcels': ['尚未发货', 'Not shipped yet'],
  'order.parcel': ['包裹', 'Parcel'],
  'order.tracking_no': ['运单号', 'Tracking no'],
  'order.milestone': ['物流节点', 'Milestone'],
  'order.shipped_at': ['发货时间', 'Shipped'],
  'order.promised_by': ['承诺送达', 'Promised by'],
  'order.last_event': ['最新动态', 'Latest news'],
  'order.after_sales': ['售后', 'After-sales'],
  'order.as_type': ['类型', 'Type'],
  'order.as_status': ['状态', 'Status'],
  'order.as_reason': ['原因', 'Reason'],
  'order.as_deadline': ['时限', 'Deadline'],
  'order.timeline': ['时间线', 'Timeline'],
  'order.actor': ['操作人', 'By'],
  'order.when': ['时间', 'When'],
  'order.what': ['事件', 'Event'],
  'order.to_review': ['在审核队列中处理', 'Work it in the review queue'],

  'parcel.status.packed': ['已打包', 'packed'],
  'parcel.status.shipped': ['已发出', 'shipped'],
  'milestone.collected': ['已揽收', 'collected'],
  'milestone.in_transit': ['运输中', 'in transit'],
  'milestone.out_for_delivery': ['派送中', 'out for delivery'],
  'milestone.delivered': ['已签收', 'delivered'],
  'milestone.problem': ['疑难件', 'problem'],
  'milestone.returned': ['已退回', 'returned'],

  'as.type.refund_only': ['仅退款', 'refund only'],
  'as.type.return_refund': ['退货退款', 'return and refund'],
  'as.type.exchange': ['换货', 'exchange'],
  'as.type.reissue': ['补发', 'reissue'],
  'as.status.requested': ['待处理', 'requested'],
  'as.status.approved': ['已同意', 'approved'],
  'as.status.rejected': ['已拒绝', 'rejected'],
  'as.status.return_in_transit': ['退货在途', 'return in transit'],
  'as.status.received': ['已收货', 'received'],
  'as.status.inspected': ['已验货', 'inspected'],
  'as.status.refunded': ['已退款', 'refunded'],
  'as.status.exchanged': ['已换货', 'exchanged'],
  'as.status.closed': ['已关闭', 'closed'],

  'event.created': ['创建', 'created'],
  'event.status': ['状态变更', 'status changed'],
  'event.edited': ['修改订单', 'edited'],
  'event.hold': ['拦截', 'hold'],
  'event.stock': ['库存', 'stock'],
  'event.exception': ['异常', 'exception'],
  'event.lines_edited': ['修改商品', 'lines edited'],
  'event.payment_failed': ['支付失败', 'payment failed'],
  'event.invoice_issued': ['开票', 'invoice issued'],
  'event.invoice_voided': ['发票作废', 'invoice voided'],
  'event.parcel': ['包裹', 'parcel'],
  'event.allocation': ['分仓', 'allocation'],
  'event.picked': ['拣货', 'picked'],
  'event.merge': ['合并发货', 'merged'],
  'event.completed': ['完成', 'completed'],
  'event.review': ['评价', 'buyer review'],
  'event.tracking': ['物流', 'tracking'],
  'event.delivery_issue': ['配送问题', 'delivery issue'],
  'event.after_sales': ['售后', 'after-sales'],
  'event.refund': ['退款', 'refund'],
  'event.rules': ['规则', 'rules'],

  'exc.severity.red': ['红', 'red'],
  'exc.severity.yellow': ['黄', 'yellow'],
  'exc.status.open': ['未处理', 'open'],
  'exc.status.resolved': ['已解决', 'resolved'],
  'exc.stock_short': ['缺货', 'stock short'],
  'exc.expiry_short': ['效期不足', 'expiry short'],
  'exc.payment_amount_mismatch': ['支付金额不符', 'payment amount mismatch'],
  'exc.paid_after_cancel': ['取消后付款', 'paid after cancel'],
  'exc.tracking_pool_empty': ['运单号用完', 'tracking numbers exhausted'],
  'exc.payment_timeout': ['付款超时', 'payment timeout'],
  'exc.delivery_date_past': ['要求送达日已过', 'delivery date past'],
  'exc.coupon_mismatch': ['优惠券不符', 'coupon mismatch'],
  'exc.pick_reallocated': ['拣货改仓', 'pick reallocated'],
  'exc.logistics_stale': ['物流停滞', 'logistics stale'],
  'exc.logistics_late': ['物流超时', 'logistics late'],
  'exc.logistics_problem': ['物流疑难', 'logistics problem'],
  'exc.logistics_returned': ['包裹退回', 'parcel returned'],
  'exc.after_sales_overdue': ['售后超时', 'after-sales overdue'],

  'hold.status.open': ['拦截中', 'open'],
  'hold.status.released': ['已解除', 'released'],
  'hold.address_imprecise': ['地址不详', 'address imprecise'],
  'hold.address_unclear': ['地址不清', 'address unclear'],
  'hold.remote_area': ['偏远地区', 'remote area'],
  'hold.velocity_phone': ['同一手机频繁下单', 'many orders from one phone'],
  'hold.velocity_address': ['同一地址频繁下单', 'many orders to one address'],
  'hold.velocity_ip': ['同一 IP 频繁下单', 'many orders from one IP'],
  'hold.high_value': ['大额订单', 'high value'],
  'hold.buyer_remark': ['买家留言', 'buyer remark'],
  'hold.blocklisted': ['黑名单', 'blocklisted'],
  'hold.payment_unverified': ['付款未核实', 'payment unverified'],
  'hold.stock_short': ['缺货', 'stock short'],
  'hold.by': ['{by} 于 {at} 设置', 'set by {by} at {at}'],
  'hold.released_by': ['{by} 于 {at} 解除', 'released by {by} at {at}'],
  'hold.auto_release': ['条件满足时自动解除', 'releases itself when resolved'],
  'hold.owner': ['负责人：{owner}', 'owner: {owner}'],

  'actor.rules': ['自动规则', 'the rules'],
  'actor.system': ['系统', 'the system'],
  'value.detail': ['详细地址', 'detail'],
  'value.detail_chars': ['字数', 'characters'],
  'value.min': ['最少字数', 'minimum'],
  'value.house_number': ['门牌号', 'house number'],
  'value.matched': ['匹配项', 'matched'],
  'value.level': ['级别', 'level'],
  'value.division': ['地区', 'division'],
  'value.key': ['按', 'by'],
  'value.orders': ['单数', 'orders'],
  'value.threshold': ['门槛（单）', 'threshold'],
  'value.window_seconds': ['时间窗', 'window'],
  'value.total_fen': ['订单金额', 'total'],
  'value.threshold_fen': ['金额门槛', 'threshold'],
  'value.first_order': ['首单', 'first order'],
  'value.remark': ['留言', 'remark'],
  'value.remark_chars': ['字数', 'characters'],
  'value.phone': ['手机号', 'phone'],
  'value.address': ['地址', 'address'],
  'value.ip': ['IP', 'IP'],
  'value.ip_entry': ['黑名单条目', 'blocklist entry'],
  'value.payment_status': ['支付状态', 'payment status'],
  'value.verified': ['已核实', 'verified'],
  'value.stock_short': ['缺货', 'stock short'],
  'explain.address_short': ['详细地址只有 {n} 个字，少于要求的 {min} 个：“{detail}”', 'The address detail has only {n} characters, fewer than {min}: “{detail}”'],
  'explain.address_house': ['详细地址只写到门牌号“{house}”，没有楼栋、单元或房间号：“{detail}”', 'The address stops at house number “{house}” with no building, unit or room: “{detail}”'],
  'explain.address': ['详细地址不够精确：“{detail}”', 'The address detail is not precise enough: “{detail}”'],
  'explain.remote_area': ['收货地在偏远地区：{division}（按{level}匹配“{matched}”）', 'Ships to a remote area: {division} (matched “{matched}” at {level} level)'],
  'explain.level.province': ['省', 'province'],
  'explain.level.city': ['市', 'city'],
  'explain.level.district': ['区县', 'district'],
  'explain.velocity': ['同一{key}在 {window} 内已有 {orders} 单（达到 {threshold} 单即需人工审核）', '{orders} orders from the same {key} within {window} (a person reviews from {threshold})'],
  'explain.key.phone': ['手机号', 'phone'],
  'explain.key.address': ['收货地址', 'address'],
  'explain.key.ip': ['IP 地址', 'IP address'],
  'explain.high_value': ['订单金额 {total} 超过了 {threshold} 的审核门槛', 'The order total {total} is above the review threshold of {threshold}'],
  'explain.first_order': ['（该手机号的首单，门槛更低）', ' (the phone’s first order, which has a lower threshold)'],
  'explain.remark': ['买家留言（{n} 字），需要人工阅读：“{remark}”', 'The buyer left a remark ({n} characters) for a person to read: “{remark}”'],
  'explain.block_phone': ['手机号 {v} 在黑名单中', 'The phone {v} is on the blocklist'],
  'explain.block_address': ['收货地址 {v} 在黑名单中', 'The address {v} is on the blocklist'],
  'explain.block_ip': ['下单 IP {v} 在黑名单中', 'The client IP {v} is on the blocklist'],
  'explain.block_ip_range': ['下单 IP {v} 属于黑名单网段 {entry}', 'The client IP {v} is in the blocklisted range {entry}'],
  'explain.unpaid': ['订单尚未付款', 'The order is not paid yet'],
  'explain.unverified': ['渠道报告已付款（{status}），但尚未得到支付平台确认', 'The channel reports it paid ({status}) but the payment provider has not confirmed it'],
  'explain.stock_short': ['库存不足，订单无法整单占用库存', 'Stock could not be reserved for every unit of the order'],
  'explain.manual': ['人工拦截', 'Held by a person'],
});

function fmtWindow(seconds) {
  return duration(seconds);
}

// One rule hit (or a hold's detail, which carries the same values) in words. type is the
// rule's type when known; else it is guessed from the hold's reason code.
export function explainHit(type, reason, v, fallback) {
  v = v || {};
  const kind = type || guessType(reason, v);
  switch (kind) {
    case 'address_precision':
      if (v.detail_chars !== undefined)
        return t('explain.address_short', { n: v.detail_chars, min: v.min, detail: v.detail || '' });
      if (v.house_number) return t('explain.address_house', { house: v.house_number, detail: v.detail || '' });
      return t('explain.address', { detail: v.detail || '' });
    case 'remote_area':
      return t('explain.remote_area', {
        division: v.division || v.matched,
        matched: v.matched,
        level: tCode('explain.level', v.level),
      });
    case 'velocity':
      return t('explain.velocity', {
        key: tCode('explain.key', v.key),
        window: fmtWindow(v.window_seconds),
        orders: v.orders,
        threshold: v.threshold,
      });
    case 'high_value':
      return (
        t('explain.high_value', { total: money(v.total_fen), threshold: money(v.threshold_fen) }) +
        (v.first_order ? t('explain.first_order') : '')
      );
    case 'remark':
      return t('explain.remark', { n: v.remark_chars ?? (v.remark || '').length, remark: v.remark || '' });
    case 'blocklist': {
      const parts = [];
      if (v.phone) parts.push(t('explain.block_phone', { v: v.phone }));
      if (v.address) parts.push(t('explain.block_address', { v: v.address }));
      if (v.ip)
        parts.push(
          v.ip_entry && v.ip_entry !== v.ip
            ? t('explain.block_ip_range', { v: v.ip, entry: v.ip_entry })
            : t('explain.block_ip', { v: v.ip }),
        );
      return parts.join('；') || fallback || '';
    }
    case 'payment_unverified':
      return v.payment_status && v.payment_status !== 'paid'
        ? t('explain.unpaid')
        : t('explain.unverified', { status: tCode('order.pay', v.payment_status || 'paid') });
    case 'stock_short':
      return t('explain.stock_short');
    default:
      return fallback || t('explain.manual');
  }
}

function guessType(reason, v) {
  if (reason === 'address_imprecise' || 'house_number' in v || 'detail_chars' in v) return 'address_precision';
  if (reason === 'remote_area' || 'matched' in v) return 'remote_area';
  if ((reason || '').startsWith('velocity') || 'window_seconds' in v) return 'velocity';
  if (reason === 'high_value' || 'total_fen' in v) return 'high_value';
  if (reason === 'buyer_remark' || 'remark_chars' in v) return 'remark';
  if (reason === 'blocklisted') return 'blocklist';
  if (reason === 'payment_unverified' || 'verified' in v) return 'payment_unverified';
  if (reason === 'stock_short') return 'stock_short';
  return null;
}

// The rule type behind a hold: from the order's review record (rule_id → type) when there.
export function holdType(order, hold) {
  const rules = (order.review && order.review.rules) || [];
  const r = rules.find((x) => x.rule_id === hold.rule_id && x.outcome === 'hit');
  return r ? r.type : null;
}

// The values a hold was raised on, as [code, label, value], for showing next to the words.
export function hitValues(values) {
  return Object.entries(values || {}).map(([k, v]) => {
    let shown = v;
    if (k.endsWith('_fen')) shown = money(v);
    else if (k === 'window_seconds') shown = duration(v);
    else if (typeof v === 'boolean') shown = v ? t('order.yes') : t('order.no');
    else if (k === 'payment_status') shown = tCode('order.pay', v);
    else if (k === 'level') shown = tCode('explain.level', v);
    else if (k === 'key') shown = tCode('explain.key', v);
    return [k, tCode('value', k), String(shown)];
  });
}
