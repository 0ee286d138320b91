"""Messages of the scanned payment-code gateways (WeChat Pay, Alipay) and the scan tender."""

MESSAGES: dict[str, tuple[str, str]] = {
    "gateway.wechat": ("微信支付", "WeChat Pay"),
    "gateway.alipay": ("支付宝", "Alipay"),
    # payment flow (scan tender, gateway orders, settings; app.services.scan_pay, gateway_settings)
    "scan.method": ("扫码付款", "scanned payment code"),
    "scan.code_missing": ("请扫描或输入顾客的付款码", "scan or type the customer's payment code (scan=AMOUNT:CODE)"),
    "scan.not_payment_code": ("{value} 不是微信或支付宝付款码：请让顾客刷新付款码后重新扫描",
                              "{value} is not a WeChat or Alipay payment code (WeChat 10–15 + 16 digits, "
                              "Alipay 25–30 + 14–22 digits)"),
    "scan.twice": ("一笔收款只能扫一个付款码", "one payment takes one scanned payment code"),
    "scan.declined": ("{gateway}未收款：{reason}。未记录任何收款，请让顾客换一种方式付款",
                      "{gateway} declined the payment: {reason}. Nothing was recorded."),
    "scan.timed_out": ("顾客未在 {seconds} 秒内确认付款，订单已撤销，未扣款，未记录收款",
                       "the customer did not confirm within {seconds} s: the order was cancelled, "
                       "nothing charged, nothing recorded"),
    "scan.unconfirmed": ("{gateway}订单 {out_trade_no} 结果未确认：未记录收款，订单已保留，稍后在"
                         "“支付订单”中处理（不会重复扣款）",
                         "the outcome of {gateway} order {out_trade_no} is unknown: the payment is NOT "
                         "recorded; the order is kept as unconfirmed and will be settled (gateway resolve), "
                         "never charged twice"),
    "scan.recorded_failed_refunded": ("已扣款但无法记账（{reason}），款项已原路退回顾客（订单 {out_trade_no}）",
                                      "the payment was taken but could not be recorded ({reason}); it was "
                                      "given back to the customer at once (order {out_trade_no})"),
    "scan.recorded_failed_kept": ("已扣款但无法记账（{reason}），退款未成功：订单 {out_trade_no} 已保留，"
                                  "请联系主管在“支付订单”中退款",
                                  "the payment was taken but could not be recorded ({reason}) and giving it "
                                  "back failed: order {out_trade_no} is kept for a manager to refund "
                                  "(gateway resolve)"),
    "scan.no_driver": ("本机未安装支付网关组件，无法扫码收款：请用其他方式收款",
                       "no payment gateway driver is installed on this computer"),
    "scan.not_configured": ("{gateway}商户参数未设置：请主管在“设置 → 支付网关”中填写",
                            "{gateway} merchant settings are missing or unusable ({reason}): gateway set"),
    "scan.paid_not_recorded": ("顾客已付款，但本机暂时无法保存（{reason}）：订单 {out_trade_no} 已保留，"
                               "重新打开收银台后会自动补记，请勿让顾客重复付款",
                               "the customer has paid but the payment could not be saved ({reason}): order "
                               "{out_trade_no} is kept and will be recorded (gateway resolve); do not charge again"),
    "scan.bad_purpose": ("订单用途无法识别（{kind}）", "the order's purpose is not known ({kind})"),
    "scan.already_settled": ("订单 {out_trade_no} 已由其他窗口处理", "order {out_trade_no} was settled elsewhere"),
    "scan.reversed_after_unknown": ("结果未确认，订单已撤销，未扣款", "the outcome was unknown; the order was cancelled, nothing charged"),
    "scan.resolve_give_back": ("补退款", "giving the money back again"),
    "gateway.resolve_needs_order": ("请指定要处理的支付订单", "name the order (OUT_TRADE_NO) or --all"),
    "gateway.order_not_found": ("没有支付订单 {out_trade_no}", "no gateway order {out_trade_no}"),
    "gateway.unknown_name": ("未知支付网关 {name}（可选：{known:list}）", "unknown gateway {name} (known: {known:list})"),
    "gateway.file_unreadable": ("无法读取文件 {file}：{reason}", "cannot read {file}: {reason}"),
    "gateway.bad_sign_type": ("签名方式只能是 MD5 或 HMAC-SHA256", "sign type is MD5 or HMAC-SHA256"),
    "gateway.bad_timeout": ("等待付款时间应为 5–600 秒（{value}）", "pay timeout is 5–600 seconds ({value})"),
    "gateway.bad_base_url": ("网关地址应以 http:// 或 https:// 开头（{value}）",
                             "the base URL starts with http:// or https:// ({value})"),
    "gateway.bad_settings": ("商户参数有误，请改正：", "the gateway settings are not valid:"),
    "gateway.cert_pair": ("证书和证书私钥须同时提供", "--cert and --cert-key go together"),
    "gateway.bad_field": ("{field} 不能为空，且只能是字母数字", "{field} is required: letters and digits only"),
}
