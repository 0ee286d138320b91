"""Messages of the scanned payment-code gateways (WeChat Pay, Alipay) and the scan tender."""

MESSAGES: dict[str, tuple[str, str]] = {
    "gateway.wechat": ("微信支付", "WeChat Pay"),
    "gateway.alipay": ("支付宝", "Alipay"),
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
