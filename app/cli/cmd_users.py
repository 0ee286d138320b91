"""`propdesk login` / `logout` / `user add|passwd|list|unlock` (docs/permissions.md)."""

from __future__ import annotations

import argparse
import os

from app.cli import Result, command, sign_in
from app.cli.common import in_uow
from app.config import Settings
from app.errors import InputError
from app.services import users


def _login_args(p: argparse.ArgumentParser) -> None:
    pass


@command("login", "sign in on this counter for the next commands (ends after idle minutes, or at logout)", _login_args)
def login(settings: Settings, args: argparse.Namespace) -> Result:
    password = sign_in.given_password(args) or sign_in.prompt(f"{settings.user} 的密码 password: ")
    if password is None:
        raise InputError("security.password_required", user=settings.user)
    who = sign_in.sign_in(settings, settings.user, password)
    path = sign_in.Session.start(settings, settings.user)
    minutes = sign_in._session_minutes()
    doc = {"user": who["username"], "terminal": settings.terminal, "idle_minutes": minutes,
           "must_change_password": who["must_change_password"], "session": str(path)}
    text = f"已登录 signed in: {who['username']} @ {settings.terminal}（{minutes} 分钟无操作自动退出 ends after {minutes} idle minutes）"
    if who["must_change_password"]:
        text += "\n请修改密码 change your password: propdesk user passwd " + who["username"]
    return Result(doc, text)


@command("logout", "end this counter's sign-in session", _login_args)
def logout(settings: Settings, args: argparse.Namespace) -> Result:
    ended = sign_in.Session.end(settings)
    return Result({"ended": ended}, "已退出 signed out" if ended else "未登录 no session")


def _user_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", choices=["add", "passwd", "list", "unlock"])
    p.add_argument("name", nargs="?", help="the user (add, passwd, unlock)")
    p.add_argument("--role", choices=sorted(users.ROLES), help="add: the new user's role")
    p.add_argument("--display-name", help="add: the name shown on receipts and screens")


def _new_password(args: argparse.Namespace, name: str) -> str:
    """The new password: PROPDESK_NEW_PASSWORD, the second line of --password-stdin, or typed
    twice at a prompt."""
    pw = os.environ.get("PROPDESK_NEW_PASSWORD") or sign_in.next_stdin_password(args)
    if pw:
        return pw
    first = sign_in.prompt(f"{name} 的新密码 new password: ")
    if first is None:
        raise InputError("security.new_password_required", user=name)
    if sign_in.prompt("再输入一次 again: ") != first:
        raise InputError("security.new_password_mismatch")
    return first


@command("user", "users: add NAME --role R, passwd NAME, list, unlock NAME", _user_args)
def user(settings: Settings, args: argparse.Namespace) -> Result:
    if args.action == "list":
        rows = in_uow(settings, users.list_users)
        text = "\n".join(f"{u['username']:<12} {u['role'] or '-':<8} {u['display_name']}"
                         + ("  [锁定 locked]" if u["locked"] else "") + ("  [停用 disabled]" if not u["active"] else "")
                         + ("  [须改密码 must change password]" if u["must_change_password"] else "")
                         for u in rows)
        return Result({"users": rows}, text or "（无用户 no users）")
    name = (args.name or "").strip()
    if not name:
        raise InputError("security.user_name_needed", action=args.action)
    if args.action == "add":
        if not args.role:
            raise InputError("security.role_needed")
        pw = _new_password(args, name)
        doc = in_uow(settings, lambda s: users.add_user(s, settings.user, name, args.role, pw, args.display_name))
        return Result(doc, f"已添加用户 user added: {name} ({args.role})，首次登录须改密码 must change the password at first sign-in")
    if args.action == "unlock":
        doc = in_uow(settings, lambda s: users.unlock(s, settings.user, name))
        return Result(doc, f"已解锁 unlocked: {name}")
    # passwd: one's own (the old password is the one just signed in with) or a reset
    old = None
    if name == settings.user:
        old = sign_in.given_password(args) or sign_in.prompt(f"{name} 的旧密码 old password: ")
        if old is None:
            raise InputError("security.password_required", user=name)
    pw = _new_password(args, name)
    doc = in_uow(settings, lambda s: users.set_password(s, settings.user, name, pw, old=old))
    sign_in.Session.end(settings) if name == settings.user else None  # the old session's MAC no longer holds
    text = f"密码已修改 password changed: {name}"
    if doc["must_change_password"]:
        text += "（下次登录须改密码 must change it at next sign-in）"
    return Result(doc, text)
