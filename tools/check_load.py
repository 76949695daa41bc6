# Run by `make test-load` through `odoo shell` (which provides `env`) after Odoo ran with
# several workers (tools/load_test.py): what must hold whatever the interleaving of the
# clients and the crons. Prints one line per problem; exits 1 when there is one.
# ruff: noqa: F821
import sys

problems = []

# Every card's balance is the sum of its history, never below zero, and owed points only
# while nothing is left.
env.flush_all()
env.cr.execute("""
    SELECT c.id, c.points, COALESCE(c.crm_vn_points_debt, 0), COALESCE(SUM(h.issued - h.used), 0)
      FROM loyalty_card c
      JOIN loyalty_program p ON p.id = c.program_id AND p.program_type = 'loyalty'
 LEFT JOIN loyalty_history h ON h.card_id = c.id
  GROUP BY c.id""")
cards = env.cr.fetchall()
for card_id, points, debt, total in cards:
    if abs(points - total) > 0.005:
        problems.append(f"card {card_id}: balance {points} but its history adds up to {total}")
    if points < -0.005 or (debt > 0.005 and abs(points) > 0.005):
        problems.append(f"card {card_id}: balance {points} with {debt} points owed")

# One care activity per step and occasion.
env.cr.execute("""
    SELECT template_id, res_model, res_id, occasion, COUNT(*) FROM crm_vn_care_occurrence
  GROUP BY 1, 2, 3, 4 HAVING COUNT(*) > 1
    UNION ALL
    SELECT NULL, NULL, activity_id, NULL, COUNT(*) FROM crm_vn_care_occurrence
     WHERE activity_id IS NOT NULL GROUP BY activity_id HAVING COUNT(*) > 1""")
problems += [f"care step {row[0]} fired {row[4]} times for {row[1]} {row[2]} ({row[3]})"
             for row in env.cr.fetchall()]

# Every stored tier and figure is what a fresh recompute gives now.
COLUMNS = ("tier_id", "tier_since", "tier_grace_until", "tier_override_id", "tier_revenue",
           "tier_order_count", "tier_points", "tier_next_id", "tier_next_missing_revenue",
           "tier_next_missing_orders", "tier_next_progress", "first_order_date",
           "last_order_date", "next_care_date")
engine = env["crm.vn.tier.engine"]
customers = engine._customers_of()


def snapshot():
    env.flush_all()
    env.cr.execute(f"SELECT id, {', '.join(COLUMNS)} FROM res_partner WHERE id = ANY(%s)",
                   [customers])
    return {row[0]: row[1:] for row in env.cr.fetchall()}


stored = snapshot()
engine._recompute(env["res.partner"].browse(customers))
fresh = snapshot()
env.cr.rollback()
for pid, values in stored.items():
    if values != fresh[pid]:
        changed = [f"{name}: {old} → {new}" for name, old, new
                   in zip(COLUMNS, values, fresh[pid], strict=True) if old != new]
        problems.append(f"customer {pid} is not what a recompute gives ({'; '.join(changed)})")

print(f"checked {len(cards)} cards and {len(customers)} customers")
for problem in problems:
    print(problem)
sys.exit(1 if problems else 0)
