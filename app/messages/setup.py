"""First-run set-up (ui/wizard): the Chinese says what to do on the wizard's page."""

MESSAGES: dict[str, tuple[str, str]] = {
    "setup.already_done": ("本机已设置过（已有用户或收银台）：请直接登录；更改请到“设置”菜单。",
                           "This counter is already set up (it has users or a terminal): log in; change settings "
                           "in the Settings menu."),
    "setup.password_short": ("管理员密码至少 {min} 位：请重新输入。",
                             "The admin password needs at least {min} characters: type it again."),
    "setup.password_default": ("管理员密码不能用“admin”：请换一个。",
                               "The admin password cannot be 'admin': choose another."),
    "setup.password_mismatch": ("两次输入的密码不一致：请重新输入。",
                                "The two passwords differ: type them again."),
    "setup.not_joined": ("还没有接入总部：请点“接入并同步”，完成后再继续。",
                         "Not joined to central yet: press 'Join and pull', then continue."),
    "setup.field.terminal": ("收银台编号", "terminal code"),
    "setup.field.handheld_dock": ("抄表机座", "handheld dock"),
}
