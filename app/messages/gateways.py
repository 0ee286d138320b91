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
