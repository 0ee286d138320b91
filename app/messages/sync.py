"""Messages of central sync (docs/sync.md)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "sync.unknown_event_type": ("无法识别的同步事件类型“{event_type}”：请升级本程序后再同步。",
                                "Unknown sync event type {event_type!r}: upgrade this program, then sync again."),
    "sync.unknown_event_version": ("同步事件“{event_type}”的版本 {version} 无法识别：请升级本程序后再同步。",
                                   "Sync event {event_type!r} has unknown version {version}: upgrade this program, "
                                   "then sync again."),
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
    "perm.exceptions": ("处理业务异常", "resolve business exceptions"),
    "perm.terminals": ("管理收银台（登记、停用）", "manage counters (register, revoke)"),
    # --- end of the central service block ---
}
