"""Devices (drivers/): receipt printers and their transports. The Chinese says what to do at
the counter; a job that failed stays in the print queue and is retried from the window."""

MESSAGES: dict[str, tuple[str, str]] = {
    "devices.unknown_screen": ("没有名为 {screen} 的界面；可选：{screens:list}", "no screen named {screen}; one of: {screens:list}"),
    "device.printer.paper_out": ("打印机缺纸：请装纸后重打收据。", "The printer is out of paper: load paper and reprint."),
    "device.printer.offline": ("打印机离线（纸仓盖打开或故障）：请检查后重打。",
                               "The printer is offline (cover open or error): check it and reprint."),
    "device.printer.cannot_connect": ("无法连接打印机 {address}：请检查打印机电源和网线，再重打。",
                                      "Cannot connect to the printer at {address} ({detail}): check its power and "
                                      "network cable, then reprint."),
    "device.printer.no_answer": ("打印机无响应，收据可能未打印：请检查后重打。",
                                 "The printer {address} stopped answering; the receipt may not have printed: check "
                                 "it and reprint."),
    "device.printer.timeout": ("打印超时，收据可能未打全：请检查后重打。",
                               "The printer {address} timed out mid-job: check it and reprint."),
    "device.printer.dropped": ("打印过程中打印机断开连接，收据可能未打全：请检查后重打。",
                               "The printer {address} dropped the connection mid-job {detail}: check it and reprint."),
    "device.serial.cannot_open": ("无法打开打印机串口 {port}：请检查串口线和打印机设置中的串口号。",
                                  "Cannot open the printer port {port} ({detail}): check the cable and the port in "
                                  "the printer settings."),
    "device.serial.write_timeout": ("打印机串口写入超时（打印机忙或未连接）：请检查后重打。",
                                    "Writing to {port} timed out (printer busy or disconnected): check it and reprint."),
    "device.serial.failed": ("打印机串口 {port} 出错，收据可能未打全：请检查后重打。",
                             "The printer port {port} failed mid-job ({detail}): check it and reprint."),
    "device.usb.bad_id": ("USB 打印机的{what}“{value}”无效：请在打印机设置中填写 VID:PID，例如 0416:5011。",
                          "The USB printer {what} {value!r} is not a number: write VID:PID in the printer settings, "
                          "e.g. 0416:5011."),
    "device.usb.no_support": ("本机没有 USB 打印支持（pyusb 和 libusb）：请在打印机设置中改用网络、串口或 Windows 打印机。",
                              "USB printing needs pyusb and libusb (pip install pyusb; apt install libusb-1.0-0); "
                              "or choose a network, serial or Windows printer in the printer settings."),
    "device.usb.not_found": ("找不到 USB 打印机 {device}：请检查连接和电源，再重打。",
                             "Cannot open the USB printer {device} ({detail}): check the cable and power, then "
                             "reprint."),
    "device.usb.failed": ("USB 打印机出错，收据可能未打全：请检查后重打。",
                          "The USB printer failed mid-job ({detail}): check it and reprint."),
    "device.file.bad_simulation": ("打印机模拟设置“{simulate}”无效：请在打印机设置中去掉模拟。",
                                   "Unknown printer simulation {simulate!r}: remove it from the printer settings."),
    "device.file.cannot_write": ("无法写入打印文件 {path}：请检查文件夹是否存在、是否可写。",
                                 "Cannot write the print file {path} ({detail}): check the folder exists and is "
                                 "writable."),
    "device.file.dropped": ("打印过程中打印机断开连接（模拟）：请检查后重打。",
                            "The printer dropped the connection mid-job (simulated): check it and reprint."),
    "device.win32.not_windows": ("Windows 打印队列只能在 Windows 上使用：请在打印机设置中改选其他连接方式。",
                                 "The win32raw printer transport works only on Windows: choose another connection in "
                                 "the printer settings."),
    "device.win32.no_pywin32": ("本机未安装 pywin32，无法使用 Windows 打印队列：请联系系统管理员安装。",
                                "The Windows spooler transport needs pywin32 (pip install pywin32): call your "
                                "system administrator."),
    "device.win32.cannot_open": ("找不到打印机“{printer}”：请检查打印机设置中的打印机名称。",
                                 "Cannot open the printer {printer!r} ({detail}): check the printer name in the "
                                 "printer settings."),
    "device.win32.short_write": ("打印数据未全部送出：请检查后重打。",
                                 "The spooler took {written} of {size} bytes: check the printer and reprint."),
    "device.win32.failed": ("Windows 打印队列出错：请检查后重打。",
                            "Spooler error on {printer!r} ({detail}): check the printer and reprint."),
    "device.printer.setting_missing": ("打印机设置缺少“{key}”：请在打印机设置中填写。",
                                       "The printer settings for transport {transport!r} need {key!r}: fill it in "
                                       "the printer settings."),
    "device.printer.unknown_transport": ("未知的打印机连接方式“{transport}”：请在打印机设置中重新选择。",
                                         "Unknown printer transport {transport!r} (use one of: {known:list}): choose "
                                         "again in the printer settings."),
    "device.printer.bad_settings": ("打印机设置无效：请在打印机设置中检查后保存。",
                                    "Invalid printer settings ({detail}): check and save the printer settings."),
    # -- serial devices (app.devices), the pole display (客显), the cash drawer, the camera scanner --
    "device.display.name": ("客显", "Customer display"),
    "device.bad_port": ("{device}的串口“{port}”无效：请填写 COM3 或 /dev/ttyUSB0 这样的串口名。",
                        "The {device} port {port!r} is not a serial port: write e.g. COM3 or /dev/ttyUSB0."),
    "device.bad_baudrate": ("{device}的波特率“{baud}”无效：请选择 {known:list} 之一。",
                            "The {device} baud rate {baud!r} is not one of {known:list}."),
    "device.display.no_port": ("未设置客显串口：请在打印机设置中填写客显串口。",
                               "No customer display port is set: fill it in the printer settings."),
    "device.display.missing": ("找不到客显串口 {port}：请检查客显的串口线，以及打印机设置中的客显串口。",
                               "The customer display port {port} does not exist ({detail}): check the cable and the "
                               "port in the printer settings."),
    "device.display.busy": ("客显串口 {port} 被其他程序占用：请关闭占用它的程序后再试。",
                            "The customer display port {port} is in use by another program ({detail}): close it "
                            "and try again."),
    "device.display.cannot_open": ("无法打开客显串口 {port}：请检查串口线和客显电源。",
                                   "Cannot open the customer display port {port} ({detail}): check the cable and "
                                   "the display's power."),
    "device.display.write_timeout": ("客显串口 {port} 写入超时：请检查客显是否连接。",
                                     "Writing to the customer display on {port} timed out: check it is connected."),
    "device.display.failed": ("客显串口 {port} 出错：请检查客显。",
                              "The customer display port {port} failed ({detail}): check the display."),
    "device.display.too_long": ("金额 {amount:yuan} 超出客显位数，客显未更新。",
                                "The amount {amount:yuan} does not fit the customer display; it was not updated."),
    "device.drawer.no_printer": ("未设置收据打印机，无法弹开钱箱：请在打印机设置中选择打印机。",
                                 "No receipt printer is set up, so the cash drawer cannot open: choose the printer "
                                 "in the printer settings."),
    "device.drawer.disabled": ("打印机设置中未接钱箱：如已接钱箱，请在打印机设置中勾选“钱箱”。",
                               "The printer settings say no cash drawer is connected: tick the cash drawer in the "
                               "printer settings."),
    "device.camera.cannot_open": ("无法打开摄像头 {camera}：请检查摄像头是否连接、是否被其他程序占用。",
                                  "Cannot open camera {camera}: check it is connected and not in use by another "
                                  "program."),
    "device.camera.no_frame": ("摄像头 {camera} 没有画面：请检查摄像头。",
                               "Camera {camera} gives no picture: check it."),
    "device.camera.no_zbar": ("本机缺少条码识别组件（zbar）：请联系系统管理员安装。",
                              "Barcode decoding needs the zbar library (apt install libzbar0; on Windows it ships "
                              "with pyzbar): call your system administrator."),
    "device.camera.bad_image": ("无法读取图像 {path}：请检查文件。", "Cannot read the image {path}: check the file."),
    "device.camera.no_images": ("模拟摄像头没有图像：请检查图像文件夹 {path}。",
                                "The fake camera has no images: check the folder {path}."),
    "device.display.need_total": ("请给出要显示的总计金额。", "Give the total to show (--total)."),
    "device.scan.not_available": ("本机未安装扫码支付：请改用现金（F1）、银行卡（F2）或预存抵扣（F4）收款。",
                                  "Scanned-code payments are not installed on this counter: take cash (F1), bank "
                                  "card (F2) or prepaid (F4)."),
    "device.scan.not_a_code": ("这不是微信或支付宝付款码：请让住户重新出示付款码。",
                               "That is not a WeChat or Alipay payment code: ask the resident to show it again."),
    "device.scan.offline": ("网络未连接：扫码支付需要网络。请改用现金（F1）、银行卡（F2）或预存抵扣（F4）收款。",
                            "The network is down: scanned-code payments need it. Take cash (F1), bank card (F2) "
                            "or prepaid (F4)."),
    "device.bad_parity": ("{device}的校验位“{parity}”无效：请选择 {known:list} 之一（N 无校验，O 奇校验，E 偶校验）。",
                          "The {device} parity {parity!r} is not one of {known:list} (N none, O odd, E even)."),
}
