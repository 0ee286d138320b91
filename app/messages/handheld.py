"""The meter reader's handheld (抄表机) in its dock (drivers/handheld, issue 13). The Chinese
says what to do at the counter, in the 抄表机 window."""

MESSAGES: dict[str, tuple[str, str]] = {
    "handheld.port_missing": ("无法打开抄表机串口 {port}：请检查底座连线，并在“抄表机”窗口中选择正确的串口。",
                              "Cannot open the handheld port {port} ({detail}): check the dock's cable and choose "
                              "the right port in the Handheld window."),
    "handheld.port_busy": ("抄表机串口 {port} 正被其他程序占用：请关闭占用它的程序后重试。",
                           "The handheld port {port} is in use by another program ({detail}): close it and retry."),
    "handheld.no_answer": ("抄表机无应答（串口 {port}）：请确认抄表机已放好在底座上并已开机，然后重试。",
                           "The handheld on {port} does not answer: check it sits in its dock and is switched on, "
                           "then retry."),
    "handheld.line_lost": ("与抄表机的传输中断（已收到 {received}/{total} 条）：请放好抄表机后再点“上传”，"
                           "将从中断处继续，已收到的读数不会丢失。",
                           "The transfer from the handheld was cut ({received} of {total} readings received): "
                           "re-seat the handheld and upload again; it continues where it stopped."),
    "handheld.download_lost": ("下载抄表路线时传输中断：请放好抄表机后重新下载。",
                               "The route download was cut: re-seat the handheld and download again."),
    "handheld.version": ("抄表机协议版本 {version} 不受支持（本机为 {ours}）：请升级抄表机程序。",
                         "The handheld speaks protocol version {version}, this counter {ours}: update the handheld."),
    "handheld.protocol": ("抄表机发来的数据不合规（{detail}）：请重试；如仍出错，请联系维护人员。",
                          "The handheld sent something the protocol does not allow ({detail}): retry; if it "
                          "persists, call support."),
    "handheld.refused": ("抄表机拒绝了请求（{detail}）：请重试。", "The handheld refused the request ({reason}: {detail}): retry."),
    "handheld.check_failed": ("收到的读数校验不符（{detail}）：已丢弃本次数据，请重新上传。",
                              "The readings received do not match their check ({detail}): they were discarded; "
                              "upload again."),
    "handheld.period_needed": ("请选择账期（YYYY-MM）。", "Give the reading period: --period YYYY-MM."),
    "handheld.port_failed": ("抄表机串口 {port} 出错（可能已拔出）：请插好底座连线后重试，已收到的读数不会丢失。",
                             "The handheld port {port} failed ({detail}); was it unplugged? Plug the dock back in "
                             "and retry; readings already received are kept."),
    "handheld.state_failed": ("无法保存上传进度文件 {path}：请检查磁盘空间和文件夹权限后重试。",
                              "Cannot keep the upload's resume file {path} ({detail}): check disk space and "
                              "folder permissions, then retry."),
    "handheld.empty_route": ("{period} 没有需要抄的表：请检查小区和楼栋。",
                             "There are no meters to read for {period}: check the community and building."),
    "handheld.bad_readings_file": ("读数文件 {file} 第 {row} 行有误：{detail}",
                                   "Readings file {file}, row {row}: {detail}"),
    "handheld.readings_file_missing": ("找不到读数文件 {file}。", "Readings file {file} not found."),
}
