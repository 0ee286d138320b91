"""Messages of the imports (rooms, meters, readings, fee items): code → (Chinese, English).

A problem's row and column are added by app.messages.problem_text (第3行，列 area：…); the
column is the header as the file writes it. Values are quoted as given, cut short (fields.shown).
"""

MESSAGES: dict[str, tuple[str, str]] = {
    # --- the import as a whole
    "import.failed": ("{kind}导入失败，未导入任何数据：共 {count} 处问题",
                      "{kind} import failed, nothing was imported: {count} problem(s)"),
    "import.kind_rooms": ("房屋", "rooms"),
    "import.kind_meters": ("水电表", "meters"),
    "import.kind_readings": ("抄表读数", "readings"),
    "import.kind_fee_items": ("收费项目", "fee-items"),
    "import.unknown_kind": ("未知的导入类型“{kind}”（可选：{kinds}）", "unknown import kind {kind!r} (one of {kinds})"),
    "import.rollover_only_readings": ("表盘回转确认只适用于抄表读数的导入", "--rollover only applies to readings"),

    # --- files
    "import.file_not_found": ("文件不存在：{path}", "file not found: {path}"),
    "import.old_excel": ("不支持 {suffix} 文件：请在 Excel 中另存为 .xlsx 或“CSV UTF-8（逗号分隔）”后再导入",
                         "{suffix} files are not supported: save as .xlsx or CSV UTF-8"),
    "import.unsupported_type": ("不支持的文件类型 {suffix}：请选择 .csv 或 .xlsx 文件",
                                "unsupported file type {suffix}: use .csv or .xlsx"),
    "import.utf16": ("文件是 UTF-16 编码（Excel 的“Unicode 文本”）：请在 Excel 中“另存为”→“CSV UTF-8（逗号分隔）”",
                     "the file is UTF-16 (Excel 'Unicode text'), not UTF-8: in Excel choose Save As → "
                     "'CSV UTF-8 (comma delimited)'"),
    "import.not_utf8": ("文件不是 UTF-8 编码（第{line}行起有无法识别的字节，可能是 Excel 默认的 GBK）：请在 Excel 中"
                        "“另存为”→“CSV UTF-8（逗号分隔）”，再导入另存的文件",
                        "the file is not UTF-8 (first bad byte on line {line}; GBK from Excel?): in Excel choose "
                        "Save As → 'CSV UTF-8 (comma delimited)' and import that file"),
    "import.not_utf8_line": ("不是有效的 UTF-8 文字", "not valid UTF-8"),
    "import.nul_bytes": ("文件含有 NUL 字节：这不是 CSV 文本文件", "the file contains NUL bytes: it is not a CSV text file"),
    "import.empty_file": ("文件是空的：第1行必须是表头", "the file is empty: row 1 must be the header"),
    "import.header_empty": ("第1行必须是表头（现在是空行）", "row 1 must be the header (it is empty)"),
    "import.bad_header": ("表头有误，未导入任何数据", "bad header: nothing was imported"),
    "import.unknown_column": ("未知列“{name}”（可用的列：{known}）", "unknown column {name!r} (known: {known})"),
    "import.unknown_column_separator": (
        "未知列“{name}”：CSV 文件必须用英文逗号分隔（可用的列：{known}）",
        "unknown column {name!r} (known: {known}) — a CSV must be separated by commas"),
    "import.column_twice": ("列 {label} 出现了两次：“{first}”和“{second}”",
                            "column {label} given twice: {first!r} and {second!r}"),
    "import.column_missing": ("缺少必填列 {label}", "required column missing: {label}"),
    "import.bad_rows": ("文件格式有误：{rows} 行共 {count} 处问题，未导入任何数据",
                        "the file has {count} problem(s) in {rows} row(s); nothing was imported"),
    "import.no_data_rows": ("文件只有表头，没有数据行", "the file has a header but no data rows"),
    "import.no_header_value": ("值“{value}”所在的列没有表头", "value {value!r} in a column without a header"),

    # --- CSV lines (one row per line, nothing swallowed)
    "import.csv_unclosed_quote": (
        "引号没有在本行闭合：请补上右引号（一个值不能跨行；否则后面的行都会被当成这个值的一部分）",
        "a quote \" opens a value that is not closed on this row: add the closing quote (a value may not span "
        "lines; otherwise every following row would be read as part of it)"),
    "import.csv_after_quote": ("右引号后面还有文字“{text}”：带引号的值必须在逗号前结束",
                               "text {text!r} after a closing quote: a quoted value must end at the comma"),
    "import.csv_stray_quote": (
        "值“{value}”中有引号：含引号的值要整体加引号、内部的引号写两遍（用 Excel 另存为 CSV 会自动这样做）",
        "a quote \" inside the value {value!r}: a value with quotes must be quoted and each quote doubled "
        "(Excel does this when saving as CSV)"),
    "import.csv_field_count": (
        "本行有 {found} 个字段，表头有 {expected} 个：值里有没加引号的逗号，或者多了/少了逗号？",
        "this row has {found} fields but the header has {expected}: an unquoted comma inside a value, or a "
        "missing or extra comma?"),
    "import.control_char": ("含有控制字符 {char}：请删除它", "contains the control character {char}: remove it"),
    "import.line_break_in_cell": ("值里有换行：导入的值不能换行，请删除换行（Excel 中按 Alt+Enter 产生的换行）",
                                  "contains a line break: imported values have none; remove it (in Excel: the "
                                  "Alt+Enter breaks)"),

    # --- XLSX cells
    "import.in_cell": ("单元格 {cell}：{reason}", "cell {cell} {reason}"),
    "import.xlsx_formula": ("含有公式“{formula}”：请复制后“选择性粘贴→数值”",
                            "contains a formula {formula!r}: paste values (copy, then Paste Special → Values)"),
    "import.xlsx_inexact": ("{value} 不能作为精确的小数读取（是计算结果吗？）：请先取整到需要的小数位，或把该列设置为文本",
                            "{value} cannot be read as an exact decimal (a calculated value?): round it or format "
                            "the column as text"),
    "import.xlsx_not_finite": ("{value} 不是数字", "{value} is not a number"),
    "import.xlsx_invalid": ("不是有效的 XLSX 文件（{kind}）：请用 Excel 重新另存为 .xlsx",
                            "not a valid XLSX file ({kind}): save it again from Excel as .xlsx"),
    "import.xlsx_no_sheet": ("工作簿里没有工作表", "the workbook has no sheet"),

    # --- values of one cell
    "import.required": ("必填项为空", "required value missing"),
    "import.not_decimal": ("“{value}”不是数字（应写成 89.5 这样）", "{value!r} is not a decimal number (like 89.5)"),
    "import.not_positive": ("“{value}”必须大于 0", "{value!r} must be greater than 0"),
    "import.negative": ("“{value}”不能小于 0", "{value!r} must be at least 0"),
    "import.too_many_decimals": ("“{value}”的小数超过 {max} 位", "{value!r} has more than {max} decimals"),
    "import.too_large": ("“{value}”太大：最大 {max}", "{value!r} is too large (at most {max})"),
    "import.foreign_digit": ("“{value}”含有不是 0-9 的数字字符“{char}”（{name}）：请用 0-9 输入数字",
                             "{value!r} contains the digit {char!r} ({name}): type numbers with 0-9"),
    "import.not_rate": ("{what}“{value}”不是小数（应写成 0.4883 这样）", "{what} {value!r} is not a decimal like 0.4883"),
    "import.rate_decimals": ("{what}“{value}”的小数超过 6 位", "{what} {value!r} has more than 6 decimals"),
    "import.not_integer": ("“{value}”不是整数", "{value!r} is not a whole number"),
    "import.int_range": ("“{value}”必须在 {low} 到 {high} 之间", "{value!r} must be between {low} and {high}"),
    "import.year_range": ("“{value}”的年份必须在 {low} 到 {high} 之间", "{value!r}: the year must be between {low} and {high}"),
    "import.not_date": ("“{value}”不是日期：请写成 YYYY-MM-DD", "{value!r} is not a date YYYY-MM-DD"),
    "import.not_real_date": ("“{value}”不是真实存在的日期", "{value!r} is not a real date"),
    "import.date_not_period": ("“{value}”是日期，不是账期 YYYY-MM", "{value!r} is a date, not a period YYYY-MM"),
    "import.not_period": ("“{value}”不是账期：请写成 YYYY-MM", "{value!r} is not a period YYYY-MM"),
    "import.bad_month": ("“{value}”的月份无效", "{value!r} is not a valid month"),
    "import.bad_phone": ("“{value}”不是手机号（11 位，1[3-9] 开头）也不是 010-12345678 这样的座机号",
                         "{value!r} is not a mobile number (11 digits, 1[3-9]…) or a landline like 010-12345678"),
    "import.bad_choice": ("“{value}”不是可选值之一：{chinese}（{english}）", "{value!r} is not one of {english} ({chinese})"),
    "import.too_long": ("“{value}”太长：最多 {max} 个字符（现有 {length} 个）",
                        "{value!r} is longer than {max} characters (it has {length})"),
    "import.no_dash": ("“{value}”不能含有“-”（房号键用“-”分隔楼栋、单元和房号）",
                       "{value!r} may not contain '-' (it separates the parts of the room key)"),
    "import.room_key_too_long": ("房号键“{key}”太长：最多 {max} 个字符（现有 {length} 个），请缩短楼栋、单元或房号",
                                 "the room key {key!r} is longer than {max} characters (it has {length}): shorten "
                                 "the building, unit or room"),

    # --- rows and what they refer to
    "import.duplicate": ("{what}重复：第{first}行和第{second}行", "duplicate {what}: rows {first} and {second}"),
    "import.what_room": ("{community}的房号 {key} ", "room {key} in {community}"),
    "import.what_meter": ("表号 {meter} ", "meter {meter}"),
    "import.what_reading": ("表 {meter} 在 {period} 的读数", "reading of {meter} for {period}"),
    "import.phone_without_owner": ("有电话号码就要在 {owner} 列填业主姓名",
                                   "a phone number needs the owner's name in column {owner}"),
    "import.unknown_community": ("小区“{community}”不存在（请先导入房屋）", "unknown community {community!r} (import rooms first)"),
    "import.unknown_room": ("{community}没有房号“{room}”", "unknown room {room!r} in {community}"),
    "import.initial_too_big": ("初始读数 {initial} 超出 {digits} 位表盘", "initial reading {initial} does not fit a "
                               "{digits}-digit register"),
    "import.meter_has_readings": ("表 {meter} 已有读数：{fields:list}不能再改（请改为登记换表）",
                                  "meter {meter} already has readings: its {fields:list} cannot change (record a "
                                  "meter replacement 换表 instead)"),
    "import.unknown_meter": ("表号“{meter}”不存在（请先导入水电表）", "unknown meter {meter!r} (import meters first)"),
    "import.rollover_not_in_file": ("表 {meter} 在这个文件里没有读数", "meter {meter} has no reading in this file"),
    "import.meter_inactive": ("表 {meter} 已停用（已换表）", "meter {meter} is no longer active (replaced)"),
    "import.reading_too_big": ("读数 {reading} 超出表 {meter} 的 {digits} 位表盘",
                               "reading {reading} does not fit meter {meter}'s {digits}-digit register"),
    "import.reading_differs": ("表 {meter} 在 {period} 已有读数 {stored}：导入不修改已有读数，请用读数更正",
                               "meter {meter} already has reading {stored} for {period}; an import does not change "
                               "readings (use a reading correction 读数更正)"),
    "import.reading_out_of_order": ("表 {meter} 已有更晚账期 {later} 的读数：读数须按账期先后录入",
                                    "meter {meter} already has a reading for the later period {later}; readings are "
                                    "entered in period order"),
    "import.reading_lower": (
        "读数 {reading} 小于{what}，未导入。如果 {digits} 位表盘确实走满归零（回转），请确认表 {meter} 回转后重新导入；"
        "如果换了新表，请登记换表",
        "reading {reading} is lower than {what}: rejected. If the {digits}-digit register rolled over, confirm it "
        "with --rollover {meter}; a replaced meter needs a meter replacement (换表)"),
    "import.previous_reading": ("上次读数 {reading}（{period}）", "the previous reading {reading} ({period})"),
    "import.initial_reading": ("初始读数 {reading}", "the initial reading {reading}"),

    # --- the fee-items JSON
    "import.json_not_utf8": ("文件不是 UTF-8 编码：请另存为 UTF-8", "the file is not UTF-8: save it as UTF-8"),
    "import.json_invalid": ("不是有效的 JSON：第 {line} 行第 {col} 列：{detail}",
                            "invalid JSON at line {line}, column {col}: {detail}"),
    "import.json_at": ("第 {line} 行第 {col} 列：{detail}", "line {line}, column {col}: {detail}"),
    "import.json_too_deep": ("JSON 嵌套超过 {max} 层：这不是收费项目文件",
                             "the JSON is nested more than {max} levels deep: it is not a fee-items file"),
    "import.json_not_object": ('文件必须是一个对象 {{"community": "...", "fee_items": [...]}}',
                               'the file must be an object {{"community": "...", "fee_items": [...]}}'),
    "import.unknown_key": ("未知字段（可用：{allowed}）", "unknown key (allowed: {allowed})"),
    "import.community_required": ("必填：小区名称", "required: the community's name"),
    "import.fee_items_required": ("必填：收费项目列表（不能为空）", "required: a non-empty list of fee items"),
    "import.must_be_object": ("必须是一个对象 {{...}}", "must be an object"),
    "import.duplicate_code": ("收费项目代码“{fee}”重复：{first} 和 {second}", "duplicate code {fee!r}: {first} and {second}"),
    "import.key_required": ("必填", "required"),
    "import.not_text": ("必须是非空的文字，现在是 {got}", "must be a non-empty string, got {got}"),
    "import.rate_type": ('{what} 必须是 "0.4883" 这样的小数文字，现在是 {got}',
                         '{what} must be a decimal string like "0.4883", got {got}'),
    "import.whole_number": ("必须是 {low} 到 {high} 之间的整数，现在是 {got}", "must be a whole number {low}..{high}, got {got}"),
    "import.not_for_basis": ("不适用于计费方式“{basis}”", "does not apply to basis {basis!r}"),
    "import.bad_basis": ("必须是以下之一：{allowed}；现在是 {got}", "must be one of {allowed}, got {got}"),
    "import.tier_period_choice": ("必须是 month 或 year，现在是 {got}", "must be month or year, got {got}"),
    "import.usage_needs_meter_kind": ("按用量计费必须填写：按房屋的哪种表（water、electricity…）",
                                      "required for basis usage: which of the room's meters (water, electricity…)"),
    "import.price_or_tiers": ("按用量计费需要 unit_price 或 tiers（二者只能有一个）",
                              "basis usage needs either unit_price or tiers (exactly one)"),
    "import.tier_period_required": ("有阶梯价时必填：month 或 year", "required with tiers: month or year"),
    "import.tier_period_only_tiers": ("只有阶梯价才需要填写", "only applies with tiers"),
    "import.price_required": ("计费方式 {basis} 必须填写单价", "required for basis {basis}"),
    "import.apportion_required": ('公摊计费必须填写 {{"meter_no", "by", "scope"}}',
                                  'required for basis apportioned: {{"meter_no", "by", "scope"}}'),
    "import.suggested_amount": ("临时收费的建议金额必须是大于 0、最多 2 位小数的元金额，现在是 {value}",
                                "the suggested amount of a one-off item must be a yuan amount > 0 with at most 2 "
                                "decimals, got {value}"),
    "import.tiers_list": ('必须是非空列表，例如 [{{"up_to": "180", "unit_price": "5"}}, …]',
                          'must be a non-empty list like [{{"up_to": "180", "unit_price": "5"}}, …]'),
    "import.tier_object": ('必须是对象 {{"up_to", "unit_price"}}', 'must be an object {{"up_to", "unit_price"}}'),
    "import.tier_only_last_open": ("只有最后一档的 up_to 可以是 null", "only the last tier may have up_to null"),
    "import.tier_last_open": ("最后一档的 up_to 必须是 null（没有上限）", "the last tier must have up_to null (no upper bound)"),
    "import.tier_up_to_type": ('必须是 "180" 这样的小数文字，现在是 {got}', 'must be a decimal string like "180", got {got}'),
    "import.tier_not_ascending": ("{up_to} 必须大于上一档的 up_to {previous}",
                                  "{up_to} must be greater than the previous tier's up_to {previous}"),
    "import.apportion_object": ('必须是对象 {{"meter_no", "by", "scope"}}',
                                'must be an object {{"meter_no", "by", "scope"}}'),
    "import.apportion_meter_required": ("必填：公表的表号", "required: the public meter's number"),
    "import.apportion_by": ("必须是 area 或 household，现在是 {got}", "must be area or household, got {got}"),
    "import.apportion_scope": ('必须是 "community" 或楼栋名称', 'must be "community" or a building name'),
    "import.unknown_meter_in": ("{community}没有表号“{meter}”", "unknown meter {meter!r} in {community}"),
    "import.apportion_room_meter": ("表 {meter} 属于某个房屋：公摊需要公表（没有房号的表）",
                                    "meter {meter} belongs to a room: apportionment needs a public meter (a meter "
                                    "without room)"),
    "import.apportion_bad_scope": ('“{scope}”既不是 "community" 也不是{community}的楼栋',
                                   '{scope!r} is neither "community" nor a building of {community}'),
    "import.usages_list": ('必须是非空列表，例如 ["residential", "shop"]',
                           'must be a non-empty list, e.g. ["residential", "shop"]'),
    "import.late_fee_object": ('必须是对象 {{"daily_rate", "grace_days", "cap_ratio"}}',
                               'must be an object {{"daily_rate", "grace_days", "cap_ratio"}}'),
    "import.daily_rate_required": ('必填，例如 "0.0003"', 'required, e.g. "0.0003"'),
    "import.bad_rounding": ("未知的舍入方式 {got}（可用：{allowed}）", "unknown rounding {got} (allowed: {allowed})"),
    "import.basis_change": ("收费项目 {fee} 的计费方式是“{old}”，不能改为“{new}”（请用新代码，并停用旧项目）",
                            "fee item {fee} is {old!r}; its basis cannot change to {new!r} (use a new code and stop "
                            "the old item)"),
    "import.price_differs": ("收费项目 {fee} 在 {effective_from} 生效的价格与文件不同：新价格需要新的生效日期 effective_from",
                             "fee item {fee} already has a different price effective {effective_from}; a new price "
                             "needs a new effective_from"),
    "import.options_object": ('必须是对象，例如 {{"prepaid_deduction": true}}',
                              'must be an object like {{"prepaid_deduction": true}}'),
    "import.option_bool": ("必须是 true 或 false，现在是 {got}", "must be true or false, got {got}"),
    "import.amount_type": ('必须是 "500.00" 这样的元金额，现在是 {got}', 'must be a yuan amount like "500.00", got {got}'),
}
