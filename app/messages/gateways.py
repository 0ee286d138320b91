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
    # GUI start-up recovery (ui/main_window.py): what it settled, what is still open
    "scan.recovered_at_start": ("已补记 {count} 笔上次未确认的扫码收款：收据 {receipts}",
                                "Recorded {count} scanned payment(s) left unconfirmed: receipts {receipts}"),
    "scan.still_unconfirmed_at_start": ("仍有 {count} 笔扫码收款结果未确认（{orders}）：请在“支付订单”中处理，勿让顾客重复付款",
                                        "{count} scanned payment(s) still unconfirmed ({orders}): settle them, "
                                        "do not let the resident pay again"),
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

# --- gateway drivers (drivers/gateways/): settings that cannot make a working driver ---
MESSAGES.update({
    "gateway.unknown": ("没有这个支付通道：{name}（可用：{known:list}）", "No such payment gateway: {name} (known: {known:list})"),
    "gateway.setting_missing": ("{gateway} 的商户设置缺少 {key}：请在收款通道设置中填写",
                                "The {gateway} merchant settings lack {key}: fill it in the gateway settings"),
    "gateway.setting_bad": ("{gateway} 的商户设置 {key} 不正确：{value}",
                            "The {gateway} merchant setting {key} is not valid: {value}"),
    "gateway.key_unreadable": ("{gateway} 的密钥 {key} 无法读取：请重新导入密钥文件",
                               "The {gateway} key {key} cannot be read: import the key file again"),
})

# --- why a gateway declined or could not confirm, for the cashier (drivers/gateways/) ---
# Code: "gateway.reason." + GatewayResult.code lowercased, "." and "-" as "_"
# (AUTH_CODE_INVALID -> gateway.reason.auth_code_invalid, ACQ.PAYMENT_AUTH_CODE_INVALID ->
# gateway.reason.acq_payment_auth_code_invalid); a code not listed: gateway.reason.other.
_RESCAN = ("付款码已失效：请顾客刷新付款码后重新扫码", "The payment code is no longer valid: ask the resident to refresh it and scan again")
_BALANCE = ("顾客余额不足：请顾客换一张卡或改用其他付款方式", "Not enough balance: ask the resident to switch card or pay another way")
MESSAGES.update({
    "gateway.reason.auth_code_invalid": _RESCAN,
    "gateway.reason.authcodeexpire": _RESCAN,
    "gateway.reason.auth_code_error": _RESCAN,
    "gateway.reason.acq_payment_auth_code_invalid": _RESCAN,
    "gateway.reason.notenough": _BALANCE,
    "gateway.reason.acq_buyer_balance_not_enough": _BALANCE,
    "gateway.reason.acq_buyer_bankcard_balance_not_enough": _BALANCE,
    "gateway.reason.notsuportcard": ("该卡不支持此笔付款：请顾客换卡或改用其他付款方式",
                                    "This card cannot pay here: ask the resident to switch card or pay another way"),
    "gateway.reason.buyer_mismatch": ("付款人与订单不符：请重新扫码", "The payer does not match the order: scan again"),
    "gateway.reason.return_fail": ("支付平台拒绝了请求（{message}）：请检查收款通道设置",
                                   "The payment platform refused the request ({message}): check the gateway settings"),
    "gateway.reason.isv_invalid_signature": ("支付宝验签失败：请检查收款通道设置中的应用私钥",
                                             "Alipay could not verify the request: check the app private key in the gateway settings"),
    "gateway.reason.isv_invalid_app_id": ("支付宝 AppID 无效：请检查收款通道设置", "Invalid Alipay AppID: check the gateway settings"),
    "gateway.reason.network": ("连接支付平台失败或超时：结果待确认，请勿让顾客重复付款",
                               "The payment platform did not answer in time: the result is unconfirmed, do not let the resident pay again"),
    "gateway.reason.bad_signature": ("支付平台应答签名不符：结果待确认，请勿让顾客重复付款",
                                     "The platform's reply failed its signature check: the result is unconfirmed, do not let the resident pay again"),
    "gateway.reason.cert_missing": ("微信支付 API 证书未设置：请在收款通道设置中导入证书",
                                    "The WeChat Pay API certificate is not set: import it in the gateway settings"),
    "gateway.reason.other": ("支付平台未完成收款（{code}：{message}）", "The payment platform did not take the payment ({code}: {message})"),
})
