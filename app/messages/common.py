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
}
