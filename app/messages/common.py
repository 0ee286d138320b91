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
    # command line and demo (app/cli, app/demo)
    "cli.bad_amount": ("{field}“{value}”不是金额：请写元，最多两位小数，不能为负，例如 150.50。",
                       "{field} {value!r} is not an amount: write yuan, at most 2 decimals, not negative, "
                       "e.g. 150.50."),
    "cli.no_notices": ("所选范围内没有房间有 {period} 的账单，没有通知单可生成。",
                       "No room in that selection has bill lines for {period}: there is no notice to print."),
    "cli.no_arrears": ("所选范围内没有欠费的房间，没有催缴通知单可生成。",
                       "No room in that selection is in arrears: there is no arrears notice to print."),
    "demo.too_few_rooms": ("演示房间数至少为 1（现为 {rooms}）。", "The demo needs at least 1 room (got {rooms})."),
    "demo.not_empty": ("数据库中已有数据：演示公司只建在空数据库中，请换一个新的数据库。",
                       "The database already has data: the demo company is built only in an empty database; "
                       "use a new one (--db)."),
}
