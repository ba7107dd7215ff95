#include "core/msg_template.h"

/* The built-in buyer messages. SMS texts stay short (one 70-character segment where they
 * can: every segment is billed) and carry no signature: the gateway adds the shop's 【签名】.
 * A cancellation does not quote its reason: reasons are written for the shop's own people
 * ("rejected: suspected fraud"); a stored template may use {{reason}} where it suits. A
 * delivery issue does quote it: tracking_detect.c writes that reason for the buyer. */
static const msg_default_t defaults[MSG_EV__COUNT][MSG_MEDIUM__COUNT] = {
    [MSG_EV_ORDER_CONFIRMED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}已确认，实付{{amount}}元，我们将尽快为"
                                      "您发货。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}已确认",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}已确认，实付金额{{amount}}元。"
                                  "我们将尽快为您安排发货，发货后会再通知您。\n\n"
                                  "感谢您的惠顾！\n"},
        },
    [MSG_EV_PAYMENT_FAILED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}支付未成功，商品仍为您保留，请尽快"
                                      "重新支付：{{pay_url}}"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}支付未成功",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}（{{amount}}元）支付未成功。"
                                  "商品仍为您保留，请在保留期内点击以下链接重新支付：\n"
                                  "{{pay_url}}\n\n"
                                  "如有疑问，请联系客服。\n"},
        },
    [MSG_EV_PARTIALLY_SHIPPED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}部分商品已由{{carrier}}发出，运单号"
                                      "{{tracking_no}}，其余商品将尽快发出。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}部分商品已发货",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}部分商品已由{{carrier}}发出，运单号"
                                  "{{tracking_no}}，其余商品将尽快为您发出。"
                                  "\n\n感谢您的耐心等待！\n"},
        },
    [MSG_EV_SHIPPED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}已由{{carrier}}发出，运单号"
                                      "{{tracking_no}}，请留意查收。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}已发货",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}已由{{carrier}}发出，运单号{{tracking_no}}，"
                                  "请留意物流信息并注意查收。\n\n"
                                  "感谢您的惠顾！\n"},
        },
    [MSG_EV_OUT_FOR_DELIVERY] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}正在派送中，请保持电话畅通。"},
        },
    [MSG_EV_DELIVERED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}已签收，感谢您的惠顾，期待再次为您"
                                      "服务。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}已签收",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}已签收。如商品有任何问题，请联系客服。"
                                  "\n\n期待再次为您服务！\n"},
        },
    [MSG_EV_CANCELLED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}已取消，如已付款将原路退回。如有疑"
                                      "问请联系客服。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}已取消",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}已取消。如您已付款，款项将原路退回。"
                                  "\n\n如有疑问，请联系客服。\n"},
        },
    [MSG_EV_DELIVERY_ISSUE] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "订单{{order_no}}：{{reason}}。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}配送进展",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}：{{reason}}。"
                                  "我们会持续跟进，如有需要将与您联系。\n\n"
                                  "如有疑问，请联系客服。\n"},
        },
    [MSG_EV_LOGISTICS_CASE_OPENED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}的包裹（{{carrier}} {{tracking_no}}）"
                                      "{{problem}}，我们正在处理，将尽快与您联系。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}的包裹出现异常",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}的包裹（{{carrier}}，运单号{{tracking_no}}）"
                                  "{{problem}}。我们已在处理，并将尽快与您联系商定解决方案。"
                                  "\n\n给您带来不便，敬请谅解。\n"},
        },
    [MSG_EV_LOGISTICS_RESHIPPED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}的包裹{{problem}}，我们已为您安排补发"
                                      "（补发单号{{reship_no}}），发出后将告知运单号。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}已安排补发",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}的包裹{{problem}}，我们已为您安排补发，"
                                  "补发单号{{reship_no}}。补发包裹发出后，我们会再通知您运单号。"
                                  "\n\n给您带来不便，敬请谅解。\n"},
        },
    [MSG_EV_LOGISTICS_REFUNDED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}的包裹{{problem}}，我们将为您退款"
                                      "{{refund_amount}}元，款项将原路退回。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}将为您退款",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}的包裹{{problem}}，我们将为您退款"
                                  "{{refund_amount}}元，款项将按原支付方式退回。"
                                  "\n\n给您带来不便，敬请谅解。\n"},
        },
    [MSG_EV_LOGISTICS_CASE_RESOLVED] =
        {
            [MSG_MEDIUM_SMS] = {NULL, "您的订单{{order_no}}的包裹问题已处理完毕，感谢您的耐心"
                                      "等待。如有疑问请联系客服。"},
            [MSG_MEDIUM_EMAIL] = {"订单{{order_no}}的包裹问题已处理完毕",
                                  "{{buyer_name}}，您好：\n\n"
                                  "您的订单{{order_no}}的包裹问题已处理完毕，感谢您的耐心等待。"
                                  "\n\n如有疑问，请联系客服。\n"},
        },
};

const msg_default_t *msg_default_template(msg_event_t e, msg_medium_t m) {
    const msg_default_t *d = &defaults[e][m];
    return d->body ? d : NULL;
}
