"""Messages of the counter: rooms, payments, top-ups, deposits, one-off charges, voids,
shifts and the drawer count, and `ledger check`. The Chinese says what to do in the window."""

MESSAGES: dict[str, tuple[str, str]] = {
    # finding a room
    "room.key_required": ("请输入房号，例如 3-2-1502。", "Enter a room key, e.g. 3-2-1502."),
    "room.not_found": ("房号“{key}”不存在：请核对楼栋-单元-房号后重新查找。",
                       "Room {key!r} does not exist: check building-unit-room and search again."),
    "room.not_found_in": ("小区“{community}”没有房号“{key}”：请核对小区名和房号后重新查找。",
                          "Room {key!r} does not exist in community {community!r}: check both and search again."),
    "room.ambiguous": ("房号“{key}”在多个小区都有（{communities:list}）：请写成 小区/房号，例如 {example}。",
                       "Room {key!r} exists in several communities ({communities:list}): write it as "
                       "community/room, e.g. {example}."),

    # paying bills
    "pay.line_taken": ("该账单已被其他收银台收取（{lines:list}），本次没有收款：请刷新房间，核对账单后再收。",
                       "Already paid at another counter ({lines:list}); nothing was taken this time: refresh "
                       "the room and check its bills before taking money again."),
    "pay.prepaid_short": ("房间 {room} 的预存余额只有 {balance:yuan} 元，不够抵扣 {amount:yuan} 元（可能刚被其他收银台使用），"
                          "本次没有收款：请刷新房间后重新选择支付方式。",
                          "Prepaid {amount:yuan} is more than the balance {balance:yuan} of room {room} (it may "
                          "have just been used at another counter); nothing was taken: refresh the room and "
                          "choose the tenders again."),
    "pay.line_not_in_room": ("账单 {line} 不属于房间 {room}：请刷新房间后重新勾选账单。",
                             "Bill line {line} is not a line of room {room}: refresh the room and tick the "
                             "lines again."),
    "pay.line_not_payable": ("账单 {line} 现在不能收取（状态：{status}）：请刷新房间后重新勾选。",
                             "Bill line {line} cannot be paid now (status {status}): refresh the room and tick "
                             "the lines again."),
    "pay.bad_lines": ("房间 {room} 的这些账单不能收取，没有收款：", "These lines of room {room} cannot be paid; "
                      "nothing was taken:"),
    "pay.nothing_due": ("房间 {room} 没有待缴账单。", "Room {room} has nothing to pay."),
    "pay.change_too_large": ("找零 {change:yuan} 元超过本小区的找零上限 {limit:yuan} 元（实收现金 {received:yuan} 元）："
                             "请核对实收金额是否输错。",
                             "Change of {change:yuan} is more than this community's limit of {limit:yuan} (cash "
                             "received {received:yuan}): check the amount received for a typo."),
    "pay.as_of_future": ("滞纳金计算日 {day} 晚于今天 {today}：请用今天或更早的日期。",
                         "Late fees as of {day} is after today ({today}): use today or an earlier day."),
    "pay.as_of_needs_waive": ("按 {day} 计算滞纳金会减少滞纳金，需要减免权限：请联系主管收取这笔款。",
                              "Computing late fees as of {day} lowers them and needs the waive permission: ask "
                              "a supervisor to take this payment."),
    "prepay.from_prepaid": ("预存充值不能用预存余额支付：请选择现金、银行卡、转账或扫码。",
                            "A prepaid top-up cannot be paid from the prepaid balance: choose cash, card, "
                            "transfer or a scan."),
    "deposit.purpose_required": ("请填写押金用途，例如 装修押金。", "Enter what the deposit is for, e.g. 装修押金."),
    "deposit.from_prepaid": ("押金不能用预存余额支付：请选择现金、银行卡、转账或扫码。",
                             "A deposit cannot be paid from the prepaid balance: choose cash, card, transfer or "
                             "a scan."),
    "charge.fee_not_found": ("房间 {room} 所在小区没有收费项目“{fee}”：请在收费项目列表里选择。",
                             "Fee item {fee!r} does not exist in the community of room {room}: choose one from "
                             "the fee items."),
    "charge.not_one_off": ("收费项目 {name}（{fee}）由出账按“{basis}”计费，不能作为临时收费：请选择临时收费项目。",
                           "Fee item {name} ({fee}) is billed by the bill run ({basis}), not as a one-off charge: "
                           "choose a one-off fee item."),
    "charge.amount_not_positive": ("金额 {amount:yuan} 元必须大于 0。", "The amount {amount:yuan} must be greater than 0."),
    "charge.note_required": ("请填写收费说明：这笔临时收费是做什么的。", "Enter a note: what the charge is for."),

    # voids
    "void.reason_required": ("请填写作废原因。", "Enter why the receipt is voided."),
    "void.receipt_not_found": ("收据 {receipt} 不存在：请核对收据号。", "Receipt {receipt} does not exist: check the number."),
    "void.already_void": ("收据 {receipt} 已经作废（可能刚被其他操作作废）：请刷新收据列表。",
                          "Receipt {receipt} is already void (perhaps just now, elsewhere): refresh the receipts list."),
    "void.shift_closed": ("收据 {receipt} 所在班次已交班，不能作废：请走退款流程。",
                          "Receipt {receipt} belongs to a closed shift and cannot be voided: it needs a refund."),
    "void.other_terminal": ("收据 {receipt} 是收银台 {terminal} 开的：请在那台收银台作废。",
                            "Receipt {receipt} was issued at terminal {terminal}: void it there."),
    "void.not_your_shift": ("收据 {receipt} 是 {cashier} 的班次收取的：收银员只能作废自己班次的收据，请联系主管作废。",
                            "Receipt {receipt} was taken in {cashier}'s shift: a cashier may void only receipts "
                            "of her own shift; ask a supervisor to void it."),
    "void.prepaid_spent": ("预存余额只剩 {balance:yuan} 元，这笔充值 {amount:yuan} 元已部分被使用，不能作废（收据 {receipt}）："
                           "请走退款流程。",
                           "The prepaid balance is {balance:yuan}: part of this top-up of {amount:yuan} was already "
                           "used, so receipt {receipt} cannot be voided; it needs a refund."),

    # shifts and the drawer count
    "shift.not_open": ("未开班（{user}，收银台 {terminal}）：请先按 F11 开班。",
                       "No open shift for {user} on terminal {terminal}: open one first (F11)."),
    "shift.already_open": ("{user} 在收银台 {terminal} 已有未交班的班次：请先交班。",
                           "{user} already has an open shift on terminal {terminal}: close it first."),
    "shift.float_negative": ("备用金不能是负数。", "The float may not be negative."),
    "shift.not_found": ("班次 {shift} 不存在。", "Shift {shift} does not exist."),
    "count.syntax": ("现金清点“{part}”：请写成 面额=张数，例如 100=3。",
                     "Cash count {part!r}: write DENOMINATION=COUNT, e.g. 100=3."),
    "count.bad_denomination": ("现金清点“{part}”：{denomination} 不是面额（可用：{choices:list}）。",
                               "Cash count {part!r}: {denomination} is not a denomination (use {choices:list})."),
    "count.bad_number": ("现金清点“{part}”：张数必须是 0 到 {max} 的整数（半角数字）。",
                         "Cash count {part!r}: the count must be a whole number from 0 to {max} (ASCII digits)."),
    "count.twice": ("现金清点：面额 {denomination} 填了两次。", "Cash count: denomination {denomination} given twice."),
    "count.bad_row": ("现金清点：面额 {denomination} 的张数 {count} 不对（0 到 {max}）。",
                      "Cash count: {count} is not a count for denomination {denomination} (0 to {max})."),

    # the command line of the counter
    "cli.tender_required": ("请至少给出一种支付方式（--tender，例如 cash=100）。",
                            "At least one --tender is required (e.g. cash=100)."),
}
