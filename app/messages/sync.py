"""Messages of central sync (docs/sync.md)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sync.unknown_event_type": ("无法识别的同步事件类型“{event_type}”：请升级本程序后再同步。",
                                "Unknown sync event type {event_type!r}: upgrade this program, then sync again."),
    # counter side (app/services/sync, drivers/central): join, push, pull, the link's state
    "sync.central_owns": ("本机已接入总部：主数据导入和出账请在总部执行。",
                          "This counter is joined to central: run imports and bill runs at central."),
    "sync.not_joined": ("本机尚未接入总部：请由管理员先接入总部。",
                        "This counter is not joined to a central server: join it first."),
    "sync.join_needs_central": ("接入总部需要总部地址和令牌。", "Joining needs the central URL and the token (--central, --token)."),
    "sync.link_missing": ("本机已接入总部，但连接设置（{path}）丢失：请由管理员重新接入总部。",
                          "This counter was joined but its link settings ({path}) are missing: join again."),
    "sync.already_joined": ("本机已接入另一个总部（{central}）：不能再接入 {new}。",
                            "This counter is already joined to {central}: it cannot join {new}."),
    "sync.wrong_terminal": ("此令牌属于收银机 {theirs}，本机是 {ours}：请核对令牌。",
                            "This token belongs to terminal {theirs}, this counter is {ours}: check the token."),
    "sync.bad_central_url": ("总部地址“{url}”无效：应形如 http://主机:端口。",
                             "Central URL {url!r} is not valid: use http://HOST:PORT."),
    "sync.bad_token": ("令牌为空或含有空白字符：请照总部给出的令牌原样输入。",
                       "The token is empty or contains blanks: type it exactly as central printed it."),
    "sync.unreachable": ("连不上总部（{detail}）：本机离线继续收费，稍后自动重试。",
                         "Central cannot be reached ({detail}): the counter keeps working offline and retries later."),
    "sync.server_error": ("总部暂时出错（HTTP {status}）：稍后自动重试。",
                          "Central failed (HTTP {status}): retrying later."),
    "sync.bad_reply": ("总部的答复无法识别（{detail}）：稍后自动重试。",
                       "Central's reply is not understood ({detail}): retrying later."),
    "sync.token_refused": ("总部拒绝了本机的令牌（HTTP {status}）：请向总部索取新令牌后重新接入。",
                           "Central refused this counter's token (HTTP {status}): get a new token and join again."),
    "sync.community_refused": ("总部不允许本机访问该小区（HTTP {status}）：请总部检查本机的授权小区。",
                               "Central refused access to that community (HTTP {status}): ask central to check "
                               "this terminal's communities."),
    "sync.request_rejected": ("总部拒收本机的请求（HTTP {status}：{detail}）：请联系系统管理员。",
                              "Central rejected the request (HTTP {status}: {detail}): call your system "
                              "administrator."),
    "sync.push_stalled": ("总部没有确认收到任何事件（已确认到第 {stored_seq} 号，本批从第 {first} 号起）：稍后自动重试。",
                          "Central confirmed none of the events (stored up to {stored_seq}, batch starts at "
                          "{first}): retrying later."),
    "sync.conflict": ("总部已有同一编号但内容不同的事件：两份都已保留，请管理员核对。",
                      "Central already has this event id with other content: both are kept; a manager must check."),
    "sync.pull_duplicate": ("另一台收银机的事件与本机已有记录重复（{detail}）：已跳过，请管理员核对。",
                            "Another counter's event duplicates a record here ({detail}): skipped; a manager "
                            "must check."),
    "sync.local_failed": ("本机应用总部数据时出错（{detail}）：已撤回，稍后自动重试；如反复出现请联系系统管理员。",
                          "Applying central's data failed here ({detail}): rolled back, retrying later; call your "
                          "system administrator if it keeps happening."),
    "sync.rejected": ("总部无法入账：{reason}", "Central could not apply it: {reason}"),
    "sync.unknown_event_version": ("同步事件“{event_type}”的版本 {version} 无法识别：请升级本程序后再同步。",
                                   "Sync event {event_type!r} has unknown version {version}: upgrade this program, "
                                   "then sync again."),
    # --- counter events and their appliers (app/sync_events.py, app/sync_apply/) ---
    "sync.payload_incomplete": ("同步事件“{event_type}”缺少内容（{field}），无法入账：已留待管理员核查。",
                                "Sync event {event_type!r} lacks {field}: it cannot be applied and is kept for "
                                "review."),
    "sync.unknown_room": ("房号 {room} 在本库中不存在：请先同步总部资料，此笔已留待核查。",
                          "Room {room} does not exist in this database: sync master data from central first; "
                          "the event is kept for review."),
    "sync.unknown_user": ("操作员“{user}”在本库中不存在：请在总部添加该用户，此笔已留待核查。",
                          "User {user!r} does not exist in this database: add the user at central; the event is "
                          "kept for review."),
    "sync.unknown_line": ("房号 {room} 的账单行 {line} 在本库中不存在：请先同步总部账单，此笔已留待核查。",
                          "Bill line {line} of room {room} does not exist in this database: sync the bills from "
                          "central first; the event is kept for review."),
    "sync.line_exists": ("房号 {room} 的临时收费账单行 {line} 已存在，不能重复入账：此笔已留待核查。",
                         "One-off bill line {line} of room {room} already exists and cannot be created twice; "
                         "the event is kept for review."),
    "sync.unknown_fee_item": ("房号 {room} 的收费项目 {fee} 在本库中不存在：请先同步总部资料，此笔已留待核查。",
                              "Fee item {fee} (room {room}) does not exist in this database: sync master data "
                              "from central first; the event is kept for review."),
    "sync.unknown_receipt": ("收据 {receipt} 在本库中不存在，无法作废：此笔已留待核查。",
                             "Receipt {receipt} does not exist in this database and cannot be voided; the event "
                             "is kept for review."),
    "sync.receipt_taken": ("收据号 {receipt}（收银台 {terminal}）已被另一笔收款使用：请核对两台收银台的编号，此笔已留待核查。",
                           "Receipt number {receipt} (terminal {terminal}) is already used by another payment: "
                           "check the two terminals' codes; the event is kept for review."),
    "sync.ids_clash": ("同步事件“{event_type}”的编号与本库已有记录冲突，无法入账：已留待管理员核查（{detail}）。",
                       "Sync event {event_type!r} clashes with rows already in this database and cannot be "
                       "applied; it is kept for review ({detail})."),
    "sync.terminal_mismatch": ("收银台 {origin} 上传的事件写的是收银台 {terminal}：每台收银台只能上传自己的记录，此笔已留待核查。",
                               "An event from terminal {origin} claims terminal {terminal}: a terminal may only send "
                               "its own records; the event is kept for review."),
    "sync.unknown_payment_kind": ("无法识别的收款类型“{kind}”：请升级本程序后再同步。",
                                  "Unknown payment kind {kind!r}: upgrade this program, then sync again."),
    "sync.exception.double_payment": ("重复缴费：房号 {room} 的账单已由另一台收银台收过，本笔 {amount:yuan} 元已转入预存（收据 {receipt_no}）。",
                                      "Double payment: room {room}'s bills were already paid at another counter; "
                                      "{amount:yuan} of receipt {receipt_no} went to its prepaid balance."),
    "sync.exception.late_event": ("迟到入账：收据 {receipt_no}（房号 {room}，{amount:yuan} 元）在班次或营业日关闭后才同步到达（{reason}）。",
                                  "Late event: receipt {receipt_no} (room {room}, {amount:yuan}) arrived after its "
                                  "shift or business day was closed ({reason})."),
    "sync.exception.prepaid_negative": ("预存透支：房号 {room} 的预存余额为 {amount:yuan} 元（收据 {receipt_no} 在另一台收银台抵扣了本库未到账的预存）。",
                                        "Prepaid overdrawn: room {room}'s prepaid balance is {amount:yuan} (receipt "
                                        "{receipt_no} spent prepaid this database had not received)."),
    "sync.late_reason.shift_closed": ("班次已关闭", "shift closed"),
    "sync.late_reason.day_closed": ("营业日已日结", "business day closed"),
    # --- central service (app/central, C2) ---
    "sync.token_missing": ("请求没有带同步令牌：请在本机的同步设置中填写总部发放的令牌。",
                           "The request carries no sync token: enter the token central issued in this counter's sync "
                           "settings."),
    "sync.token_unknown": ("同步令牌无效：请向总部管理员索取本收银台的新令牌后重新连接。",
                           "Unknown sync token: ask central's administrator for this counter's new token and join "
                           "again."),
    "sync.token_revoked": ("收银台“{terminal}”已被总部停用：请联系总部管理员。",
                           "Counter {terminal!r} was revoked at central: contact central's administrator."),
    "sync.other_community": ("收银台“{terminal}”无权同步小区“{community}”：请让总部管理员为本收银台授权该小区。",
                             "Counter {terminal!r} may not sync community {community!r}: ask central's administrator "
                             "to grant it."),
    "sync.wrong_terminal": ("上传的收银台编号“{terminal}”与令牌所属的“{token_terminal}”不符：请检查本机编号后重新连接。",
                            "The batch names counter {terminal!r} but the token belongs to {token_terminal!r}: check "
                            "this counter's code and join again."),
    "sync.bad_json": ("收到的数据不是有效的 JSON：请重试；仍然出错请联系技术支持。",
                      "The request body is not valid JSON: retry; if it keeps failing, call support."),
    "sync.bad_request": ("请求的“{field}”缺失或格式不对：请升级本程序后重试。",
                         "The request's {field} is missing or malformed: upgrade this program and retry."),
    "sync.bad_paging": ("分页参数不对（每页 1 到 {max} 条）：请升级本程序后重试。",
                        "Bad paging parameters (1 to {max} per page): upgrade this program and retry."),
    "sync.body_too_large": ("上传的数据太大（上限 {max} 字节）：请分批上传。",
                            "The request body is too large (limit {max} bytes): send smaller batches."),
    "sync.batch_too_large": ("一批上传了 {count} 条事件，上限 {max} 条：请分批上传。",
                             "The batch holds {count} events, at most {max} are taken: send smaller batches."),
    "sync.unknown_table": ("总部不提供“{table}”的数据：请升级本程序后重试。",
                           "Central does not serve {table!r}: upgrade this program and retry."),
    "sync.no_such_endpoint": ("总部没有这个接口：请检查总部地址，或升级本程序。",
                              "Central has no such endpoint: check the central address or upgrade this program."),
    "sync.method_not_allowed": ("总部不接受这种请求方式：请升级本程序。",
                                "Central does not accept this request method: upgrade this program."),
    "sync.http_error": ("总部返回错误 {status}：请稍后重试。", "Central answered with error {status}: retry later."),
    "sync.internal": ("总部处理出错（{error}）：数据未保存，本机会自动重试；持续出错请联系技术支持。",
                      "Central failed ({error}): nothing was stored, this counter retries by itself; if it keeps "
                      "failing, call support."),
    "sync.apply_failed": ("总部无法入账这条记录（{error}：{detail}）：已留待主管处理。",
                          "Central could not apply this record ({error}: {detail}): kept for a manager to review."),
    "sync.conflict": ("同一编号的记录内容不同：两份都已保留，请主管在异常列表中核对。",
                      "A record with the same id but other content: both are kept; a manager checks it in the "
                      "exception list."),
    "sync.central_needs_postgres": ("总部服务需要 PostgreSQL 数据库（当前是 {dialect}）：请连接总部的 PostgreSQL 数据库。",
                                    "The central service needs a PostgreSQL database (this is {dialect}): connect to "
                                    "central's PostgreSQL database."),
    "sync.bad_listen": ("监听地址“{listen}”不对：请写成 主机:端口，例如 0.0.0.0:8765。",
                        "Bad listen address {listen!r}: write HOST:PORT, e.g. 0.0.0.0:8765."),
    "sync.terminal_code_required": ("请填写收银台编号。", "Give the counter's code."),
    "sync.community_required": ("请至少填写一个小区。", "Name at least one community."),
    "sync.unknown_community": ("没有这些小区：{names:list}：请检查小区名称。",
                               "No such communities: {names:list}: check the names."),
    "sync.unknown_terminal": ("没有编号为“{terminal}”的收银台：请检查编号。",
                              "No counter with code {terminal!r}: check the code."),
    "sync.note_required": ("请填写处理说明。", "Write a note saying how it was handled."),
    "sync.unknown_exception": ("没有编号为“{id}”的异常：请在异常列表中核对编号。",
                               "No exception with id {id!r}: check the id in the exception list."),
    "sync.exception_already_resolved": ("异常“{id}”已由 {by} 处理过，不能再次处理。",
                                        "Exception {id!r} was already resolved by {by}; it cannot be resolved again."),
    "exceptions.kind.double_payment": ("重复缴费转预存", "double payment turned into credit"),
    "exceptions.kind.late_event": ("已结班/日结后到达", "arrived after its shift or day was closed"),
    "exceptions.kind.sync_conflict": ("同步冲突（同号不同内容）", "sync conflict (same id, other content)"),
    "exceptions.kind.rejected_event": ("总部拒收的收银记录", "counter event central refused"),
    "exceptions.kind.sync_pull_rejected": ("本机无法应用的总部记录", "central record this counter could not apply"),
    "exceptions.kind.prepaid_negative": ("预存余额为负", "prepaid balance below zero"),
    "exceptions.late.shift_closed": ("票据 {receipt}（{terminal}）到达时该班已结", "receipt {receipt} ({terminal}) arrived after its shift was closed"),
    "exceptions.late.day_closed": ("票据 {receipt}（{terminal}）到达时该日已日结", "receipt {receipt} ({terminal}) arrived after its day was closed"),
    "perm.exceptions": ("处理业务异常", "resolve business exceptions"),
    "perm.terminals": ("管理收银台（登记、停用）", "manage counters (register, revoke)"),
    # --- end of the central service block ---
}
