"""Devices (drivers/): receipt printers and their transports. The Chinese says what to do at
the counter; a job that failed stays in the print queue and is retried from the window."""

MESSAGES: dict[str, tuple[str, str]] = {
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
}
