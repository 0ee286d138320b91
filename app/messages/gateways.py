"""Messages of the scanned payment-code gateways (WeChat Pay, Alipay) and the scan tender."""

MESSAGES: dict[str, tuple[str, str]] = {
    "gateway.wechat": ("微信支付", "WeChat Pay"),
    "gateway.alipay": ("支付宝", "Alipay"),
}
