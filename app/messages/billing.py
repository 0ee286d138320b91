"""Messages of billing: bill runs, bills, corrections, waivers (and the busy database a
bill run can leave behind it)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "billing.field.period": ("月份", "month"),
    "billing.field.as_of": ("截至日期", "as-of day"),
    "billing.field.chunk_rooms": ("每批房间数", "rooms per chunk"),
    "billing.bad_chunk": ("每批房间数必须是正整数（现为 {value}）。", "Rooms per chunk must be a positive whole number "
                          "(it is {value})."),
    "billing.no_community": ("小区“{community}”不存在：请检查小区名称。",
                             "Community {community!r} does not exist: check the name."),
    "billing.busy_waited": ("已等待 {seconds} 秒，出账、导入或另一台收银台的写入仍未完成",
                            "waited {seconds} s; a bill run, an import or another counter is still writing"),
    "billing.run_overlap": ("另一次 {period} 出账同时写入了部分账单：本次已写入的房间保持完整，请重新出账补齐其余房间。",
                            "Another bill run of {period} wrote some of the same lines at the same time: the rooms "
                            "already written are complete; run the bill run again to finish the rest."),
    "billing.correction.reason_required": ("请填写更正原因：说明为什么更正。", "A reason is required: say why it is corrected."),
    "billing.waive.reason_required": ("请填写减免原因：说明为什么减免滞纳金。",
                                      "A reason is required: say why the late fee is waived."),
    "billing.no_meter": ("表号“{meter}”不存在：请检查表号。", "Meter {meter!r} does not exist: check the number."),
    "billing.bad_reading": ("读数“{value}”无效：{reason}", "Reading {value!r} is not valid: {reason}"),
    "billing.no_reading_to_correct": ("表 {meter} 在 {period} 没有读数，无法更正：请先录入该月读数。",
                                      "Meter {meter} has no reading for {period} to correct: record it first."),
    "billing.reading_does_not_fit": ("更正后的读数 {value} 与前后月份的读数不符：{reason}",
                                     "The corrected reading {value} does not fit the readings around it: {reason}"),
    "billing.no_fee_item": ("小区“{community}”没有收费项目“{fee}”：请检查收费项目代码。",
                            "Fee item {fee!r} does not exist in community {community!r}: check the code."),
    "billing.price_one_of": ("请填写单价或阶梯价，二者只填一项。", "Give exactly one of a unit price and tiers."),
    "billing.bad_price": ("价格无效：{reason}", "The price is not valid: {reason}"),
    "billing.tiers_not_json": ("阶梯价格式不对：{reason}", "The tiers are not valid JSON: {reason}"),
    "billing.no_line": ("账单明细 {line} 不存在：请重新查询该房间的账单。",
                        "Bill line {line} does not exist: look the room's bills up again."),
    "billing.already_waived": ("账单明细 {line} 的滞纳金已经减免过。", "The late fee of bill line {line} is already waived."),
}
