"""The plan of the demo's payment history: every random draw, made up front room by room in a
deterministic order (who pays which periods in which visit, when, with what tender), so the
writing part (app.demo.history) can stream the bill lines once and pay each visit as it is read."""

from __future__ import annotations

import json
from bisect import bisect_right
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from app.domain.periods import due_date
from app.money import parse_rate

CATEGORIES = ("regular", "behind", "full", "chronic", "never")
CATEGORY_CUM = (0.75, 0.85, 0.93, 0.98)
METHODS = ("wechat", "alipay", "cash", "pos", "transfer")
METHOD_CUM = (0.40, 0.65, 0.80, 0.92)
VOID_REASONS = ("收款方式选错", "金额录入错误", "业主要求重开", "房号选错")


class _Planner:
    """Mixed into history._History, which provides rng, periods, today, k_of, counts,
    ymd and query()."""

    @staticmethod
    def _date(v: Any) -> date | None:
        return date.fromisoformat(v) if isinstance(v, str) else v

    # ---------------------------------------------------------------- plan

    def load(self) -> None:
        self.fee: dict[str, tuple] = {}  # fee item id -> (code, (rate, grace, cap) or None, rounding, id)
        due_days = []
        for fid, code, cfg, rounding, due_day in self.query("SELECT id, code, late_fee, rounding, due_day FROM fee_item"):
            cfg = json.loads(cfg) if isinstance(cfg, str) else cfg
            if cfg:  # read as bills._late reads it
                cfg = (parse_rate(str(cfg.get("daily_rate", "0"))), int(cfg.get("grace_days", 0)),
                       Decimal(str(cfg.get("cap_ratio", "1"))))
            self.fee[fid] = (code, cfg or None, rounding, fid, due_day)
            due_days.append(due_day)
        due_day = min(due_days, default=15)
        self.due = [due_date(p, due_day) for p in self.periods]  # when a group's last period falls due
        comm = dict(self.query("SELECT id, name FROM community"))
        payer: dict[str, str] = {}
        # payments.payer_name: the current occupant first by role (owner before tenant)
        for room_id, name in self.query("SELECT o.room_id, p.name FROM occupancy o JOIN party p ON p.id = o.party_id "
                                        "WHERE o.end_date IS NULL ORDER BY o.role DESC"):
            payer[room_id] = name
        rooms = self.query("SELECT id, community_id, room_key, usage, charge_start FROM room")
        rooms.sort(key=lambda r: (comm[r[1]], r[2]))
        self.rooms = [(r[0], r[1], r[3], self._date(r[4]), payer.get(r[0])) for r in rooms]

    def plan(self) -> None:
        """Every random draw, room by room in a deterministic order: which periods each room
        paid in which visits, when, and with what tender. Sets `cover` (room id -> per period,
        the line list of the visit paying it) and `ends` (period index -> visits ending there)."""
        rng, periods, n = self.rng, self.periods, len(self.periods)
        rnd = rng.random
        yesterday = self.today - timedelta(days=1)
        after = [p.last_day + timedelta(days=1) for p in periods]  # bills are out the day after
        ws, we = periods[0].first_day, periods[-1].last_day
        self.cover: dict[str, list] = {}
        self.ends: list[list[tuple[int, dict]]] = [[] for _ in periods]
        self.extra: list[tuple[int, dict]] = []  # top-ups and deposits: no lines
        for idx, (room_id, _cid, usage, cs, payer) in enumerate(self.rooms):
            first = 0
            if cs is not None and cs > ws:
                if cs > we:
                    self.counts["room_not_handed_over"] += 1
                    continue  # not handed over: no lines
                first = self.k_of[f"{cs.year:04d}-{cs.month:02d}"]
            cat = CATEGORIES[bisect_right(CATEGORY_CUM, rng.random())]
            self.counts[f"room_{cat}"] += 1
            last = {"regular": n - 2, "behind": n - 3, "full": n - 1, "chronic": n - 7 - int(rnd() * 7),
                    "never": -1}[cat]
            cover: list = [None] * n
            prev = None
            k = first
            while k <= last:
                end = min(last, k + (3, 3, 3, 2, 1)[int(rnd() * 5)] - 1)
                day = min(self.due[end] - timedelta(days=1 + int(rnd() * 12)), yesterday)
                if day >= after[end]:  # else the bills of its last period are not out yet
                    v = prev = self._visit("bills", day, (k, end), payer)
                    v["lines"] = []
                    for j in range(k, end + 1):
                        cover[j] = v["lines"]
                    self.ends[end].append((idx, v))
                k = end + 1
            self.cover[room_id] = cover
            if prev and payer and cat in ("regular", "behind", "full") and rnd() < 0.035:
                amount = (50_000, 100_000, 100_000, 200_000, 300_000)[int(rnd() * 5)]
                self.extra.append((idx, self._visit("prepay", prev["day"], amount, payer, note="预存", after=prev)))
            if rnd() < 0.02 and payer:
                purpose, amount = self._deposit(usage)
                lo = max(ws, cs or ws)
                span = (yesterday - lo).days
                if span >= 0:
                    day = lo + timedelta(days=int(rnd() * (1 + (min(span, 30) if cs and cs >= ws else span))))
                    self.extra.append((idx, self._visit("deposit", day, amount, payer, note=purpose)))

    def _deposit(self, usage: str) -> tuple[str, int]:
        rng = self.rng
        if usage == "parking":
            return "车位遥控器押金", 20_000
        if usage == "shop":
            return "装修押金", (500_000, 1_000_000)[int(rng.random() * 2)]
        if rng.random() < 0.8:
            return "装修押金", (200_000, 300_000, 300_000, 500_000)[int(rng.random() * 4)]
        return "门禁卡押金", 5_000

    def _visit(self, kind: str, day: date, what: Any, payer: str | None, note: str | None = None,
               after: dict | None = None) -> dict:
        rnd = self.rng.random
        secs = after["secs"] + 60 + int(rnd() * 240) if after else 8 * 3600 + 1800 + int(rnd() * 9 * 3600)
        v = {"kind": kind, "day": day, "what": what, "secs": secs, "note": note, "tender": self._tender(day, secs)}
        if kind == "bills" and rnd() < 0.002:
            v["void"] = (VOID_REASONS[int(rnd() * len(VOID_REASONS))], self._tender(day, secs - 240))
        return v

    def _tender(self, day: date, secs: int) -> tuple:
        """(method, reference, pos batch, pos voucher, cash note in fen)."""
        rng = self.rng
        method = METHODS[bisect_right(METHOD_CUM, rng.random())]
        digits = f"{rng.getrandbits(64) % 10 ** 16:016d}"
        ymd = self.ymd.get(day)
        if ymd is None:
            ymd = self.ymd[day] = f"{day:%Y%m%d}"
        if method == "wechat":  # 交易单号: 4200 + 6 + yyyymmdd + 10
            return method, f"4200{digits[:6]}{ymd}{digits[6:]}", None, None, 0
        if method == "alipay":  # trade_no: yyyymmdd + 4 + 16
            return method, f"{ymd}2200{digits}", None, None, 0
        if method == "cash":
            return method, None, None, None, (1000, 5000, 10_000, 10_000)[int(rng.random() * 4)]
        if method == "pos":  # 参考号 hhmmss + 6, batch of the day, voucher
            return (method, f"{secs // 3600:02d}{secs // 60 % 60:02d}{secs % 60:02d}{digits[:6]}",
                    f"{day.toordinal() % 1000:06d}", digits[6:12], 0)
        return method, f"{ymd}{digits[:10]}", None, None, 0

