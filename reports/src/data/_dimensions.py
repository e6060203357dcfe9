"""What the site filters and drills by, with the path of each drill-down page (shared by
dimensions.json.py and _pages.py, which must name the per-page data files alike).

{queues, channels, sites, teams, agents, families}: queues from marts.dim_queues,
channels from marts.fct_contacts, sites and teams from the queues and marts.dim_agents,
agents from marts.dim_agents (those with an agent-day row), families from the KPI catalog.
Each item has a `slug`, the last part of its page's path (/<lang>/queues/<slug>.html):
the id itself when it is a plain name, else a lower-case plain form made unique.
"""

import re
import unicodedata

import duckdb
from _warehouse import _plain, columns_of

PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def slugs(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    taken: set[str] = set()
    for value in values:
        text = str(value)
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        plain = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"
        slug = text if PLAIN.match(text) else plain
        base, n = slug, 2
        while slug.lower() in taken:
            slug, n = f"{base}-{n}", n + 1
        taken.add(slug.lower())
        out[text] = slug
    return out


def rows(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [{n: _plain(v) for n, v in zip(names, r, strict=True)} for r in cursor.fetchall()]


OPTIONAL_TARGETS = ["service_level_target", "abandon_rate_target", "asa_target_seconds"]


def dimensions(con: duckdb.DuckDBPyConnection) -> dict:
    """What the site filters and drills by (the module's docstring), with slugs."""
    queue_columns = columns_of(con, "marts", "dim_queues")
    targets = "".join(f", q.{c}" for c in OPTIONAL_TARGETS if c in queue_columns)
    # a queue's channel: the one channel of its contacts (none when it has several)
    queues = rows(
        con,
        "select q.queue_id, coalesce(q.queue_name, q.queue_id) as queue_name, q.site_id,"
        f" c.channel{targets} from marts.dim_queues as q left join ("
        "select queue_id, min(channel) as channel from marts.fct_contacts"
        " where queue_id is not null group by queue_id having count(distinct channel) = 1"
        ") as c on c.queue_id = q.queue_id order by q.queue_id",
    )
    channels = rows(
        con,
        "select channel, count(*) as contacts from marts.fct_contacts"
        " where channel is not null group by channel order by contacts desc, channel",
    )
    agent_columns = columns_of(con, "marts", "dim_agents")
    has_days = "agent_id" in columns_of(con, "marts", "kpi_agent_daily")
    agents = (
        rows(
            con,
            "select a.agent_id, coalesce(a.agent_name, a.agent_id) as agent_name, a.team, a.site_id"
            " from marts.dim_agents as a"
            + (
                " where a.agent_id in (select agent_id from marts.kpi_agent_daily)"
                if has_days
                else ""
            )
            + " order by a.agent_id",
        )
        if "team" in agent_columns
        else []
    )
    families = [
        r["family"]
        for r in rows(
            con, "select distinct family from marts.dim_kpis where family is not null order by 1"
        )
    ]

    for kind, key in [(queues, "queue_id"), (channels, "channel"), (agents, "agent_id")]:
        mapping = slugs([r[key] for r in kind])
        for r in kind:
            r["slug"] = mapping[str(r[key])]
    team_names = sorted({a["team"] for a in agents if a.get("team")})
    team_slugs = slugs(team_names)
    teams = [
        {
            "team": t,
            "slug": team_slugs[t],
            "agents": sum(1 for a in agents if a.get("team") == t),
            "site_ids": sorted(
                {a["site_id"] for a in agents if a.get("team") == t and a.get("site_id")}
            ),
        }
        for t in team_names
    ]
    sites = sorted({r["site_id"] for r in queues + agents if r.get("site_id")})
    return {
        "queues": queues,
        "channels": channels,
        "sites": [{"site_id": s} for s in sites],
        "teams": teams,
        "agents": agents,
        "families": families,
    }
