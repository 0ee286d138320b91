"""Scanned payment-code gateway drivers (issue 12): WeChat Pay v2 付款码支付 and Alipay 当面付
条码支付, each implementing `app.gateways.Gateway` over `requests`, the factory that opens
them by name (`factory.open_gateway`, the `app.gateways.GatewayFactory`), and a local
emulator speaking both protocols for the demo and the tests (`emulator`)."""
