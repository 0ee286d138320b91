"""Messages shared by every area: unexpected failures, databases, generic input."""

MESSAGES: dict[str, tuple[str, str]] = {
    "error.unexpected": ("操作失败（{kind}）：{detail}。请重试；若仍失败，请联系系统管理员。",
                         "The operation failed ({kind}): {detail}. Try again; if it fails again, call your "
                         "system administrator."),
    "db.busy": ("数据库正忙（{what}），请稍候再试。", "The database is busy ({what}); wait a moment and try again."),
    "input.required": ("请填写{field}。", "{field} is required."),
    "input.too_long": ("{field}太长：最多 {max} 个字符（现有 {length} 个）。",
                       "{field} is too long: at most {max} characters (it has {length})."),
    "input.bad_date": ("{field}“{value}”不是日期：请写成 YYYY-MM-DD，例如 2026-12-01。",
                       "{field} {value!r} is not a date: write YYYY-MM-DD, e.g. 2026-12-01."),
    "clock.bad_zone": ("时区“{zone}”无效：请用 IANA 时区名，例如 Asia/Shanghai。",
                       "Time zone {zone!r} is not valid: use an IANA name such as Asia/Shanghai."),
    "input.bad_period": ("{field}“{value}”不是账期：请写成 YYYY-MM，例如 2026-12。",
                         "{field} {value!r} is not a period: write YYYY-MM, e.g. 2026-12."),

    # amounts, rates and counts typed by a person (app.money)
    "money.amount": ("金额", "amount"),
    "money.rate": ("单价或费率", "rate"),
    "money.count": ("张数", "count"),
    "money.not_amount": ("金额“{text}”无效：请写成 1234.50 这样的数字（最多两位小数）。",
                         "amount {text!r} is not a yuan amount like 1234.50"),
    "money.too_many_decimals": ("金额“{text}”最多两位小数（到分）。", "amount {text!r} has more than 2 decimals"),
    "money.negative": ("金额“{text}”不能为负数。", "amount {text!r} may not be negative"),
    "money.too_large": ("金额“{text}”太大：最多 {max:yuan} 元，请核对。",
                        "amount {text!r} is too large: at most {max:yuan} yuan"),
    "money.not_ascii": ("{what}“{text}”含有无法识别的字符“{char}”：请只用数字 0–9 和小数点。",
                        "{what} {text!r} contains {char!r}: use only the digits 0-9 and a decimal point"),
    "money.not_rate": ("{what}“{text}”无效：请写成 0.4883 这样的非负小数。", "{what} {text!r} is not a decimal like 0.4883"),
    "money.rate_too_many_decimals": ("{what}“{text}”最多六位小数。", "{what} {text!r} has more than 6 decimals"),
    "money.not_whole": ("{what}“{text}”无效：请写 0 到 {max} 之间的整数。",
                        "{what} {text!r} must be a whole number from 0 to {max}"),
    "money.unknown_rounding": ("舍入方式“{value}”无效，可选：{allowed:list}。",
                               "unknown rounding {value!r} (allowed: {allowed:list})"),
    "terminal.bad_code": ("收银台编号“{value}”无效：只能用字母和数字，1 到 8 个字符，例如 T1。",
                          "terminal code {value!r} is not valid: letters and digits only, 1 to 8 characters, e.g. T1"),
}
