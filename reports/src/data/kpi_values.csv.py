"""Every available catalog KPI, as additive parts per model, local day and dimensions.

One row per KPI, model, day and (queue, site, channel, agent, team) values the model
has (empty where it has not): numerator and denominator for a ratio, the sum (or the
maximum) of the column for a count (or a longest time) in `numerator`, and the target
the model carries for that row, if any. Built from the catalog and information_schema
(_catalog.py): a KPI mart added later appears here with no change.
"""

from _catalog import plan, read_catalog, values_sql
from _warehouse import connect, write_csv

with connect() as con:
    entries = plan(con, read_catalog(con))
    has_contacts = con.execute(
        "select count(*) from information_schema.columns where table_schema = 'marts' "
        "and table_name = 'fct_contacts' and column_name = 'contact_date'"
    ).fetchone()[0]

# The reporting period ends on the last day with contacts: planning marts carry the coming
# days (plan only) and QA evaluates calls days later, and neither is a day that happened
# (DECISIONS.md D119); the planning marts keep them for their own pages.
until = (
    "where date_local <= (select max(contact_date) from marts.fct_contacts)" if has_contacts else ""
)
parts = [values_sql(e, s) for e in entries.values() for s in e.sources]
if parts:
    sql = "\nunion all\n".join(f"select * from ({p})" for p in parts)
    write_csv(f"select * from ({sql}) {until} order by date_local, kpi_key, model")
else:
    write_csv(
        "select null as kpi_key, null as model, null as grain, null::date as date_local,"
        " null as queue_id, null as site_id, null as channel, null as agent_id, null as team,"
        " null as numerator, null as denominator, null as target where false"
    )
