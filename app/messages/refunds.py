"""Messages of refunds (退款) and deposit returns (押金退还). The Chinese says what to do in
the window."""

MESSAGES: dict[str, tuple[str, str]] = {
    # approval
    "refund.approver_required": ("退款须经主管批准：请填写批准人（主管本人操作时填写自己的用户名）。",
                                 "A refund needs a manager's approval: name the approver (a manager acting alone "
                                 "names herself)."),
    "refund.self_approval_not_allowed": ("{user} 不能批准自己的退款：请让主管在批准窗口输入其用户名和密码。",
                                         "{user} cannot approve their own refund: ask a manager to enter their "
                                         "name and password in the approval window."),
    # which payment
    "refund.receipt_required": ("请输入要退款的收据号，例如 T1-20261220-0001。",
                                "Enter the receipt number to refund, e.g. T1-20261220-0001."),
    "refund.receipt_not_found": ("收据 {receipt} 不存在：请在收据列表中核对收据号。",
                                 "Receipt {receipt} does not exist: check the number in the receipts list."),
    "refund.is_refund": ("{receipt} 是一张退款单，不能再退款。", "{receipt} is a refund slip; it cannot be refunded."),
    "refund.use_deposit_refund": ("{receipt} 是押金收据：请在“收银 → 退押金”中办理押金退还。",
                                  "{receipt} is a deposit receipt: return the deposit with Counter → Return deposit."),
    "refund.kind_not_refundable": ("收据 {receipt}（{kind}）不能退款。", "Receipt {receipt} ({kind}) cannot be refunded."),
    "refund.voided": ("收据 {receipt} 已作废，款项已冲回，不能再退款。",
                      "Receipt {receipt} was voided (the money was reversed); it cannot be refunded."),
    # what and how much
    "refund.bad_route": ("退款方式“{route}”无效：请选择 {routes:list}。", "Unknown refund route {route!r}: choose {routes:list}."),
    "refund.reason_required": ("请填写退款原因。", "Enter the reason for the refund."),
    "refund.lines_or_amount": ("请按账单或按金额退款，二者选一。", "Refund either by lines or by an amount, not both."),
    "refund.nothing_left": ("收据 {receipt} 的 {total:yuan} 元已全部退款，没有可退金额。",
                            "Receipt {receipt} ({total:yuan}) has been refunded in full; nothing is left to refund."),
    "refund.prepay_has_no_lines": ("收据 {receipt} 是预存收据，没有账单：请按金额退款。",
                                   "Receipt {receipt} is a prepaid top-up with no bill lines: refund an amount."),
    "refund.prepay_to_prepaid": ("预存款不能退回预存：请选择原路退回或现金退款。",
                                 "A top-up cannot be refunded to prepaid: choose the original route or cash."),
    "refund.prepaid_spent": ("房间预存余额只有 {balance:yuan} 元，不够退 {amount:yuan} 元（已抵扣部分不能退）：请减少退款金额。",
                             "The room's prepaid balance is only {balance:yuan}, less than {amount:yuan} (what was "
                             "spent cannot be refunded): lower the amount."),
    "refund.line_not_in_payment": ("账单 {line} 不是收据 {receipt} 收取的。", "Line {line} was not paid by receipt {receipt}."),
    "refund.line_already_refunded": ("账单 {line} 已经全部退款。", "Line {line} has already been refunded in full."),
    "refund.bad_lines": ("收据 {receipt} 的这些账单不能退款，没有退款：",
                         "These lines of receipt {receipt} cannot be refunded; nothing was refunded:"),
    "refund.amount_not_positive": ("退款金额须大于 0。", "The refund amount must be more than 0."),
    "refund.too_much": ("收据 {receipt} 最多还可退 {left:yuan} 元，不能退 {amount:yuan} 元：请减少退款金额。",
                        "At most {left:yuan} of receipt {receipt} can still be refunded, not {amount:yuan}: lower "
                        "the amount."),
    "refund.no_gateway_order": ("收据 {receipt} 的{method}款项不是扫码收取的（没有支付订单），不能原路退回：请选择现金退款。",
                                "The {method} part of receipt {receipt} was not taken by a scanned code (no "
                                "gateway order), so it cannot go back the original way: choose cash."),
    "refund.pos_reference_required": ("银行卡原路退款：请先在 POS 机上做退货，再输入退货签购单上的12位参考号。",
                                      "Card refund: do the refund on the POS terminal first, then enter the "
                                      "12-digit reference on its slip."),
    "refund.pos_reference_bad": ("参考号“{reference}”不对：请输入退货签购单上的12位数字参考号。",
                                 "Reference {reference!r} is wrong: enter the 12-digit reference on the refund slip."),
    "refund.original_exhausted": ("收据 {receipt} 的原支付方式只剩 {left:yuan} 元可退（其余已用其他方式退过）：请选择现金退款或减少金额。",
                                  "Only {left:yuan} of receipt {receipt} can still go back the original way (the "
                                  "rest was refunded another way): choose cash or lower the amount."),
    "refund.two_gateways": ("收据 {receipt} 有两笔扫码支付，请分两次退款。",
                            "Receipt {receipt} has two scanned-code payments: refund them one at a time."),
    "refund.cash_needs_shift": ("现金退款要从钱箱付出：请先按 F11 开班。",
                                "A cash refund comes out of the drawer: open a shift first (F11)."),
    # gateway refunds
    "refund.order_not_found": ("退款订单 {out_refund_no} 不存在。", "Refund order {out_refund_no} does not exist."),
    "refund.gateway_declined": ("{gateway}拒绝退款（{reason}），没有退款：请核对后改用现金退款或联系商户平台。",
                                "{gateway} refused the refund ({reason}); nothing was refunded: check, then refund "
                                "in cash or contact the merchant platform."),
    "refund.unconfirmed": ("{gateway}退款结果未知（退款订单 {out_refund_no}，{amount:yuan} 元）：不要重复退款，请主管稍后查询该退款订单。",
                           "{gateway} has not confirmed the refund (order {out_refund_no}, {amount:yuan}): do NOT "
                           "refund again; query the refund order later."),
    "refund.plan_changed": ("收据在退款过程中被修改（退款单号 {out_refund_no}）。",
                            "The receipt changed during the refund (order {out_refund_no})."),
    "refund.already_settled": ("退款订单 {out_refund_no} 已处理过。", "Refund order {out_refund_no} was already settled."),
    "refund.gateway_not_recorded": ("平台已退款但未能入账（退款单号 {out_refund_no}：{reason}）：请主管在退款订单中处理，不要重复退款。",
                                    "The gateway refunded but the refund could not be recorded (order "
                                    "{out_refund_no}: {reason}): a manager must settle it; do NOT refund again."),
    # deposits
    "refund.deposit_not_found": ("押金 {deposit} 不存在：请在押金列表中核对。", "Deposit {deposit} does not exist: check the deposits list."),
    "refund.deposit_returned": ("押金 {deposit} 已经退还过。", "Deposit {deposit} has already been returned."),
    "refund.deposit_voided": ("押金 {deposit} 的收据已作废，不能退还。", "Deposit {deposit}'s receipt was voided; it cannot be returned."),
    "refund.deposit_bad_tender": ("押金不能用“{tender}”退还：请选择 {tenders:list}。",
                                  "A deposit cannot be paid out by {tender!r}: choose {tenders:list}."),
    "refund.deduct_negative": ("扣除金额不能为负数。", "The deduction cannot be negative."),
    "refund.deduct_too_much": ("扣除 {deduct:yuan} 元超过押金 {amount:yuan} 元。",
                               "The deduction {deduct:yuan} is more than the deposit {amount:yuan}."),
    "refund.deduct_note_required": ("扣除押金须注明原因（例如 损坏门禁卡）。",
                                    "A deduction needs a note saying why (e.g. damaged access card)."),
    "refund.no_void": ("收据 {receipt} 已有退款（或本身是退款单），不能作废：如需更正请再办理退款。",
                       "Receipt {receipt} has refunds (or is a refund slip) and cannot be voided: correct it "
                       "with a refund."),
    # command line and sync
    "refund.deposit_needs_room_purpose": ("收押金须填写房号和押金用途（--room、--purpose）。",
                                          "Collecting a deposit needs --room and --purpose."),
    "refund.deposit_id_required": ("请填写要退还的押金编号（押金列表中可查）。",
                                   "Give the id of the deposit to return (see the deposits list)."),
    "refund.approver_password_required": ("请输入批准人 {user} 的密码。", "Enter the password of approver {user}."),
    "refund.sync_unknown_original": ("退款 {refund_no} 对应的原收款不在本库。",
                                     "Refund {refund_no}: its original payment is not in this database."),
    "refund.sync_unknown_deposit": ("押金退还 {refund_no} 对应的押金不在本库。",
                                    "Deposit return {refund_no}: the deposit is not in this database."),
    "refund.sync_receipt_taken": ("退款单号 {receipt} 在本库已被占用。", "Refund slip number {receipt} is taken in this database."),
}
