"""Pure billing calculations: periods, tiers, proration, apportionment, late fees.

Nothing here touches a database, Qt or a file; every function takes plain values and returns
plain values, so the bill run, the counter and the tests all share one definition of each
rule (billing-rules.md, "Calculation"). Amounts are computed exactly in Decimal and turned
into integer fen once per line by `app.money.round_yuan_to_fen`.
"""
