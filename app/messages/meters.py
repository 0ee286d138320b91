"""Meters, meter readings, their review, serial lines and meter protocols (issue 13)."""

MESSAGES: dict[str, tuple[str, str]] = {
    # intake of readings (app.services.meter_intake), a reason per reading
    "meters.bad_period": ("账期“{value}”无效：请写成 YYYY-MM，例如 2026-12。",
                          "period {value!r} is not valid: write YYYY-MM, e.g. 2026-12"),
    "meters.unknown_meter": ("表号 {meter} 不存在：请先在表具资料里建立这块表，或核对表号。",
                             "meter {meter} does not exist: add it to the meters first, or check the number"),
    "meters.meter_inactive": ("表 {meter} 已停用（已换表）：请录入新表的读数。",
                              "meter {meter} is no longer in use (it was replaced): record the new meter's reading"),
    "meters.reading_negative": ("表 {meter} 的读数 {reading} 不能为负数。", "meter {meter}: reading {reading} is negative"),
    "meters.reading_too_big": ("表 {meter} 的读数 {reading} 超出 {digits} 位表盘：请核对读数或表的位数。",
                               "meter {meter}: reading {reading} does not fit its {digits}-digit register: "
                               "check the reading or the meter's digits"),
    "meters.reading_not_number": ("表 {meter} 的读数“{reading}”不是数字。", "meter {meter}: reading {reading!r} is not a number"),
    "meters.reading_differs": ("表 {meter} {period} 已有读数 {stored}，与本次 {reading} 不同：如需更正，请在抄表审核里处理。",
                               "meter {meter} already has reading {stored} for {period}, not {reading}: "
                               "correct it in readings review"),
    "meters.duplicate_in_batch": ("表 {meter} 在本批中出现了两次且读数不同：请核对。",
                                  "meter {meter} appears twice in this batch with different readings: check them"),
    "meters.before_last": ("表 {meter} 已有更晚账期 {later} 的读数：不能再录 {period} 的读数。",
                           "meter {meter} already has a reading for the later period {later}: cannot record {period}"),
    "meters.bad_source": ("读数来源“{value}”无效，可选：{allowed:list}。", "unknown reading source {value!r} (allowed: {allowed:list})"),
    "meters.sync_unknown_meter": ("同步来的读数所属的表 {meter} 在本库不存在：请先同步表具资料。",
                                  "a synced reading belongs to meter {meter}, which does not exist here: sync the meters first"),
    # flags (reason of a flagged reading)
    "meters.lower_than_previous": ("读数 {reading} 低于上次 {previous}，且不像表盘走满归零：请核对读数，或登记换表。",
                                   "reading {reading} is lower than the previous {previous} and does not look like a "
                                   "register wrap: check it, or record a meter swap"),
    "meters.leak": ("用量 {usage} 超过近 {months} 个月中位数 {median} 的 {factor} 倍：可能漏水或抄错，请核实。",
                    "usage {usage} is more than {factor}× the median {median} of the last {months} months: "
                    "possible leak or misreading, check it"),
    "meters.zero_usage": ("已入住房屋本月用量为 0：请核实表是否停走。",
                          "zero usage for an occupied room: check that the meter is running"),
    # review
    "meters.not_flagged": ("表 {meter} {period} 没有待审核的读数。", "meter {meter} has no flagged reading for {period}"),
    "meters.no_reading": ("表 {meter} {period} 还没有读数。", "meter {meter} has no reading for {period}"),
    "meters.reason_required": ("请填写审核理由。", "a reason is required"),
    "meters.accepted": ("已确认", "accepted"),
    "meters.rejected": ("已驳回", "rejected"),
    # swap
    "meters.swap_same_meter": ("新表号不能与旧表号相同。", "the new meter number must differ from the old one"),
    "meters.swap_new_exists": ("表号 {meter} 已存在：请换一个新表号。", "meter {meter} already exists: use a new number"),
    "meters.swap_final_lower": ("旧表止码 {final} 低于上次读数 {last}（{period}）：请核对。",
                                "the old meter's final reading {final} is lower than its last reading {last} ({period}): "
                                "check it"),
    "meters.swap_bad_digits": ("表的位数必须是 1 到 12 之间的整数（现为 {value}）。",
                               "a meter's digits must be a whole number from 1 to 12 (got {value})"),
    "meters.bad_value": ("{field}“{value}”不是非负数字。", "{field} {value!r} is not a non-negative number"),
    "meters.field_old_final": ("旧表止码", "old meter's final reading"),
    "meters.field_new_initial": ("新表起码", "new meter's initial reading"),
    "meters.field_new_meter": ("新表号", "new meter number"),
    "meters.field_date": ("换表日期", "swap date"),
    "meters.unknown_community": ("小区“{name}”不存在。", "community {name!r} does not exist"),
    "meters.unknown_building": ("楼栋“{name}”不存在。", "building {name!r} does not exist"),
    # meters import (issue 13 columns)
    "meters.import_bad_address": ("通讯地址“{value}”无效：只能是数字，最多 14 位。",
                                  "address {value!r} is not valid: digits only, at most 14"),
    "meters.import_address_too_long": ("通讯地址 {value} 超过 {protocol} 协议的 {digits} 位。",
                                       "address {value} is longer than the {digits} digits of {protocol}"),
    # collect
    "meters.no_address": ("表 {meter} 没有通讯地址：请在表具资料里补上。", "meter {meter} has no address: add it to the meter"),
    "meters.nothing_to_collect": ("这条线路上没有带通讯地址、协议为 {protocol} 的表。",
                                  "no meter with an address and protocol {protocol} to read"),
    "meters.bad_protocol": ("协议“{value}”无效，可选：{allowed:list}。", "unknown protocol {value!r} (allowed: {allowed:list})"),
    "meters.bad_kind": ("表类型“{value}”无效，可选：{allowed:list}。", "unknown meter kind {value!r} (allowed: {allowed:list})"),
    # serial lines (drivers.serial)
    "serial.missing": ("找不到串口 {port}：请检查连线，或在下拉框里选择正确的端口。",
                       "serial port {port} does not exist: check the cable or pick the right port"),
    "serial.busy": ("串口 {port} 正被其他程序占用：请关闭占用它的程序后重试。",
                    "serial port {port} is in use by another program: close it and try again"),
    "serial.denied": ("没有权限打开串口 {port}：请联系系统管理员。", "no permission to open serial port {port}: call your administrator"),
    "serial.open_failed": ("打不开串口 {port}：{detail}。", "cannot open serial port {port}: {detail}"),
    "serial.io_failed": ("串口 {port} 读写失败：{detail}。请检查连线后重试。",
                         "reading or writing serial port {port} failed: {detail}. Check the cable and try again"),
    "serial.timeout": ("{port} 上的设备在 {seconds} 秒内没有应答（已试 {tries} 次）：请检查表地址、连线和波特率。",
                       "no answer on {port} within {seconds} s ({tries} tries): check the address, cable and baud rate"),
    "serial.bad_settings": ("串口参数无效：{detail}。", "invalid serial settings: {detail}"),
    # meter protocols (drivers.meters)
    "meter.frame_truncated": ("表的应答不完整（{got} 字节）：请重试。", "the meter's reply is truncated ({got} bytes): try again"),
    "meter.frame_bad_checksum": ("表的应答校验和错误（应为 {expected:02X}，实为 {got:02X}）：数据不可信，请重试。",
                                 "the meter's reply has a bad checksum (expected {expected:02X}, got {got:02X}): "
                                 "not believed, try again"),
    "meter.frame_malformed": ("表的应答格式错误：{detail}。", "the meter's reply is malformed: {detail}"),
    "meter.frame_wrong_meter": ("应答来自表 {got}，而不是 {expected}。", "the reply came from meter {got}, not {expected}"),
    "meter.meter_error": ("表 {address} 报告错误（{detail}）。", "meter {address} reported an error ({detail})"),
    "meter.bad_address": ("表地址“{value}”无效：应为 {digits} 位数字。", "meter address {value!r} is not {digits} digits"),
    "meter.bad_bcd": ("表的应答中有非 BCD 数据（{value}）：数据不可信。", "the reply holds non-BCD data ({value}): not believed"),
}
