"""Users, roles, permissions and logging in."""

MESSAGES: dict[str, tuple[str, str]] = {
    "users.no_such_user": ("用户“{user}”不存在或已停用：请用已有的用户登录，或请主管在用户管理中添加。",
                           "User {user!r} does not exist or is disabled: log in as an existing user, or ask a "
                           "manager to add it."),
    "users.not_allowed": ("用户“{user}”无权{action}：请由有此权限的同事（如主管）操作。",
                          "User {user!r} may not {action}: ask a colleague with that right (e.g. a manager)."),
    "users.wrong_password": ("用户名或密码不对：请重新输入。", "Wrong user name or password: type them again."),
    "users.name_required": ("请填写用户名。", "Type your user name."),
    # What a permission lets one do, for users.not_allowed (a Msg parameter).
    "perm.pay": ("收款", "take payments"),
    "perm.prepay": ("收预存款", "take prepaid top-ups"),
    "perm.deposit": ("收押金", "collect deposits"),
    "perm.void": ("作废票据", "void receipts"),
    "perm.shift": ("开班交班", "open or close shifts"),
    "perm.receipt": ("补打票据", "reprint receipts"),
    "perm.bill_run": ("出账", "run bills"),
    "perm.waive": ("减免滞纳金", "waive late fees"),
    "perm.refund_approve": ("审批退款", "approve refunds"),
    "perm.day_close": ("日结", "close the day"),
    "perm.reports": ("查看报表", "see reports"),
    "perm.import": ("导入资料", "import data"),
    "perm.tariff": ("修改收费标准", "change tariffs"),
    "perm.readings": ("录入抄表", "enter meter readings"),
    "perm.settings": ("修改本机设置（如打印机）", "change this counter's settings (e.g. the printer)"),
}
