"""Sign-in, passwords, lockout, roles (docs/permissions.md)."""

MESSAGES: dict[str, tuple[str, str]] = {
    "security.password_required": (
        "此操作会修改数据，需要用户“{user}”的密码：请先登录。",
        "This command changes data and needs the password of user {user!r}: set PROPDESK_PASSWORD, give "
        "--password-stdin before the command, or run `propdesk login` first."),
    "security.stdin_empty": ("没有读到密码：请输入密码后再试。",
                             "--password-stdin: standard input has no password on its first line."),
    "security.init_needs_password": (
        "新建数据库需要设定管理员 admin 的密码：请输入新密码。",
        "A new database needs the first admin's password: set PROPDESK_PASSWORD (or give --password-stdin); "
        "only `init --demo` makes admin/admin."),
    "security.locked": ("用户“{user}”已被锁定：请主管在用户管理中解锁。",
                        "User {user!r} is locked after too many wrong passwords: ask a manager to unlock it "
                        "(user unlock {user})."),
    "security.locked_now": ("密码连续错误 {failures} 次，用户“{user}”已被锁定：请主管解锁。",
                            "{failures} wrong passwords in a row: user {user!r} is now locked; ask a manager to "
                            "unlock it."),
    "security.password_too_short": ("密码太短：至少 {min} 个字符。", "The password is too short: at least {min} characters."),
    "security.password_bad_chars": ("密码不能以空格开头或结尾，也不能含控制字符：请重新输入。",
                                    "A password may not start or end with a space or hold control characters."),
    "security.password_same": ("新密码不能与旧密码相同：请换一个。", "The new password must differ from the old one."),
    "security.new_password_required": ("请为“{user}”输入新密码。",
                                       "No new password for {user!r}: set PROPDESK_NEW_PASSWORD or give it on the "
                                       "second line of --password-stdin."),
    "security.new_password_mismatch": ("两次输入的新密码不一致：请重新输入。", "The two new passwords differ: type them again."),
    "security.passwords_differ": ("两次输入的新密码不一致：请重新输入。", "The two new passwords differ: type them again."),
    "security.not_over": ("“{user}”无权重置或解锁“{target}”：请由系统管理员操作。",
                          "{user!r} may not reset or unlock {target!r}: ask an administrator."),
    "security.bad_username": ("用户名“{value}”不可用：不能为空、不能含空格，最多 40 个字符。",
                              "User name {value!r} cannot be used: not empty, no spaces, at most 40 characters."),
    "security.bad_role": ("没有角色“{value}”：{roles}。", "There is no role {value!r}: {roles}."),
    "security.role_list": ("可选角色 {roles}", "roles are {roles}"),
    "security.user_exists": ("用户“{user}”已存在：请换一个用户名。", "User {user!r} exists already: choose another name."),
    "security.user_name_needed": ("请填写用户名。", "`user {action}` needs the user's name."),
    "security.role_needed": ("请选择角色。", "`user add` needs --role."),
    "security.approval_needed": ("{action}需要主管审批：请主管输入用户名和密码。",
                                 "{action} needs a supervisor's approval: name the approver (--approver USER) and "
                                 "give their password (PROPDESK_APPROVER_PASSWORD or the prompt)."),
    "security.approver_self": ("审批人不能是操作人本人：请另一位主管审批。",
                               "The approver must be someone other than the acting user."),
    "security.idle_locked": ("已锁屏：请输入“{user}”的密码继续，或切换用户。",
                             "Locked after idle minutes: type {user!r}'s password to go on, or switch user."),
    "perm.void_late": ("作废超时票据", "void receipts after the void window"),
    "perm.void_others": ("作废他人票据", "void another cashier's receipts"),
    "perm.users": ("管理用户和角色", "manage users and roles"),
    "perm.user_reset": ("重置密码或解锁用户", "reset passwords or unlock users"),
}
